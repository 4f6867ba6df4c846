/**
 * Benchmark: a resource query of 100,000 resources (IEC 62676-2-33 §7) through one pull point,
 * over the real SOAP path (HTTP/1.1 keep-alive, WS-UsernameToken digest on every request,
 * PullMessages with MessageLimit 1000 until an empty page), then the same with a LocationFilter
 * that selects about 1 % of them. Reports the time and the node's peak RSS: the client runs in a
 * child process, so the node's figure is its own (the process's high-water mark since start,
 * i.e. also covering start-up and registration).
 *
 *   node --import tsx bench/resource-query.ts [synthetic|cameras]
 *
 * - synthetic (default): 12,500 devices on a 10 km × 10 km grid, 8 resources each (two profiles,
 *   video and audio source, source configuration, two encoders, metadata), registered directly
 *   in the node's resource registry — the registry and the event path are what is measured.
 * - cameras: 6,667 simulated cameras × 15 resources each through the media model, for
 *   comparison; the camera model itself (drivers, per-camera state, tokens) costs memory here.
 */
import { execFile } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseConfig } from '../src/config/load.js';
import { VigilNode } from '../src/node/node.js';
import { haversineMetres } from '../src/resources/filters/geo.js';
import { envelope, usernameTokenHeader } from '../test/helpers/soap-client.js';

const mode = process.argv[2] === 'cameras' ? 'cameras' : process.argv[2] === 'client' ? 'client' : 'synthetic';
const ADMIN = { username: 'admin', password: 'Bench-password-1' };
const TEV = 'http://www.onvif.org/ver10/events/wsdl';
const WSNT = 'http://docs.oasis-open.org/wsn/b-2';
const CENTRE = { lat: 48.8534, lon: 2.3488 };
const DEVICES = 12_500;
const GRID = Math.ceil(Math.sqrt(DEVICES));
const SPAN_M = 10_000;
const M_PER_DEG_LAT = 111_195;
const M_PER_DEG_LON = M_PER_DEG_LAT * Math.cos((CENTRE.lat * Math.PI) / 180);
/**
 * A circle holding about 1 % of the devices: 1 % of the grid's area; for the simulated cameras,
 * which spread on a sunflower spiral ~40 m apart (π·40²·N m² for N cameras), 1 % of that.
 */
const CAMERAS = 6667;
const RADIUS_1PC = mode === 'cameras' ? 40 * Math.sqrt(0.01 * CAMERAS) : Math.sqrt((0.01 * SPAN_M * SPAN_M) / Math.PI);

const mb = (kb: number): number => Math.round(kb / 1024);
const peakRssMb = (): number => mb(process.resourceUsage().maxRSS);

function gridLocation(i: number): { lat: number; lon: number; elevation: number } {
  const x = ((i % GRID) / (GRID - 1) - 0.5) * SPAN_M;
  const y = (Math.floor(i / GRID) / (GRID - 1) - 0.5) * SPAN_M;
  return { lat: CENTRE.lat + y / M_PER_DEG_LAT, lon: CENTRE.lon + x / M_PER_DEG_LON, elevation: 35 };
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function soap(url: string, body: string): Promise<string> {
  const data = envelope(body, usernameTokenHeader(ADMIN));
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/soap+xml; charset=utf-8', 'content-length': Buffer.byteLength(data) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 500)}`));
        else resolve(text);
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

const tev = (op: string, inner: string): string => `<tev:${op} xmlns:tev="${TEV}" xmlns:wsnt="${WSNT}" xmlns:tns1="http://www.onvif.org/ver10/topics" xmlns:tt="http://www.onvif.org/ver10/schema">${inner}</tev:${op}>`;

async function enumerate(base: string, filter: string): Promise<{ messages: number; pages: number; ms: number; bytes: number }> {
  const started = performance.now();
  const created = await soap(`${base}/onvif/event_service`, tev('CreatePullPointSubscription', `<tev:Filter>${filter}</tev:Filter>`));
  const address = /<wsa:Address>([^<]+)<\/wsa:Address>/.exec(created)![1]!;
  let messages = 0;
  let pages = 0;
  let bytes = 0;
  for (;;) {
    const page = await soap(address, tev('PullMessages', `<tev:Timeout>PT0S</tev:Timeout><tev:MessageLimit>${process.env.RQ_LIMIT ?? 1000}</tev:MessageLimit>`));
    bytes += page.length;
    let n = 0;
    for (let i = page.indexOf('<wsnt:NotificationMessage>'); i >= 0; i = page.indexOf('<wsnt:NotificationMessage>', i + 1)) n++;
    if (n === 0) break;
    messages += n;
    pages++;
  }
  await soap(address, `<wsnt:Unsubscribe xmlns:wsnt="${WSNT}"/>`);
  return { messages, pages, ms: Math.round(performance.now() - started), bytes };
}

/** The client side, in its own process: `client <base url> <filter>` prints the result as JSON. */
async function client(): Promise<void> {
  const result = await enumerate(process.argv[3]!, process.argv[4] ?? '');
  agent.destroy();
  process.stdout.write(JSON.stringify(result));
}

function enumerateInChild(base: string, filter: string): Promise<Awaited<ReturnType<typeof enumerate>>> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [...process.execArgv, import.meta.filename, 'client', base, filter], { maxBuffer: 1 << 20 }, (err, out, errOut) =>
      err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(JSON.parse(out) as Awaited<ReturnType<typeof enumerate>>),
    ),
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-rq-'));
  process.env.VIGIL_ADMIN_PASSWORD = ADMIN.password;
  const config = parseConfig({
    dataDir: dir,
    listen: '127.0.0.1',
    http: { port: 0 },
    https: { enabled: false },
    rtsp: { port: 0 },
    discovery: { enabled: false },
    log: { level: 'silent' },
    cameras: mode === 'cameras' ? [{ name: 'Sim', prefix: 'S', count: CAMERAS }] : [],
  });
  const t0 = performance.now();
  const node = await VigilNode.start(config, pino({ level: 'silent' }), { adminPassword: ADMIN.password });
  const registry = node.resources.registry;
  let inside = 0;
  if (mode === 'synthetic') {
    for (let i = 0; i < DEVICES; i++) {
      const id = `dev${i}`;
      const p = `S${i}`;
      const location = gridLocation(i);
      if (haversineMetres(CENTRE, location) <= RADIUS_1PC) inside++;
      registry.setDevice({ id, prefix: p, location, scopes: [`onvif://www.onvif.org/name/Camera%20${i}`], online: true });
      const on = { deviceId: id };
      registry.put('MediaProfile', `${p}:main`, { name: 'Main stream', ...on });
      registry.put('MediaProfile', `${p}:sub`, { name: 'Sub stream', ...on });
      registry.put('VideoSource', `${p}:VS`, { name: `Camera ${i}`, ...on });
      registry.put('AudioSource', `${p}:AS`, { name: `Camera ${i}`, ...on });
      registry.put('VideoSourceConfiguration', `${p}:VSC`, { name: 'Video source', ...on });
      registry.put('VideoEncoderConfiguration', `${p}:VE-main`, { name: 'Main stream (H.264)', ...on });
      registry.put('VideoEncoderConfiguration', `${p}:VE-sub`, { name: 'Sub stream (H.264)', ...on });
      registry.put('MetadataConfiguration', `${p}:MD`, { name: 'Analytics and events', ...on });
    }
  } else {
    for (const v of registry.list()) if (v.device?.location && haversineMetres(CENTRE, v.device.location) <= RADIUS_1PC) inside++;
  }
  const setupMs = Math.round(performance.now() - t0);
  const total = registry.size;
  const base = `http://127.0.0.1:${node.httpPort}`;
  const peakBefore = peakRssMb();
  const rssIdle = Math.round(process.memoryUsage().rss / 1e6);

  const all = await enumerateInChild(base, '');
  const peakAll = peakRssMb();
  const location = `<tt:LocationFilter><tt:lon>${CENTRE.lon}</tt:lon><tt:lat>${CENTRE.lat}</tt:lat><tt:radius>${RADIUS_1PC.toFixed(1)}</tt:radius></tt:LocationFilter>`;
  const near = await enumerateInChild(base, location);
  const peakNear = peakRssMb();

  const want = mode === 'synthetic' ? inside * 8 : inside;
  const ok = all.messages >= total && near.messages === want;
  const lines = [
    `resource query bench (${mode}): ${total} resources${mode === 'synthetic' ? ` (${DEVICES} devices x 8)` : ' (6,667 cameras x 15)'}, setup ${setupMs} ms, RSS idle ${rssIdle} MB, peak after setup ${peakBefore} MB`,
    `  all resources : ${all.messages} messages in ${all.pages} pages of <= 1000, ${all.ms} ms (${Math.round(all.messages / (all.ms / 1000))} msg/s, ${Math.round(all.bytes / 1e6)} MB of XML), peak RSS ${peakAll} MB`,
    `  location 1 %  : ${near.messages} messages (expected ${want}, radius ${RADIUS_1PC.toFixed(0)} m) in ${near.pages} pages, ${near.ms} ms, peak RSS ${peakNear} MB`,
    `  goal: < 10000 ms and < 300 MB -> ${all.ms < 10_000 && near.ms < 10_000 && peakNear < 300 ? 'met' : 'NOT met'}${ok ? '' : ' (COUNTS WRONG)'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
  if (!ok) process.exitCode = 1;
}

if (mode === 'client') await client();
else await main();

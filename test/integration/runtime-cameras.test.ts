/**
 * Cameras changing under a running `vigil serve` (a real process, 301 cameras) and a real
 * restart:
 * - SIGHUP re-reads the configuration file and applies its `cameras:` diff — a removed camera
 *   arrives in an open subscription as Deleted, one set `online: false` as Changed with
 *   Offline=true, a new one as Initialized, each within a PullMessages Timeout of one second;
 * - `vigil cameras add|offline|remove|list` reach the node through its control socket, with the
 *   same effect; a bad request exits non-zero with the reason;
 * - after SIGTERM and a restart on the same data directory every remote token (4,500 resources,
 *   a client-created profile included) is identical.
 * Every SOAP response is validated against the ONVIF schemas.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ADMIN } from '../helpers/node.js';
import { OnvifSamples } from '../helpers/onvif-validate.js';
import { envelope, post, usernameTokenHeader } from '../helpers/soap-client.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TEV = 'http://www.onvif.org/ver10/events/wsdl';
const WSNT = 'http://docs.oasis-open.org/wsn/b-2';
const TR2 = 'http://www.onvif.org/ver20/media/wsdl';
const CONCRETE_SET = 'http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet';

const samples = new OnvifSamples();
const dir = mkdtempSync(join(tmpdir(), 'vigil-runtime-'));
const data = join(dir, 'data');
const configPath = join(dir, 'vigil.yaml');
const running = new Set<ChildProcess>();

after(async () => {
  for (const p of running) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  const n = await samples.assertAllValid();
  assert.ok(n > 20, `validated only ${n} messages`);
});

function writeConfig(cameras: string): void {
  writeFileSync(
    configPath,
    `listen: 127.0.0.1\nhttp: { port: 0 }\nhttps: { port: 0 }\nrtsp: { port: 0 }\ndiscovery: { enabled: false }\nlog: { level: warn }\ndevice: { location: city/paris }\ncameras:\n${cameras}`,
  );
}

const V1 = `  - { name: City, prefix: C, count: 300 }\n  - { name: Gate, prefix: Gate, location: { lat: 48.86, lon: 2.35 } }\n`;
const V2 =
  `  - { name: City, prefix: C, count: 299 }\n  - { name: Gate, prefix: Gate, location: { lat: 48.86, lon: 2.35 }, online: false }\n` +
  `  - { name: Mast, prefix: Mast, location: { lat: 48.861, lon: 2.351, elevation: 60 } }\n`;

function vigil(args: string[]): { proc: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, VIGIL_ADMIN_PASSWORD: ADMIN.password },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => (running.delete(proc), r(code))));
  return { proc, out: () => out, exited };
}

async function serve(): Promise<{ proc: ChildProcess; http: string; exited: Promise<number | null> }> {
  const s = vigil(['serve', '--config', configPath, '--data', data]);
  for (;;) {
    const m = /device service: http:\/\/[^:/]+:(\d+)\//.exec(s.out());
    if (m) return { proc: s.proc, http: `http://127.0.0.1:${m[1]}`, exited: s.exited };
    if (s.proc.exitCode !== null) throw new Error(`vigil serve exited:\n${s.out()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function cli(...args: string[]): Promise<{ code: number | null; out: string }> {
  const c = vigil(['cameras', ...args, '--data', data]);
  const code = await c.exited;
  return { code, out: c.out() };
}

async function call(url: string, body: string, name: string): Promise<string> {
  const r = await post(url, envelope(body, usernameTokenHeader(ADMIN)));
  samples.add(`${name} (${r.status})`, r.body);
  assert.equal(r.status, 200, r.body);
  return r.body;
}

const tev = (op: string, inner = ''): string => `<tev:${op} xmlns:tev="${TEV}" xmlns:wsnt="${WSNT}" xmlns:tns1="http://www.onvif.org/ver10/topics">${inner}</tev:${op}>`;
const pull = (timeout: string, limit: number): string => tev('PullMessages', `<tev:Timeout>${timeout}</tev:Timeout><tev:MessageLimit>${limit}</tev:MessageLimit>`);

async function subscribe(http: string, expr: string): Promise<string> {
  const body = await call(`${http}/onvif/event_service`, tev('CreatePullPointSubscription', `<tev:Filter><wsnt:TopicExpression Dialect="${CONCRETE_SET}">${expr}</wsnt:TopicExpression></tev:Filter>`), `CreatePullPointSubscription ${expr}`);
  return /<wsa:Address>([^<]+)<\/wsa:Address>/.exec(body)![1]!;
}

/** "<op> <token> [Offline=…]" per message. */
function brief(body: string): string[] {
  return [...body.matchAll(/<wsnt:NotificationMessage>(.*?)<\/wsnt:NotificationMessage>/g)].map((m) => {
    const x = m[1]!;
    const op = /PropertyOperation="(\w+)"/.exec(x)![1]!;
    const token = /<tt:SimpleItem Name="Token" Value="([^"]+)"\/>/.exec(x)![1]!;
    const off = /<tt:SimpleItem Name="Offline" Value="(\w+)"\/>/.exec(x)?.[1];
    return `${op} ${token}${off === 'true' ? ' offline' : ''}`;
  });
}

/** Every resource token the node reports, through one pull point, 1000 per page. */
async function allTokens(http: string, name: string): Promise<string[]> {
  const address = await subscribe(http, 'tns1:Resource//.');
  const tokens: string[] = [];
  for (let page = 0; ; page++) {
    const got = brief(await call(address, pull('PT0S', 1000), `PullMessages ${name} ${page}`));
    if (got.length === 0) return tokens.sort();
    tokens.push(...got.map((g) => g.split(' ')[1]!));
  }
}

test('SIGHUP and `vigil cameras` change a running node within a second; a restart keeps every token', { timeout: 180_000 }, async () => {
  writeConfig(V1);
  const first = await serve();
  const before = await allTokens(first.http, 'first run');
  assert.equal(before.length, 301 * 15);
  assert.equal(new Set(before).size, before.length);
  // A client-created profile: its token must survive the restart too.
  const created = await call(`${first.http}/onvif/media2_service`, `<tr2:CreateProfile xmlns:tr2="${TR2}"><tr2:Name>Police</tr2:Name><tr2:Configuration><tr2:Type>VideoSource</tr2:Type><tr2:Token>C1:VSC</tr2:Token></tr2:Configuration></tr2:CreateProfile>`, 'CreateProfile');
  const profile = /<tr2:Token>([^<]+)</.exec(created)![1]!;
  assert.equal(profile, 'C1:P1');

  const watch = await subscribe(first.http, 'tns1:Resource/VideoSource');
  assert.equal(brief(await call(watch, pull('PT0S', 1000), 'PullMessages watch drain')).length, 301);
  const within1s = async (name: string): Promise<string[]> => brief(await call(watch, pull('PT1S', 100), `PullMessages ${name}`)).sort();

  // Configuration reload.
  writeConfig(V2);
  first.proc.kill('SIGHUP');
  assert.deepEqual(await within1s('SIGHUP'), ['Changed Gate:VS offline', 'Deleted C300:VS', 'Initialized Mast:VS']);

  // The command line, through the control socket.
  const add = await cli('add', '--name', 'Van', '--prefix', 'Van', '--lat', '48.8601', '--lon', '2.3501');
  assert.equal(add.code, 0, add.out);
  assert.match(add.out, /^sim-van\tVan\tonline\t48\.8601,2\.3501\truntime\tVan$/m);
  assert.deepEqual(await within1s('cli add'), ['Initialized Van:VS']);
  assert.equal((await cli('offline', 'Van')).code, 0);
  assert.deepEqual(await within1s('cli offline'), ['Changed Van:VS offline']);
  assert.equal((await cli('remove', 'C5')).code, 0);
  assert.deepEqual(await within1s('cli remove'), ['Deleted C5:VS']);
  const list = await cli('list');
  assert.equal(list.out.trim().split('\n').length, 301, 'C1–C299 but C5, Gate, Mast, Van');
  assert.match(list.out, /^sim-gate\tGate\toffline\t48\.86,2\.35\tconfig\tGate$/m);
  const bad = await cli('remove', 'nobody');
  assert.equal(bad.code, 1);
  assert.match(bad.out, /no camera 'nobody'/);
  const badAdd = await cli('add', '--name', 'X', '--lat', '95', '--lon', '0');
  assert.equal(badAdd.code, 1);
  assert.match(badAdd.out, /camera\.location\.lat/);

  const afterReload = await allTokens(first.http, 'after reload');
  first.proc.kill('SIGTERM');
  assert.equal(await first.exited, 0);

  // Restart on the same data directory with the same (reloaded) configuration.
  const second = await serve();
  const restarted = await allTokens(second.http, 'second run');
  const isVan = (tok: string): boolean => tok.startsWith('Van:');
  const c5 = before.filter((tok) => tok.startsWith('C5:'));
  assert.ok(afterReload.includes(profile));
  const expected = [...afterReload.filter((tok) => !isVan(tok)), ...c5].sort();
  assert.deepEqual(restarted, expected, 'configured cameras (C5 again), their tokens, and the created profile; not the run-time van');
  assert.ok(restarted.includes('Mast:VS') && !restarted.some((tok) => tok.startsWith('C300:')));
  // Tokens from the first run are all still the same strings.
  for (const tok of before) if (!tok.startsWith('C300:')) assert.ok(restarted.includes(tok), tok);
  second.proc.kill('SIGTERM');
  assert.equal(await second.exited, 0);
});

/**
 * Benchmark: GetDeviceInformation with WS-UsernameToken digest over keep-alive HTTP/1.1.
 * Side by side in the same run: a bare node:http server that reads the request body and answers
 * the very bytes Vigil answers. Load comes from wrk (one thread, so the server keeps a core),
 * fed with pre-computed, never-repeated UsernameTokens (Vigil refuses replayed nonces).
 *
 *   npm run bench            (or: node --import tsx bench/soap-device-info.ts [seconds] [connections])
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseConfig } from '../src/config/load.js';
import { VigilNode } from '../src/node/node.js';

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 32);
const PASSWORD = 'Bench-password-1';
const TDS = 'http://www.onvif.org/ver10/device/wsdl';

const PREFIX =
  '<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>' +
  '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">' +
  '<wsse:UsernameToken><wsse:Username>admin</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">';
const MID1 = '</wsse:Password><wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">';
const MID2 = '</wsse:Nonce><wsu:Created>';
const SUFFIX = `</wsu:Created></wsse:UsernameToken></wsse:Security></s:Header><s:Body><GetDeviceInformation xmlns="${TDS}"/></s:Body></s:Envelope>`;

/** One line per request: digest nonce created (all fixed width, so Content-Length is constant). */
function writeTokens(file: string, count: number): void {
  const created = new Date().toISOString();
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const nonce = randomBytes(16);
    const digest = createHash('sha1').update(nonce).update(created).update(PASSWORD).digest('base64');
    lines.push(`${digest} ${nonce.toString('base64')} ${created}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

function luaScript(tokensFile: string): string {
  const q = (s: string) => JSON.stringify(s);
  return `
local tokens = {}
for line in io.lines(${q(tokensFile)}) do tokens[#tokens + 1] = line end
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/soap+xml; charset=utf-8"
request = function()
  i = i + 1
  if i > #tokens then i = 1 end
  local d, n, c = tokens[i]:match("(%S+) (%S+) (%S+)")
  local body = ${q(PREFIX)} .. d .. ${q(MID1)} .. n .. ${q(MID2)} .. c .. ${q(SUFFIX)}
  return wrk.format(nil, "/onvif/device_service", nil, body)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.0f %.0f %.0f\\n", summary.requests, summary.errors.status + summary.errors.read + summary.errors.write + summary.errors.connect + summary.errors.timeout, latency:percentile(50), latency:percentile(99), summary.duration))
end
`;
}

interface Run {
  name: string;
  rps: number;
  p50ms: number;
  p99ms: number;
  errors: number;
}

function wrk(name: string, port: number, script: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', script, `http://127.0.0.1:${port}/onvif/device_service`], (err, stdout) => {
      if (err) return reject(new Error(`wrk failed (apt-get install wrk): ${err.message}`));
      const m = /RESULT (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(stdout);
      if (!m) return reject(new Error(`no result from wrk:\n${stdout}`));
      const [requests, errors, p50, p99, durationUs] = m.slice(1).map(Number) as [number, number, number, number, number];
      resolve({ name, rps: requests / (durationUs / 1e6), p50ms: p50 / 1000, p99ms: p99 / 1000, errors });
    });
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const config = parseConfig({
    dataDir: join(dir, 'data'), listen: '127.0.0.1', http: { port: 0 }, https: { enabled: false }, discovery: { enabled: false }, log: { level: 'silent' },
  });
  const node = await VigilNode.start(config, pino({ level: 'silent' }), { adminPassword: PASSWORD });
  // Capture the exact reply so the bare server answers the same bytes.
  const tokensFile = join(dir, 'tokens.txt');
  writeTokens(tokensFile, 1);
  const [d, n, c] = readFileSync(tokensFile, 'utf8').trim().split(' ') as [string, string, string];
  const ok = await fetch(`http://127.0.0.1:${node.httpPort}/onvif/device_service`, {
    method: 'POST', headers: { 'content-type': 'application/soap+xml' }, body: PREFIX + d + MID1 + n + MID2 + c + SUFFIX,
  });
  const replyBody = Buffer.from(await ok.text());
  if (ok.status !== 200) throw new Error(`setup request failed: ${ok.status}`);

  const bare: Server = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/soap+xml; charset=utf-8', 'content-length': replyBody.length });
      res.end(replyBody);
    });
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const barePort = (bare.address() as AddressInfo).port;

  // Enough unique tokens that none is replayed during the run (wrk would wrap around).
  writeTokens(tokensFile, Math.max(50_000, seconds * 40_000));
  const script = join(dir, 'bench.lua');
  writeFileSync(script, luaScript(tokensFile));

  const runs: Run[] = [];
  const only = process.env.BENCH_ONLY; // 'vigil' while profiling the server alone
  for (let round = 0; round < 2; round++) {
    if (only !== 'vigil') runs.push(await wrk('bare node:http (same bytes)', barePort, script));
    writeTokens(tokensFile, Math.max(50_000, seconds * 40_000)); // fresh tokens for Vigil each round
    runs.push(await wrk('Vigil GetDeviceInformation + UsernameToken digest', node.httpPort!, script));
  }
  const best = (name: string): Run | undefined => runs.filter((r) => r.name === name).sort((a, b) => b.rps - a.rps)[0];
  const b = best('bare node:http (same bytes)') ?? { name: 'bare (skipped)', rps: NaN, p50ms: NaN, p99ms: NaN, errors: 0 };
  const v = best('Vigil GetDeviceInformation + UsernameToken digest')!;
  const audited = node.audit.recent(1).length;
  console.log(`\nGetDeviceInformation, keep-alive HTTP/1.1, wrk -t1 -c${connections} -d${seconds}s, best of 2 rounds, node ${process.version}`);
  console.log('| server | requests/s | p50 ms | p99 ms | errors |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of [b, v]) console.log(`| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50ms.toFixed(2)} | ${r.p99ms.toFixed(2)} | ${r.errors} |`);
  console.log(`\nVigil / bare throughput ratio: ${(v.rps / b.rps).toFixed(2)} (goal ≥ 0.50); audit log rows written: ${audited ? 'yes' : 'no'}`);
  bare.close();
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

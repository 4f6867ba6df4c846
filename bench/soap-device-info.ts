/**
 * Benchmark: GetDeviceInformation with WS-UsernameToken digest over keep-alive HTTP/1.1.
 * Side by side in the same run, each in its own process: Vigil as users run it (the built
 * `bin/vigil.js serve` with its default simulated cameras, audit log and all), and a bare
 * node:http server that reads the request body and answers the very bytes Vigil answers. Load
 * comes from wrk (one thread, so each server keeps a core), fed with pre-computed, never-repeated
 * UsernameTokens (Vigil refuses replayed nonces). After an uncounted warm-up, rounds alternate
 * which server goes first; the result is the median of the rounds' Vigil / bare ratios, each from
 * two runs seconds apart (the machine's background load drifts). Afterwards the audit log is read
 * back: every request Vigil answered must have its row.
 *
 *   npm run bench            (or: npm run build && node --import tsx bench/soap-device-info.ts [seconds] [connections])
 *   BENCH_ROUNDS=n, BENCH_WARMUP=s   rounds (default 10), warm-up seconds per server (default 10)
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import Database from 'better-sqlite3';

const seconds = Number(process.argv[2] ?? 5);
const connections = Number(process.argv[3] ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
// Vigil reaches its steady state (JIT, first touch of the nonce cache's tables) in several seconds.
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP ?? 10);
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
  // Created advances 1 ms every 50 tokens, as many clients' clocks would: the node's nonce cache
  // keeps its replay floor below every token still to come.
  const t0 = Date.now();
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = new Date(t0 + Math.floor(i / 50)).toISOString();
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
  requests: number;
  /** Server CPU time (user + system) per request, µs: steadier than throughput on a busy machine. */
  cpuUsPerRequest: number;
}

/** utime + stime of a process, in µs (from /proc; clock ticks are 100 Hz on Linux). */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** Runs wrk against a server; `pid` is the server's process, whose CPU time per request is measured. */
async function wrk(name: string, port: number, script: string, pid: number, secs: number): Promise<Run> {
  const cpu0 = cpuMicros(pid);
  const run = await wrkOnce(name, port, script, secs);
  run.cpuUsPerRequest = (cpuMicros(pid) - cpu0) / run.requests;
  return run;
}

function wrkOnce(name: string, port: number, script: string, secs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile('wrk', ['-t1', `-c${connections}`, `-d${secs}s`, '-s', script, `http://127.0.0.1:${port}/onvif/device_service`], (err, stdout) => {
      if (err) return reject(new Error(`wrk failed (apt-get install wrk): ${err.message}`));
      const m = /RESULT (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(stdout);
      if (!m) return reject(new Error(`no result from wrk:\n${stdout}`));
      const [requests, errors, p50, p99, durationUs] = m.slice(1).map(Number) as [number, number, number, number, number];
      resolve({ name, rps: requests / (durationUs / 1e6), p50ms: p50 / 1000, p99ms: p99 / 1000, errors, requests, cpuUsPerRequest: NaN });
    });
  });
}

const ROOT = new URL('..', import.meta.url).pathname;

/** Starts a child process and resolves with the first stdout match of `ready`. */
async function startProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ proc: ChildProcess; match: RegExpExecArray }> {
  const proc = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`${cmd} ${args.join(' ')} exited (${code}) before it was ready:\n${out}`)));
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) {
        proc.removeAllListeners('exit');
        resolve({ proc, match });
        // BENCH_SERVER_OUTPUT=1: the servers' later output (e.g. --trace-gc) goes to stderr.
        if (process.env.BENCH_SERVER_OUTPUT) proc.stdout!.pipe(process.stderr);
      }
    });
  });
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  proc.kill('SIGTERM');
  await once(proc, 'exit');
}

/** The bare peer: node:http answering a fixed reply, in its own process like Vigil. */
const BARE_SERVER = `
const http = require('node:http');
const reply = require('node:fs').readFileSync(process.argv[1]);
const server = http.createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/soap+xml; charset=utf-8', 'content-length': reply.length });
    res.end(reply);
  });
});
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
process.on('SIGTERM', () => process.exit(0));
`;

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm run bench does)');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const configFile = join(dir, 'vigil.yaml');
  writeFileSync(configFile, 'listen: 127.0.0.1\nhttp:\n  port: 0\nhttps:\n  enabled: false\ndiscovery:\n  enabled: false\nrtsp:\n  port: 0\nlog:\n  level: warn\n');
  // BENCH_VIGIL_NODE_ARGS: extra node flags for the Vigil process (e.g. --cpu-prof while profiling).
  const nodeArgs = (process.env.BENCH_VIGIL_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const vigil = await startProcess(process.execPath, [...nodeArgs, 'bin/vigil.js', 'serve', '--config', configFile, '--data', join(dir, 'data')], { VIGIL_ADMIN_PASSWORD: PASSWORD }, /device service: (http:\/\/[^\s]+)/);
  const vigilUrl = vigil.match[1]!;
  const vigilPort = Number(new URL(vigilUrl).port);

  // Capture the exact reply so the bare server answers the same bytes.
  const tokensFile = join(dir, 'tokens.txt');
  writeTokens(tokensFile, 1);
  const [d, n, c] = readFileSync(tokensFile, 'utf8').trim().split(' ') as [string, string, string];
  const ok = await fetch(vigilUrl, { method: 'POST', headers: { 'content-type': 'application/soap+xml' }, body: PREFIX + d + MID1 + n + MID2 + c + SUFFIX });
  const replyFile = join(dir, 'reply.xml');
  writeFileSync(replyFile, Buffer.from(await ok.arrayBuffer()));
  if (ok.status !== 200) throw new Error(`setup request failed: ${ok.status}`);
  const bare = await startProcess(process.execPath, ['-e', BARE_SERVER, replyFile], {}, /PORT (\d+)/);
  const barePort = Number(bare.match[1]);

  const script = join(dir, 'bench.lua');
  writeFileSync(script, luaScript(tokensFile));
  if (process.env.BENCH_HOLD) {
    // Profiling aid: keep both servers up for strace/perf, with a fresh token file for wrk.
    writeTokens(tokensFile, Math.max(50_000, seconds * 60_000));
    console.log(`vigil pid ${vigil.proc.pid} port ${vigilPort}; bare pid ${bare.proc.pid} port ${barePort}; wrk script ${script}; close stdin to stop`);
    process.stdin.resume();
    await once(process.stdin, 'end');
  }
  const only = process.env.BENCH_ONLY; // 'vigil' while profiling the server alone
  let vigilRequests = 1;
  let vigilErrors = 0;
  /** A wrk run on Vigil with fresh tokens (none replayed: wrk would wrap around the file). */
  const vigilRun = async (secs: number): Promise<Run> => {
    writeTokens(tokensFile, Math.max(50_000, secs * 60_000));
    const run = await wrk('Vigil', vigilPort, script, vigil.proc.pid!, secs);
    vigilRequests += run.requests;
    vigilErrors += run.errors;
    return run;
  };
  // Warm-up, not counted: both servers reach steady state (JIT, caches, audit database) first.
  if (only !== 'vigil') await wrk('bare', barePort, script, bare.proc.pid!, WARMUP_SECONDS);
  await vigilRun(WARMUP_SECONDS);
  // Rounds alternate which server goes first, so drift in the machine's background load falls on
  // both alike; each round's ratio compares two runs seconds apart.
  const rounds: { bare: Run | undefined; vigil: Run }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let b: Run | undefined;
    let v: Run;
    if (only === 'vigil') v = await vigilRun(seconds);
    else if (r % 2 === 0) {
      b = await wrk('bare', barePort, script, bare.proc.pid!, seconds);
      v = await vigilRun(seconds);
    } else {
      v = await vigilRun(seconds);
      b = await wrk('bare', barePort, script, bare.proc.pid!, seconds);
    }
    rounds.push({ bare: b, vigil: v });
  }
  await stop(bare.proc);
  await stop(vigil.proc);
  const db = new Database(join(dir, 'data', 'vigil.db'), { readonly: true });
  const audited = (db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'GetDeviceInformation' AND outcome = 'ok'").get() as { n: number }).n;
  db.close();

  const fmt = (r: Run | undefined): string => (r ? `${r.rps.toFixed(0)} | ${r.p99ms.toFixed(2)} | ${r.cpuUsPerRequest.toFixed(1)}` : '– | – | –');
  console.log(`\nGetDeviceInformation, keep-alive HTTP/1.1, wrk -t1 -c${connections} -d${seconds}s, ${ROUNDS} rounds after a ${WARMUP_SECONDS} s warm-up, node ${process.version}`);
  console.log('| round | bare req/s | bare p99 ms | bare CPU µs/req | Vigil req/s | Vigil p99 ms | Vigil CPU µs/req | ratio |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  const ratios: number[] = [];
  rounds.forEach(({ bare: b, vigil: v }, i) => {
    const ratio = b ? v.rps / b.rps : NaN;
    ratios.push(ratio);
    console.log(`| ${i + 1} | ${fmt(b)} | ${fmt(v)} | ${ratio.toFixed(2)} |`);
  });
  const errors = rounds.reduce((n, r) => n + r.vigil.errors + (r.bare?.errors ?? 0), 0);
  console.log(`\nVigil / bare throughput, median of the rounds: ${median(ratios).toFixed(2)} (goal ≥ 0.50); rounds ${ratios.map((x) => x.toFixed(2)).join(', ')}; errors ${errors}`);
  console.log(`audit log: ${audited} rows for ${vigilRequests} GetDeviceInformation requests answered by Vigil`);
  rmSync(dir, { recursive: true, force: true });
  if (audited < vigilRequests - vigilErrors) throw new Error('audit log is missing rows');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

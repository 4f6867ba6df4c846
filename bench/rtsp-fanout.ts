/**
 * Benchmark: one ~4 Mbit/s H.264 stream fanned out to N RTSP-over-TCP readers, Vigil's RTSP
 * server side by side with GStreamer's gst-rtsp-server (shared media factory) serving the same
 * clip, in the same run. Each step starts a fresh server process, connects N readers
 * (bench/rtsp-fanout-reader.ts, one separate process that only drains sockets and checks RTP
 * sequence numbers), waits a warm-up, then measures for `seconds`:
 *
 * - server CPU seconds per reader-minute (utime+stime of the server process, /proc),
 * - server RSS, and RSS per reader: the least-squares slope of RSS over the lossless steps with
 *   N ≥ 100 (a difference to the 1-reader step is swamped by garbage-collector noise),
 * - loss: a step is lossless when every reader played, none was closed, no sequence number is
 *   missing and every reader got at least 95 % of the packets the 1-reader step got.
 *
 * Steps alternate between the two servers (N readers on Vigil, then on GStreamer, then the next
 * N) so background load hits both alike; with `rounds` > 1 each step keeps its least-CPU round.
 * The ramp stops for a server at its first lossy step; the largest lossless N is reported.
 *
 *   npm run bench   (or: node --import tsx bench/rtsp-fanout.ts [seconds] [maxReaders] [rounds])
 * Needs ffmpeg (libx264) and /usr/bin/python3 with gi + GstRtspServer (gir1.2-gst-rtsp-server-1.0).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const seconds = Number(process.argv[2] ?? 10);
const maxReaders = Number(process.argv[3] ?? 800);
const rounds = Number(process.argv[4] ?? 1);
const WARMUP_SECONDS = 3;
const CLIP_SECONDS = 60;
const FPS = 30;
const STEPS = [1, 10, 25, 50, 100, 200, 300, 400, 600, 800, 1000, 1500, 2000].filter((n) => n <= maxReaders);
const USER = { username: 'bench', password: 'Bench-password-1' };
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

type Kind = 'vigil' | 'gst';

interface ReaderResult {
  n: number;
  playing: number;
  failures: number;
  closedEarly: number;
  packets: number;
  minPackets: number;
  maxPackets: number;
  gaps: number;
  gapsBeforeMeasuring: number;
  bytes: number;
}

interface Step {
  kind: Kind;
  n: number;
  cpuSeconds: number;
  readerCpuSeconds: number;
  rssKb: number;
  result: ReaderResult;
  lossless: boolean;
}

function makeClip(dir: string): { mp4: string; h264: string; mbps: number } {
  const mp4 = join(dir, 'clip.mp4');
  const h264 = join(dir, 'clip.h264');
  // Moving test pattern with temporal noise so x264 really spends ~4 Mbit/s; GOP 2 s, no B-frames.
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=${FPS}`,
    '-vf', 'noise=alls=12:allf=t', '-t', String(CLIP_SECONDS), '-pix_fmt', 'yuv420p',
    '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '4M', '-maxrate', '4M', '-bufsize', '2M', '-g', String(2 * FPS), '-bf', '0', '-an', mp4,
  ]);
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', mp4, '-c', 'copy', '-bsf:v', 'h264_mp4toannexb', '-f', 'h264', h264]);
  return { mp4, h264, mbps: (statSync(h264).size * 8) / CLIP_SECONDS / 1e6 };
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
}

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

function lines(child: ChildProcess, onLine: (line: string) => void): void {
  createInterface({ input: child.stdout! }).on('line', onLine);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

async function runStep(kind: Kind, n: number, clip: { mp4: string; h264: string }): Promise<Omit<Step, 'lossless'>> {
  const server =
    kind === 'vigil'
      ? spawn(process.execPath, ['--import', 'tsx', 'bench/rtsp-fanout-server.ts', clip.h264, String(FPS)], { stdio: ['ignore', 'pipe', 'inherit'] })
      : spawn('/usr/bin/python3', ['bench/rtsp-fanout-gst.py', clip.mp4], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      lines(server, (line) => {
        const m = /^PORT (\d+)/.exec(line);
        if (m) resolve(Number(m[1]));
      });
      server.once('exit', (code) => reject(new Error(`${kind} server exited (${code})`)));
    });
    const reader = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/rtsp-fanout-reader.ts', `rtsp://127.0.0.1:${port}/live/P1`, String(n), String(WARMUP_SECONDS), String(seconds), USER.username, USER.password],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let cpu0 = 0;
    let readerCpu0 = 0;
    const deadline = setTimeout(() => reader.kill('SIGKILL'), (WARMUP_SECONDS + seconds + 90) * 1000);
    return await new Promise<Omit<Step, 'lossless'>>((resolve, reject) => {
      lines(reader, (line) => {
        if (line === 'MEASURE_START') {
          cpu0 = cpuTicks(server.pid!);
          readerCpu0 = cpuTicks(reader.pid!);
        } else if (line.startsWith('RESULT ')) {
          const cpuSeconds = (cpuTicks(server.pid!) - cpu0) / CLK_TCK;
          const readerCpuSeconds = (cpuTicks(reader.pid!) - readerCpu0) / CLK_TCK;
          resolve({ kind, n, cpuSeconds, readerCpuSeconds, rssKb: rssKb(server.pid!), result: JSON.parse(line.substring(7)) as ReaderResult });
        }
      });
      reader.once('exit', (code, signal) => {
        if (code !== 0) reject(new Error(`reader exited (${code ?? signal})`));
      });
    }).finally(() => clearTimeout(deadline));
  } finally {
    await stop(server);
  }
}

function judge(step: Omit<Step, 'lossless'>, reference: Omit<Step, 'lossless'> | undefined): boolean {
  const r = step.result;
  const expected = reference ? reference.result.minPackets : r.minPackets;
  return r.playing === step.n && r.failures === 0 && r.closedEarly === 0 && r.gaps === 0 && r.minPackets >= 0.95 * expected;
}

/** Least-squares slope of RSS (KB) over N. */
function rssSlopeKb(points: readonly Step[]): number {
  const mx = points.reduce((a, p) => a + p.n, 0) / points.length;
  const my = points.reduce((a, p) => a + p.rssKb, 0) / points.length;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.n - mx) * (p.rssKb - my);
    den += (p.n - mx) ** 2;
  }
  return num / den;
}

function pad(s: string | number, width: number): string {
  return String(s).padStart(width);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-fanout-'));
  try {
    const clip = makeClip(dir);
    console.log(`clip: 1280x720 ${FPS} fps H.264, ${clip.mbps.toFixed(2)} Mbit/s, ${CLIP_SECONDS} s; measuring ${seconds} s after ${WARMUP_SECONDS} s warm-up`);
    console.log('server  readers  lossless  CPU-s/reader-min  server CPU  readers/CPU  RSS MB  Mbit/s/reader  reader-proc CPU');
    const steps: Step[] = [];
    const references = new Map<Kind, Omit<Step, 'lossless'>>();
    const stopped = new Set<Kind>();
    for (const n of STEPS) {
      for (const kind of ['vigil', 'gst'] as Kind[]) {
        if (stopped.has(kind)) continue;
        let step: Step | undefined;
        for (let round = 0; round < rounds; round++) {
          const raw = await runStep(kind, n, clip);
          if (n === 1 && !references.has(kind)) references.set(kind, raw);
          const candidate = { ...raw, lossless: judge(raw, references.get(kind)) };
          if (!step || (candidate.lossless && (!step.lossless || candidate.cpuSeconds < step.cpuSeconds))) step = candidate;
        }
        steps.push(step!);
        const cpuFraction = step!.cpuSeconds / seconds;
        const mbps = (step!.result.bytes * 8) / n / (seconds + WARMUP_SECONDS) / 1e6;
        console.log(
          [
            pad(kind, 6), pad(n, 8), pad(step!.lossless ? 'yes' : 'NO', 9),
            pad((step!.cpuSeconds / (n * (seconds / 60))).toFixed(4), 17),
            pad(`${(100 * cpuFraction).toFixed(1)}%`, 11),
            pad(cpuFraction > 0 ? Math.round(n / cpuFraction) : '-', 12),
            pad((step!.rssKb / 1024).toFixed(1), 7),
            pad(mbps.toFixed(2), 14),
            pad(`${((100 * step!.readerCpuSeconds) / seconds).toFixed(0)}%`, 16),
          ].join(' '),
        );
        if (!step!.lossless) {
          console.log(`        ${kind} lost at N=${n}: ${JSON.stringify(step!.result)}`);
          stopped.add(kind);
        }
      }
      if (stopped.size === 2) break;
    }
    for (const kind of ['vigil', 'gst'] as Kind[]) {
      const ok = steps.filter((s) => s.kind === kind && s.lossless);
      const fit = ok.filter((s) => s.n >= 100);
      const slope = fit.length >= 2 ? rssSlopeKb(fit) : NaN;
      console.log(
        `${kind}: largest N without loss ${ok.at(-1)?.n ?? 0}${ok.length === steps.filter((s) => s.kind === kind).length ? ' (ramp limit reached)' : ''}` +
          `, RSS per reader ${Number.isNaN(slope) ? '-' : `${slope.toFixed(1)} KB`}`,
      );
    }
    // Readers per CPU wherever both served without loss; the largest such N last.
    const common = STEPS.filter((n) => n > 1 && steps.some((s) => s.kind === 'vigil' && s.n === n && s.lossless) && steps.some((s) => s.kind === 'gst' && s.n === n && s.lossless));
    for (const n of common) {
      const perCpu = (kind: Kind): number => {
        const s = steps.find((x) => x.kind === kind && x.n === n)!;
        return n / (s.cpuSeconds / seconds);
      };
      console.log(`N=${n}: readers per CPU vigil ${perCpu('vigil').toFixed(0)}, gst-rtsp-server ${perCpu('gst').toFixed(0)} → ratio ${(perCpu('vigil') / perCpu('gst')).toFixed(2)}×`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

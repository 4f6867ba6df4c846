/**
 * The Vigil side of bench/rtsp-fanout.ts, run as its own process so its CPU and RSS can be read
 * from /proc: the RTSP server (as the node runs it: Digest auth, audit log, hub with the default
 * queue bound) serving one H.264 Annex B clip, looped at its frame rate, as profile P1.
 *
 *   node --import tsx bench/rtsp-fanout-server.ts <clip.h264> <fps>
 * Prints `PORT <n>` when listening.
 */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { splitAnnexB } from '../src/protocol/codec/annexb.js';
import { AccessUnitAssembler } from '../src/protocol/codec/h264.js';
import type { FrameSink, LiveSource, TrackInfo } from '../src/media/live.js';
import { RtspServer } from '../src/northbound/rtsp/server.js';
import { Authenticator } from '../src/security/authenticator.js';
import { SecretBox } from '../src/security/secrets.js';
import { AuditLog } from '../src/storage/audit.js';
import { openDatabase } from '../src/storage/db.js';
import { UserStore } from '../src/storage/users.js';

export const BENCH_USER = { username: 'bench', password: 'Bench-password-1' };

class ClipSource implements LiveSource {
  readonly id = 'bench-clip';
  readonly tracks: TrackInfo[];
  readonly #units: { nals: Uint8Array[]; keyframe: boolean }[];
  readonly #fps: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(file: string, fps: number) {
    const assembler = new AccessUnitAssembler();
    const units = [];
    for (const nal of splitAnnexB(readFileSync(file))) units.push(...assembler.push(nal));
    units.push(...assembler.flush());
    this.#units = units;
    this.#fps = fps;
    const nals = units.flatMap((u) => u.nals);
    const sps = nals.find((n) => (n[0]! & 0x1f) === 7)!;
    const pps = nals.find((n) => (n[0]! & 0x1f) === 8)!;
    this.tracks = [{ kind: 'video', codec: 'H264', clockRate: 90000, h264: { sps, pps } }];
  }

  /** One timer per frame, due at the frame's time (a camera delivers frames, it does not poll). */
  start(sink: FrameSink): void {
    const t0 = Date.now();
    let n = 0;
    const tick = (): void => {
      const elapsed = Date.now() - t0;
      while ((n * 1000) / this.#fps <= elapsed) {
        const unit = this.#units[n % this.#units.length]!;
        sink({ track: 0, wallclockMs: t0 + (n * 1000) / this.#fps, timestamp: Math.round((n * 90000) / this.#fps), keyframe: unit.keyframe, data: unit.nals });
        n++;
      }
      this.#timer = setTimeout(tick, Math.max(0, t0 + (n * 1000) / this.#fps - Date.now()));
    };
    tick();
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  requestKeyframe(): void {}
}

const [clip, fps] = process.argv.slice(2);
if (!clip) throw new Error('usage: rtsp-fanout-server.ts <clip.h264> <fps>');
const db = openDatabase(':memory:');
const users = new UserStore(db, new SecretBox(SecretBox.generateKey()));
users.create([{ ...BENCH_USER, level: 'User' }]);
const server = new RtspServer({
  authenticator: new Authenticator(users, { throttle: { maxFailures: 1_000_000 } }),
  audit: new AuditLog(db),
  log: pino({ level: 'silent' }),
  maxConnections: 100_000,
  maxSessions: 100_000,
});
const source = new ClipSource(clip, Number(fps ?? 30));
server.setDirectory({ sourceForProfile: (token) => (token === 'P1' ? source : undefined) });
await server.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`PORT ${server.port}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});

/**
 * The readers of bench/rtsp-fanout.ts, in their own process: N RTSP-over-TCP clients (DESCRIBE,
 * SETUP interleaved, PLAY; Digest when challenged) that drain their sockets and check RTP
 * sequence numbers, nothing more, so they cost as little as possible. After `warmup` seconds it
 * prints `MEASURE_START`, after `measure` more `RESULT <json>`, then exits.
 *
 *   node --import tsx bench/rtsp-fanout-reader.ts <url> <n> <warmupS> <measureS> [user password]
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const [url, nText, warmupText, measureText, user, password] = process.argv.slice(2);
if (!url || !nText) throw new Error('usage: rtsp-fanout-reader.ts <url> <n> <warmupS> <measureS> [user password]');
const target = new URL(url);

interface Challenge {
  realm: string;
  nonce: string;
  qop: boolean;
  opaque: string | undefined;
}

class Reader {
  packets = 0;
  bytes = 0;
  gaps = 0;
  rtcp = 0;
  playing = false;
  closed = false;
  #last = -1;
  #carry: Buffer | undefined;
  #cseq = 0;
  #nc = 0;
  #challenge: Challenge | undefined;
  #step: 'describe' | 'setup' | 'play' | 'done' = 'describe';
  #base = url!;
  #session = '';
  #control = '';
  readonly #socket: Socket;
  readonly #onPlaying: () => void;
  readonly #onFail: (why: string) => void;

  constructor(onPlaying: () => void, onFail: (why: string) => void) {
    this.#onPlaying = onPlaying;
    this.#onFail = onFail;
    this.#socket = connect(Number(target.port), target.hostname, () => this.#send('DESCRIBE', url!, 'Accept: application/sdp\r\n'));
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('error', () => undefined); // 'close' follows
    this.#socket.on('close', () => {
      this.closed = true;
      if (!this.playing) this.#fail('closed before PLAY');
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #failed = false;
  #fail(why: string): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#onFail(why);
    this.#socket.destroy();
  }

  #send(method: string, uri: string, extra = ''): void {
    let auth = '';
    const c = this.#challenge;
    if (c && user) {
      const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
      const ha1 = md5(`${user}:${c.realm}:${password}`);
      const ha2 = md5(`${method}:${uri}`);
      const common = `username="${user}", realm="${c.realm}", nonce="${c.nonce}", uri="${uri}"${c.opaque ? `, opaque="${c.opaque}"` : ''}`;
      if (c.qop) {
        const nc = (++this.#nc).toString(16).padStart(8, '0');
        const cnonce = randomBytes(8).toString('hex');
        auth = `Authorization: Digest ${common}, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${md5(`${ha1}:${c.nonce}:${nc}:${cnonce}:auth:${ha2}`)}"\r\n`;
      } else {
        auth = `Authorization: Digest ${common}, response="${md5(`${ha1}:${c.nonce}:${ha2}`)}"\r\n`;
      }
    }
    this.#socket.write(`${method} ${uri} RTSP/1.0\r\nCSeq: ${++this.#cseq}\r\n${auth}${extra}\r\n`);
  }

  #onData(input: Buffer): void {
    let chunk = input;
    const carry = this.#carry;
    if (carry) {
      this.#carry = undefined;
      if (carry[0] === 0x24 && carry.length >= 4) {
        // Complete the one frame split across chunks without copying the whole chunk.
        const need = 4 + carry.readUInt16BE(2) - carry.length;
        if (chunk.length < need) {
          this.#carry = Buffer.concat([carry, chunk]);
          return;
        }
        this.#frame(Buffer.concat([carry, chunk.subarray(0, need)]), 0);
        chunk = chunk.subarray(need);
      } else {
        chunk = Buffer.concat([carry, chunk]);
      }
    }
    let off = 0;
    while (off < chunk.length) {
      if (chunk[off] === 0x24) {
        if (chunk.length - off < 4) break;
        const length = chunk.readUInt16BE(off + 2);
        if (chunk.length - off < 4 + length) break;
        this.#frame(chunk, off);
        off += 4 + length;
        continue;
      }
      const end = chunk.indexOf('\r\n\r\n', off, 'latin1');
      if (end < 0) break;
      const head = chunk.toString('latin1', off, end);
      const bodyLength = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (chunk.length < end + 4 + bodyLength) break;
      this.#response(head, chunk.toString('latin1', end + 4, end + 4 + bodyLength));
      off = end + 4 + bodyLength;
    }
    if (off < chunk.length) this.#carry = Buffer.from(chunk.subarray(off));
  }

  #frame(buf: Buffer, off: number): void {
    const channel = buf[off + 1];
    const length = buf.readUInt16BE(off + 2);
    if (channel === 0 && length >= 12) {
      const seq = buf.readUInt16BE(off + 6);
      if (this.#last >= 0 && seq !== ((this.#last + 1) & 0xffff)) this.gaps += (seq - this.#last - 1) & 0xffff;
      this.#last = seq;
      this.packets++;
      this.bytes += length;
    } else if (channel === 1) {
      this.rtcp++;
    }
  }

  #response(head: string, body: string): void {
    const status = Number(head.split(' ')[1]);
    if (status === 401 && !this.#challenge) {
      const lines = head.split('\r\n').filter((l) => /^www-authenticate:\s*digest/i.test(l));
      const line = lines.find((l) => /algorithm=("?)MD5\1(,|$)/i.test(l)) ?? lines.find((l) => !/algorithm=/i.test(l)) ?? lines[0] ?? '';
      const param = (name: string): string | undefined => new RegExp(`${name}="?([^",]*)"?`, 'i').exec(line)?.[1];
      this.#challenge = { realm: param('realm') ?? '', nonce: param('nonce') ?? '', qop: /qop=/i.test(line), opaque: param('opaque') };
      this.#step = 'describe';
      this.#send('DESCRIBE', url!, 'Accept: application/sdp\r\n');
      return;
    }
    if (status !== 200) return this.#fail(`${this.#step}: RTSP ${status}`);
    if (this.#step === 'describe') {
      this.#base = (/content-base:\s*(\S+)/i.exec(head)?.[1] ?? url!).replace(/\/$/, '');
      const video = body.substring(body.indexOf('m=video'));
      const control = /a=control:(\S+)/.exec(video)?.[1] ?? '';
      this.#control = /^\w+:\/\//.test(control) ? control : `${this.#base}/${control}`;
      this.#step = 'setup';
      this.#send('SETUP', this.#control, 'Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n');
    } else if (this.#step === 'setup') {
      this.#session = (/session:\s*([^;\r\n]+)/i.exec(head)?.[1] ?? '').trim();
      this.#step = 'play';
      // No Range: on a shared, seekable media a Range would seek it for every viewer.
      this.#send('PLAY', this.#base, `Session: ${this.#session}\r\n`);
    } else if (this.#step === 'play') {
      this.#step = 'done';
      this.playing = true;
      this.#onPlaying();
    }
  }
}

const n = Number(nText);
const warmupMs = Number(warmupText ?? 3) * 1000;
const measureMs = Number(measureText ?? 10) * 1000;
const readers: Reader[] = [];
let playing = 0;
const failures: string[] = [];

const HANDSHAKE_TIMEOUT_MS = 30_000;
await new Promise<void>((resolve) => {
  // Readers still not playing by then count as failures.
  setTimeout(resolve, HANDSHAKE_TIMEOUT_MS).unref();
  let started = 0;
  const next = (): void => {
    // The first reader alone (the server prepares its media), then the others in waves of 32
    // concurrent handshakes.
    const wave = playing === 0 ? 1 : 32;
    while (started < n && started - playing - failures.length < wave) {
      started++;
      readers.push(
        new Reader(
          () => {
            playing++;
            if (playing + failures.length === n) resolve();
            else next();
          },
          (why) => {
            failures.push(why);
            if (playing + failures.length === n) resolve();
            else next();
          },
        ),
      );
    }
  };
  next();
});
process.stdout.write(`PLAYING ${playing}\n`);
await new Promise((r) => setTimeout(r, warmupMs));
const snapshot = (): number[] => readers.map((r) => r.packets);
const before = snapshot();
// Only losses while measuring count: joining a stream (media preparing) is not fan-out.
const gapsBefore = readers.reduce((a, r) => a + r.gaps, 0);
process.stdout.write('MEASURE_START\n');
await new Promise((r) => setTimeout(r, measureMs));
const after = snapshot();
const inWindow = after.map((a, i) => a - before[i]!);
const result = {
  n,
  playing,
  failures: failures.length + (n - playing - failures.length),
  failureReasons: [...new Set(failures)].slice(0, 5),
  closedEarly: readers.filter((r) => r.closed).length,
  packets: inWindow.reduce((a, b) => a + b, 0),
  minPackets: Math.min(...inWindow),
  maxPackets: Math.max(...inWindow),
  gaps: readers.reduce((a, r) => a + r.gaps, 0) - gapsBefore,
  gapsBeforeMeasuring: gapsBefore,
  rtcp: readers.reduce((a, r) => a + r.rtcp, 0),
  bytes: readers.reduce((a, r) => a + r.bytes, 0),
  measureSeconds: measureMs / 1000,
};
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
for (const r of readers) r.close();
process.exit(0);

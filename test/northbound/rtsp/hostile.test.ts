// Bad input on RTSP connections: malformed and oversized requests, CSeq abuse, unknown sessions,
// garbage interleaved frames, bad Transport headers. Each gets an RTSP error status (and the
// connection is closed when the byte stream cannot be framed any more), never a crash.
// Property-based: arbitrary bytes, and arbitrary request sequences, into a connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { PeerCertificate } from '../../../src/core/context.js';
import { RtspReader } from '../../../src/protocol/rtsp/reader.js';
import type { RtspTransport, TransportHandlers } from '../../../src/northbound/rtsp/transport.js';
import { FixtureLiveSource } from '../../helpers/live-source.js';
import { RtspTestClient } from '../../helpers/rtsp-client.js';
import { startRtspServer, VIEWER, type TestRtspServer } from '../../helpers/rtsp-server.js';

async function raw(s: TestRtspServer, bytes: string | Uint8Array): Promise<{ status: number; cseq: string | undefined; closed: boolean }> {
  const c = await RtspTestClient.tcp(s.port);
  try {
    c.writeRaw(bytes);
    const res = await c.nextResponse();
    const closed = await c.whenClosed(5000).then(
      () => true,
      () => false,
    );
    return { status: res.status, cseq: res.headers.get('CSeq'), closed };
  } finally {
    c.close();
  }
}

test('malformed requests are answered with RTSP errors; unframeable streams are closed', async () => {
  const s = await startRtspServer({ P1: new FixtureLiveSource() });
  try {
    assert.deepEqual(await raw(s, 'GARBAGE\r\n\r\n'), { status: 400, cseq: undefined, closed: true });
    assert.deepEqual(await raw(s, 'OPTIONS * RTSP/1.0\r\n\r\n'), { status: 400, cseq: undefined, closed: true }, 'missing CSeq');
    assert.deepEqual(await raw(s, 'OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nCSeq: 2\r\n\r\n'), { status: 400, cseq: undefined, closed: true }, 'duplicate CSeq');
    assert.deepEqual(await raw(s, 'OPTIONS * RTSP/1.0\r\nCSeq: one\r\n\r\n'), { status: 400, cseq: undefined, closed: true });
    assert.deepEqual(await raw(s, `OPTIONS * RTSP/1.0\r\nCSeq: 3\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`), { status: 400, cseq: undefined, closed: true }, 'oversized header block');
    assert.equal((await raw(s, `OPTIONS /${'a'.repeat(5000)} RTSP/1.0\r\nCSeq: 4\r\n\r\n`)).status, 414);
    const many = Array.from({ length: 100 }, (_, i) => `X-H${i}: v\r\n`).join('');
    assert.equal((await raw(s, `OPTIONS * RTSP/1.0\r\nCSeq: 5\r\n${many}\r\n`)).status, 400, 'too many header lines');
    assert.deepEqual(await raw(s, 'SET_PARAMETER * RTSP/1.0\r\nCSeq: 6\r\nContent-Length: 99999999\r\n\r\n'), { status: 413, cseq: '6', closed: true });
    assert.equal((await raw(s, 'OPTIONS * RTSP/2.0\r\nCSeq: 7\r\n\r\n')).status, 505);
    assert.equal((await raw(s, 'OPTIONS * RTSP/1.0\r\nCSeq: 8\r\nContent-Length: -1\r\n\r\n')).status, 400);
  } finally {
    await s.stop();
  }
});

test('request-level errors keep the connection; pipelined requests are answered in order', async () => {
  const s = await startRtspServer({ P1: new FixtureLiveSource() });
  const c = await RtspTestClient.tcp(s.port);
  c.credentials = VIEWER;
  try {
    const base = s.url('P1');
    assert.equal((await c.request('PLAY', base, { Session: 'NOPE' })).status, 454);
    assert.equal((await c.request('TEARDOWN', base, { Session: 'NOPE' })).status, 454);
    assert.equal((await c.request('GET_PARAMETER', base, { Session: 'NOPE' })).status, 454);
    assert.equal((await c.request('GET_PARAMETER', base, { Session: 'a,b' })).status, 400, 'not a session id');
    assert.equal((await c.request('SETUP', `${base}/trackID=0`, { Transport: '' })).status, 400);
    assert.equal((await c.request('SETUP', `${base}/trackID=0`, { Transport: 'RTP/AVP;unicast;client_port=1-2-3' })).status, 400);
    assert.equal((await c.request('SETUP', `${base}/trackID=0`, { Transport: 'RTP/AVP/TCP;interleaved=300-301' })).status, 400);
    assert.equal((await c.request('SETUP', `${base}/trackID=0`, { Transport: 'RAW/RAW/UDP;unicast' })).status, 461);
    assert.equal((await c.request('DESCRIBE', 'http://elsewhere/live/P1')).status, 400, 'not an RTSP URI');
    assert.equal((await c.request('DESCRIBE', 'rtsp://[::1/live/P1')).status, 400);
    assert.equal((await c.request('DESCRIBE', base, { Authorization: 'Digest garbage' })).status, 401);
    assert.equal((await c.request('DESCRIBE', base, { Authorization: 'Basic dmlld2VyOlZpZXdlci1wYXNzLTE=' })).status, 401, 'no Basic');
    // Two requests and garbage interleaved frames in one write.
    const before = c.frameCounts.size;
    c.writeRaw(
      Buffer.concat([
        Buffer.from('OPTIONS * RTSP/1.0\r\nCSeq: 100\r\n\r\n'),
        Buffer.from([0x24, 7, 0, 3, 1, 2, 3, 0x24, 1, 0, 0]),
        Buffer.from('\r\nOPTIONS * RTSP/1.0\r\nCSeq: 101\r\n\r\n'),
      ]),
    );
    assert.equal((await c.nextResponse()).headers.get('CSeq'), '100');
    assert.equal((await c.nextResponse()).headers.get('CSeq'), '101');
    assert.equal(c.frameCounts.size, before);
    assert.equal((await c.request('OPTIONS', '*')).status, 200);
  } finally {
    c.close();
    await s.stop();
  }
});

/** An in-memory transport: what the server writes is collected, input is pushed by the test. */
class MemoryTransport implements RtspTransport {
  readonly kind = 'rtsp' as const;
  readonly secure = false;
  readonly remoteAddress = '127.0.0.1';
  readonly localAddress = '127.0.0.1';
  readonly allowsUdp = true;
  queuedBytes = 0;
  readonly out: Buffer[] = [];
  closed = false;
  #handlers: TransportHandlers | undefined;

  constructor(readonly peerCertificate: PeerCertificate | undefined) {}

  attach(handlers: TransportHandlers): void {
    this.#handlers = handlers;
  }
  send(bytes: Uint8Array): void {
    this.out.push(Buffer.from(bytes));
  }
  cork(): void {}
  sendPart(part: Uint8Array): void {
    this.out.push(Buffer.from(part));
  }
  uncork(): void {}
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.#handlers?.close();
  }
}

const STATUSES = new Set([200, 400, 401, 403, 404, 405, 413, 414, 451, 454, 455, 457, 459, 460, 461, 501, 503, 505, 551]);

/** Everything the server wrote must frame as responses and interleaved data. */
function checkOutput(out: Buffer[]): number[] {
  const reader = new RtspReader({ maxBodyBytes: 1 << 20 });
  for (const b of out) reader.push(b);
  const statuses: number[] = [];
  for (let item = reader.next(); item !== null; item = reader.next()) {
    if (item.kind === 'request') assert.fail('the server sent a request');
    if (item.kind === 'response') statuses.push(item.msg.status);
  }
  assert.equal(reader.buffered, 0, 'no partial message');
  for (const st of statuses) assert.ok(STATUSES.has(st), `status ${st}`);
  return statuses;
}

test('fuzz: arbitrary bytes, split anywhere, never crash the server and always frame as responses', async () => {
  const s = await startRtspServer({ P1: new FixtureLiveSource() });
  try {
    const seed = Buffer.from('OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n');
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.constant(seed), fc.constant(Buffer.from([0x24, 1, 0, 8, 0x80, 0xc8, 0, 1, 0, 0, 0, 0]))), { maxLength: 12 }),
        (chunks) => {
          const t = new MemoryTransport(undefined);
          const conn = s.server.accept(t);
          for (const chunk of chunks) conn.receive(chunk);
          checkOutput(t.out);
          conn.close();
        },
      ),
      { numRuns: 400 },
    );
    assert.equal(s.server.sessionCount, 0);
  } finally {
    await s.stop();
  }
});

const METHODS = ['OPTIONS', 'DESCRIBE', 'SETUP', 'PLAY', 'PAUSE', 'TEARDOWN', 'GET_PARAMETER', 'SET_PARAMETER', 'ANNOUNCE', 'RECORD', 'X'];
const URIS = ['*', 'rtsp://h/live/P1', 'rtsp://h/live/P1/', 'rtsp://h/live/P1/trackID=0', 'rtsp://h/live/P1/trackID=1', 'rtsp://h/live/P1/trackID=2', 'rtsp://h/live/P1/trackID=99', 'rtsp://h/live/P1?multicast', 'rtsp://h/live/%ZZ', 'rtsp://h/x', 'rtsph://h:1/live/P1', 'bogus', 'rtsp://'];
const TRANSPORTS = [
  'RTP/AVP/TCP;unicast;interleaved=0-1',
  'RTP/AVP/TCP;unicast;interleaved=2-3',
  'RTP/AVP/TCP;unicast',
  'RTP/AVP;unicast;client_port=5000-5001',
  'RTP/AVP;multicast',
  'RTP/AVP;multicast;destination=239.1.1.1;port=7000-7001',
  'RTP/SAVP;unicast;client_port=5000-5001',
  'RTP/AVP/TCP;interleaved=255',
  'RTP/AVP;mode=record;client_port=1-2',
  ';;;',
];
const HEADER = fc.oneof(
  { arbitrary: fc.constantFrom(...TRANSPORTS).map((v) => `Transport: ${v}`), weight: 6 },
  { arbitrary: fc.constant('Session: $SESSION'), weight: 6 },
  { arbitrary: fc.constantFrom('npt=now-', 'npt=0-', 'clock=20240101T000000Z-', 'npt=5-1', 'bogus').map((v) => `Range: ${v}`), weight: 2 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom('Transport', 'Session', 'Range', 'Require', 'Content-Length', 'Authorization', 'Accept', 'X-Y'), fc.string({ maxLength: 40 }))
      .map(([name, v]) => `${name}: ${v.replace(/[\r\n]/g, ' ')}`),
    weight: 1,
  },
);
const REQUEST = fc.record({
  method: fc.oneof({ arbitrary: fc.constantFrom('SETUP', 'PLAY'), weight: 4 }, { arbitrary: fc.constantFrom(...METHODS), weight: 3 }),
  uri: fc.oneof({ arbitrary: fc.constantFrom('rtsp://h/live/P1', 'rtsp://h/live/P1/trackID=0', 'rtsp://h/live/P1/trackID=1', 'rtsp://h/live/P1/trackID=2'), weight: 5 }, { arbitrary: fc.constantFrom(...URIS), weight: 1 }),
  cseq: fc.oneof(
    { arbitrary: fc.nat({ max: 99999 }).map((n) => `CSeq: ${n}`), weight: 20 },
    { arbitrary: fc.constantFrom('', 'CSeq: 1\r\nCSeq: 2', 'CSeq: x'), weight: 1 },
  ),
  headers: fc.array(HEADER, { maxLength: 3 }),
  body: fc.oneof({ arbitrary: fc.constant(''), weight: 5 }, { arbitrary: fc.string({ maxLength: 20 }), weight: 1 }),
});

test('fuzz: arbitrary request sequences by an authenticated client reach every method and state', async () => {
  const s = await startRtspServer({ P1: new FixtureLiveSource() }, { hub: { lingerMs: 0 } });
  try {
    fc.assert(
      fc.property(fc.array(REQUEST, { minLength: 1, maxLength: 10 }), fc.nat({ max: 64 }), (requests, split) => {
        // The client certificate maps to the user `viewer` (READ_MEDIA): no digest round trips needed.
        const t = new MemoryTransport({ subject: 'CN=viewer', commonName: 'viewer', fingerprint256: 'x' });
        const conn = s.server.accept(t);
        let session = 'NONE';
        for (const r of requests) {
          const headers = r.headers.map((h) => h.replace('$SESSION', session));
          const body = Buffer.from(r.body);
          const text = `${r.method} ${r.uri} RTSP/1.0\r\n${r.cseq ? `${r.cseq}\r\n` : ''}${headers.join('\r\n')}${headers.length ? '\r\n' : ''}${body.length ? `Content-Length: ${body.length}\r\n` : ''}\r\n`;
          const bytes = Buffer.concat([Buffer.from(text), body]);
          const at = Math.min(split, bytes.length);
          conn.receive(bytes.subarray(0, at));
          conn.receive(bytes.subarray(at));
          const last = t.out.map((b) => b.toString('latin1')).join('');
          const m = /Session: ([0-9A-F]{16})/.exec(last);
          if (m) session = m[1]!;
          if (conn.closed) break;
        }
        checkOutput(t.out);
        conn.close();
        assert.equal(conn.sessions.size, 0, 'interleaved sessions end with their connection');
      }),
      { numRuns: 500 },
    );
  } finally {
    await s.stop();
  }
});

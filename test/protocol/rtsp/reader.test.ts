import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RtspParseError } from '../../../src/protocol/rtsp/errors.js';
import { RtspReader } from '../../../src/protocol/rtsp/reader.js';
import { concat, dec, drain, enc, plain, readAll, throwsCode } from './helpers.js';

// ONVIF Streaming "RTSP message example" (client side), with CRLF line endings.
const ONVIF_CLIENT = [
  'DESCRIBE rtsp://example.com/onvif_camera RTSP/1.0\r\nCseq: 1\r\n\r\n',
  'SETUP rtsp://example.com/onvif_camera/audio RTSP/1.0\r\nCseq: 2\r\nTransport: RTP/AVP;unicast;client_port=8002-8003\r\n\r\n',
  'PLAY rtsp://example.com/onvif_camera RTSP/1.0\r\nCseq: 4\r\nRange: npt=now-\r\nSession: 12345678\r\n\r\n',
  'TEARDOWN rtsp://example.com/onvif_camera RTSP/1.0\r\nCseq: 5\r\nSession: 12345678\r\n\r\n',
].join('');

const SDP =
  'v=0\r\no=- 2890844256 2890842807 IN IP4 172.16.2.93\r\ns=RTSP Session\r\nm=audio 0 RTP/AVP 0\r\n' +
  'a=control:rtsp://example.com/onvif_camera/audio\r\nm=video 0 RTP/AVP 26\r\na=control:rtsp://example.com/onvif_camera/video\r\n';

// Server side of the same exchange; the SETUP reply folds its Transport onto a second line.
const ONVIF_SERVER =
  `RTSP/1.0 200 OK\r\nCseq: 1\r\nContent-Type: application/sdp\r\nContent-Length: ${SDP.length}\r\n\r\n${SDP}` +
  'RTSP/1.0 200 OK\r\nCseq: 2\r\nTransport: RTP/AVP;unicast;client_port=8002-8003;\r\n server_port=9004-9005\r\n' +
  'Session: 12345678; timeout=60\r\n\r\n' +
  'RTSP/1.0 200 OK\r\nCseq: 4\r\nSession: 12345678\r\nRange: clock=20100217T143720.257Z-\r\n' +
  'RTP-Info: url=rtsp://example.com/onvif_camera/video; seq=1234;rtptime=3450012\r\n\r\n';

function interleaved(channel: number, payload: number[]): Uint8Array {
  return new Uint8Array([0x24, channel, payload.length >> 8, payload.length & 0xff, ...payload]);
}

void describe('RtspReader', () => {
  void it('reads the ONVIF example requests in order', () => {
    const reader = new RtspReader();
    reader.push(enc(ONVIF_CLIENT));
    const items = drain(reader);
    assert.deepEqual(
      items.map((i) => (i.kind === 'request' ? [i.msg.method, i.msg.uri, i.msg.headers.get('cseq')] : i.kind)),
      [
        ['DESCRIBE', 'rtsp://example.com/onvif_camera', '1'],
        ['SETUP', 'rtsp://example.com/onvif_camera/audio', '2'],
        ['PLAY', 'rtsp://example.com/onvif_camera', '4'],
        ['TEARDOWN', 'rtsp://example.com/onvif_camera', '5'],
      ],
    );
    const play = items[2]!;
    assert.equal(play.kind, 'request');
    if (play.kind === 'request') {
      assert.equal(play.msg.headers.get('RANGE'), 'npt=now-');
      assert.deepEqual([...play.msg.headers], [
        ['Cseq', '4'],
        ['Range', 'npt=now-'],
        ['Session', '12345678'],
      ]);
      assert.equal(play.msg.body.length, 0);
    }
    assert.equal(reader.buffered, 0);
    assert.equal(reader.next(), null);
  });

  void it('reads the ONVIF example responses, bodies and folded header lines', () => {
    const reader = new RtspReader();
    reader.push(enc(ONVIF_SERVER));
    const items = drain(reader);
    assert.equal(items.length, 3);
    const [describe, setup, play] = items.map((i) => (i.kind === 'response' ? i.msg : assert.fail(i.kind)));
    assert.equal(describe!.status, 200);
    assert.equal(describe!.reason, 'OK');
    assert.equal(dec(describe!.body), SDP);
    assert.equal(setup!.headers.get('transport'), 'RTP/AVP;unicast;client_port=8002-8003; server_port=9004-9005');
    assert.equal(setup!.headers.get('session'), '12345678; timeout=60');
    assert.equal(play!.headers.get('rtp-info'), 'url=rtsp://example.com/onvif_camera/video; seq=1234;rtptime=3450012');
  });

  void it('reads RFC 2326 §14.1 style requests with bare LF line endings', () => {
    const reader = new RtspReader();
    reader.push(enc('OPTIONS * RTSP/1.0\nCSeq: 1\nRequire: implicit-play\nProxy-Require: gzipped-messages\n\n'));
    const [item] = drain(reader);
    assert.deepEqual(plain(item!), {
      kind: 'request',
      method: 'OPTIONS',
      uri: '*',
      version: 'RTSP/1.0',
      headers: [
        ['CSeq', '1'],
        ['Require', 'implicit-play'],
        ['Proxy-Require', 'gzipped-messages'],
      ],
      body: [],
    });
  });

  void it('keeps repeated headers in order and answers lookups case-insensitively', () => {
    const reader = new RtspReader();
    reader.push(enc('SETUP rtsp://h/s RTSP/1.0\r\nCSeq: 3\r\nX-A: 1\r\nx-a: 2\r\nX-B: 3\r\nX-A: 4\r\n\r\n'));
    const [item] = drain(reader);
    assert.ok(item?.kind === 'request');
    assert.deepEqual(item.msg.headers.getAll('X-A'), ['1', '2', '4']);
    assert.deepEqual([...item.msg.headers].map(([n]) => n), ['CSeq', 'X-A', 'x-a', 'X-B', 'X-A']);
  });

  void it('returns interleaved payloads as views of the pushed chunk (zero copy)', () => {
    const chunk = concat(interleaved(0, [1, 2, 3, 4]), interleaved(1, [9]));
    const reader = new RtspReader();
    reader.push(chunk);
    const [a, b] = drain(reader);
    assert.ok(a?.kind === 'interleaved' && b?.kind === 'interleaved');
    assert.equal(a.channel, 0);
    assert.deepEqual([...a.payload], [1, 2, 3, 4]);
    assert.equal(a.payload.buffer, chunk.buffer, 'payload shares the chunk memory');
    assert.equal(a.payload.byteOffset, chunk.byteOffset + 4);
    assert.equal(b.channel, 1);
    assert.deepEqual([...b.payload], [9]);
  });

  void it('copies only when a payload straddles chunks, and handles empty and maximal frames', () => {
    const big = new Array<number>(0xffff).fill(7);
    const frame = interleaved(5, big);
    const reader = new RtspReader();
    reader.push(frame.subarray(0, 1000));
    assert.equal(reader.next(), null);
    reader.push(frame.subarray(1000));
    const item = reader.next();
    assert.ok(item?.kind === 'interleaved');
    assert.equal(item.payload.length, 0xffff);
    assert.notEqual(item.payload.buffer, frame.buffer);
    reader.push(interleaved(2, []));
    assert.deepEqual(plain(reader.next()!), { kind: 'interleaved', channel: 2, payload: [] });
  });

  void it('body is a view of the chunk when one chunk holds it', () => {
    const chunk = enc('ANNOUNCE rtsp://h/s RTSP/1.0\r\nCSeq: 9\r\nContent-Length: 5\r\n\r\nhello');
    const reader = new RtspReader();
    reader.push(chunk);
    const item = reader.next();
    assert.ok(item?.kind === 'request');
    assert.equal(dec(item.msg.body), 'hello');
    assert.equal(item.msg.body.buffer, chunk.buffer);
  });

  void it('skips blank lines between messages (CRLF keep-alives)', () => {
    const reader = new RtspReader();
    reader.push(enc('\r\n\r\nOPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n\r\n\nOPTIONS * RTSP/1.0\r\nCSeq: 2\r\n\r\n'));
    assert.equal(drain(reader).length, 2);
  });

  void it('yields the same items for every single split point of a mixed stream', () => {
    const stream = concat(
      interleaved(0, [0x80, 0x60, 0, 1]),
      enc(ONVIF_CLIENT),
      interleaved(1, [0x24, 0x0d, 0x0a]),
      enc(ONVIF_SERVER),
      interleaved(3, []),
      enc('GET_PARAMETER rtsp://h/s RTSP/1.0\nCSeq: 7\nContent-Length: 2\n\n\r\n'),
    );
    const expected = readAll(new RtspReader(), [stream]);
    assert.equal(expected.length, 11);
    for (let split = 0; split <= stream.length; split++) {
      const got = readAll(new RtspReader(), [stream.subarray(0, split), stream.subarray(split)]);
      assert.deepEqual(got, expected, `split at ${split}`);
    }
    for (let a = 0; a <= stream.length; a += 7) {
      for (let b = a; b <= stream.length; b += 13) {
        const got = readAll(new RtspReader(), [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)]);
        assert.deepEqual(got, expected, `splits at ${a}, ${b}`);
      }
    }
    const bytewise = readAll(new RtspReader(), Array.from(stream, (_, i) => stream.subarray(i, i + 1)));
    assert.deepEqual(bytewise, expected);
  });

  void describe('bounds', () => {
    const request = (line: string, headers: string[], body = ''): string =>
      `${line}\r\n${headers.map((h) => `${h}\r\n`).join('')}${body === '' ? '' : `Content-Length: ${body.length}\r\n`}\r\n${body}`;

    void it('accepts a start line of exactly 4096 bytes and rejects 4097 (414)', () => {
      const base = 'OPTIONS rtsp://h/ RTSP/1.0';
      const pad = (n: number): string => `OPTIONS rtsp://h/${'a'.repeat(n - base.length)} RTSP/1.0`;
      const ok = new RtspReader();
      ok.push(enc(request(pad(4096), ['CSeq: 1'])));
      assert.equal(drain(ok).length, 1);
      const tooLong = new RtspReader();
      tooLong.push(enc(request(pad(4097), ['CSeq: 1'])));
      throwsCode(() => tooLong.next(), 'START_LINE_TOO_LONG');
    });

    void it('rejects an endless start line without waiting for its end', () => {
      const reader = new RtspReader();
      reader.push(enc('OPTIONS rtsp://h/'));
      assert.equal(reader.next(), null);
      reader.push(enc('a'.repeat(5000)));
      throwsCode(() => reader.next(), 'START_LINE_TOO_LONG');
    });

    void it('accepts a 16 KiB header block and rejects one byte more', () => {
      // Header block = header lines + final CRLF. "CSeq: 1\r\n" is 9 bytes, final CRLF 2.
      const fill = (total: number): string => `X-Pad: ${'p'.repeat(total - 9 - 2 - 9)}`;
      const ok = new RtspReader();
      ok.push(enc(request('OPTIONS * RTSP/1.0', ['CSeq: 1', fill(16384)])));
      assert.equal(drain(ok).length, 1);
      const over = new RtspReader();
      over.push(enc(request('OPTIONS * RTSP/1.0', ['CSeq: 1', fill(16385)])));
      throwsCode(() => over.next(), 'HEADERS_TOO_LARGE');
    });

    void it('rejects an endless header line without waiting for its end', () => {
      const reader = new RtspReader();
      reader.push(enc('OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX: '));
      for (let i = 0; i < 16; i++) reader.push(enc('x'.repeat(1024)));
      throwsCode(() => reader.next(), 'HEADERS_TOO_LARGE');
    });

    void it('accepts 64 header lines and rejects 65', () => {
      const lines = (n: number): string[] => ['CSeq: 1', ...Array.from({ length: n - 1 }, (_, i) => `X-${i}: v`)];
      const ok = new RtspReader();
      ok.push(enc(request('OPTIONS * RTSP/1.0', lines(64))));
      assert.equal(drain(ok).length, 1);
      const over = new RtspReader();
      over.push(enc(request('OPTIONS * RTSP/1.0', lines(65))));
      throwsCode(() => over.next(), 'TOO_MANY_HEADERS');
    });

    void it('rejects a body over 1 MiB from its Content-Length alone (413)', () => {
      const ok = new RtspReader();
      ok.push(enc(`ANNOUNCE rtsp://h/ RTSP/1.0\r\nCSeq: 1\r\nContent-Length: ${1024 * 1024}\r\n\r\n`));
      assert.equal(ok.next(), null);
      ok.push(new Uint8Array(1024 * 1024));
      assert.equal(drain(ok).length, 1);
      const over = new RtspReader();
      over.push(enc(`ANNOUNCE rtsp://h/ RTSP/1.0\r\nCSeq: 12\r\nContent-Length: ${1024 * 1024 + 1}\r\n\r\n`));
      throwsCode(() => over.next(), 'BODY_TOO_LARGE');
      assert.equal(over.failedCSeq, '12', 'the 413 answer can still echo the CSeq');
    });

    void it('takes configurable limits', () => {
      const reader = new RtspReader({ maxBodyBytes: 4, maxHeaderLines: 2, maxStartLineBytes: 40, maxHeaderBytes: 100 });
      reader.push(enc('SET_PARAMETER rtsp://h/ RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 4\r\n\r\nabcd'));
      assert.equal(drain(reader).length, 1);
      reader.push(enc('SET_PARAMETER rtsp://h/ RTSP/1.0\r\nCSeq: 2\r\nContent-Length: 5\r\n\r\nabcde'));
      throwsCode(() => reader.next(), 'BODY_TOO_LARGE');
      const lines = new RtspReader({ maxHeaderLines: 2 });
      lines.push(enc('OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nA: 1\r\nB: 2\r\n\r\n'));
      throwsCode(() => lines.next(), 'TOO_MANY_HEADERS');
    });
  });

  void describe('invalid messages', () => {
    const cases: Array<[string, string, string]> = [
      ['missing CSeq', 'OPTIONS * RTSP/1.0\r\nUser-Agent: x\r\n\r\n', 'MISSING_CSEQ'],
      ['duplicate CSeq', 'OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nCSeq: 2\r\n\r\n', 'DUPLICATE_CSEQ'],
      ['duplicate CSeq, other case', 'OPTIONS * RTSP/1.0\r\nCSeq: 1\r\ncseq: 1\r\n\r\n', 'DUPLICATE_CSEQ'],
      ['non-numeric CSeq', 'OPTIONS * RTSP/1.0\r\nCSeq: one\r\n\r\n', 'BAD_CSEQ'],
      ['RTSP/2.0 request', 'OPTIONS * RTSP/2.0\r\nCSeq: 1\r\n\r\n', 'UNSUPPORTED_VERSION'],
      ['RTSP/2.0 response', 'RTSP/2.0 200 OK\r\nCSeq: 1\r\n\r\n', 'UNSUPPORTED_VERSION'],
      ['HTTP request', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'BAD_START_LINE'],
      ['two-part request line', 'OPTIONS RTSP/1.0\r\nCSeq: 1\r\n\r\n', 'BAD_START_LINE'],
      ['four-part request line', 'OPTIONS * * RTSP/1.0\r\nCSeq: 1\r\n\r\n', 'BAD_START_LINE'],
      ['method with separator', 'OPT(IONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n', 'BAD_START_LINE'],
      ['bad status code', 'RTSP/1.0 20 OK\r\nCSeq: 1\r\n\r\n', 'BAD_START_LINE'],
      ['status glued to reason', 'RTSP/1.0 200OK\r\nCSeq: 1\r\n\r\n', 'BAD_START_LINE'],
      ['header without colon', 'OPTIONS * RTSP/1.0\r\nCSeq 1\r\n\r\n', 'BAD_HEADER'],
      ['space before colon', 'OPTIONS * RTSP/1.0\r\nCSeq : 1\r\n\r\n', 'BAD_HEADER'],
      ['empty header name', 'OPTIONS * RTSP/1.0\r\n: 1\r\nCSeq: 1\r\n\r\n', 'BAD_HEADER'],
      ['continuation first', 'OPTIONS * RTSP/1.0\r\n folded\r\nCSeq: 1\r\n\r\n', 'BAD_HEADER'],
      ['NUL in a header', 'OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX: a\0b\r\n\r\n', 'BAD_HEADER'],
      ['bare CR in a header', 'OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX: a\rb\r\n\r\n', 'BAD_HEADER'],
      ['control byte in the start line', 'OPTIONS *\x01 RTSP/1.0\r\nCSeq: 1\r\n\r\n', 'BAD_START_LINE'],
      ['negative Content-Length', 'OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: -1\r\n\r\n', 'BAD_CONTENT_LENGTH'],
      ['two Content-Lengths', 'OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx', 'BAD_CONTENT_LENGTH'],
      ['huge Content-Length', 'OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 99999999999\r\n\r\n', 'BAD_CONTENT_LENGTH'],
    ];
    for (const [name, text, code] of cases) {
      void it(`rejects ${name} with ${code}`, () => {
        const reader = new RtspReader();
        reader.push(enc(text));
        throwsCode(() => reader.next(), code as RtspParseError['code']);
      });
    }

    void it('accepts a response without CSeq and a status line without reason', () => {
      const reader = new RtspReader();
      reader.push(enc('RTSP/1.0 551\r\n\r\n'));
      const item = reader.next();
      assert.ok(item?.kind === 'response');
      assert.equal(item.msg.status, 551);
      assert.equal(item.msg.reason, '');
    });

    void it('stays failed after an error and reports the offset in the connection', () => {
      const reader = new RtspReader();
      reader.push(enc('OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\nOPTIONS * RTSP/1.0\r\nX: 1\r\n\r\n'));
      assert.equal(reader.next()?.kind, 'request');
      const err = throwsCode(() => reader.next(), 'MISSING_CSEQ');
      assert.equal(err.offset, 31);
      assert.equal(reader.failedCSeq, undefined);
      assert.ok(reader.failed);
      reader.push(enc('OPTIONS * RTSP/1.0\r\nCSeq: 2\r\n\r\n'));
      assert.equal(reader.buffered, 0, 'a failed reader keeps nothing');
      assert.throws(() => reader.next(), (e) => e === err);
    });
  });
});

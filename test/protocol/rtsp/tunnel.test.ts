import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { serializeResponse } from '../../../src/protocol/rtsp/message.js';
import { RtspReader } from '../../../src/protocol/rtsp/reader.js';
import { Base64Decoder, ONVIF_WEBSOCKET_SUBPROTOCOL, detectConnection, tunnelResponse } from '../../../src/protocol/rtsp/tunnel.js';
import { concat, dec, drain, enc, onlyParseErrors, throwsCode } from './helpers.js';

// The two requests of Apple's "Tunnelling QuickTime RTSP and RTP over HTTP" example.
const TUNNEL_GET =
  'GET /sw.mov HTTP/1.0\r\nUser-Agent: QTS (qtver=4.1;cpu=PPC;os=Mac 8.6)\r\nx-sessioncookie: tD9hKgAAfB8ABCftAAAAAw\r\n' +
  'Accept: application/x-rtsp-tunnelled\r\nPragma: no-cache\r\nCache-Control: no-cache\r\n\r\n';
const TUNNEL_POST =
  'POST /sw.mov HTTP/1.0\r\nUser-Agent: QTS (qtver=4.1;cpu=PPC;os=Mac 8.6)\r\nx-sessioncookie: tD9hKgAAfB8ABCftAAAAAw\r\n' +
  'Content-Type: application/x-rtsp-tunnelled\r\nPragma: no-cache\r\nCache-Control: no-cache\r\nContent-Length: 32767\r\n' +
  'Expires: Sun, 9 Jan 1972 00:00:00 GMT\r\n\r\n';
const RTSP_REQUESTS = [
  'DESCRIBE rtsp://192.168.0.1/sw.mov RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n',
  'SETUP rtsp://192.168.0.1/sw.mov/trackID=1 RTSP/1.0\r\nCSeq: 2\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n',
];
// Clients encode each request on its own, so padding may appear in the middle of the stream.
const POST_BODY = RTSP_REQUESTS.map((r) => Buffer.from(r).toString('base64')).join('\r\n');

void describe('detectConnection', () => {
  void it('recognises plain RTSP from its first line and interleaved data from "$"', () => {
    assert.deepEqual(detectConnection(enc('OPTIONS * RTSP/1.0\r\n')), { kind: 'rtsp' });
    assert.deepEqual(detectConnection(enc('\r\nDESCRIBE rtsp://h/ RTSP/1.0\nCSeq')), { kind: 'rtsp' });
    assert.deepEqual(detectConnection(enc('$\x00\x00')), { kind: 'rtsp' });
    assert.deepEqual(detectConnection(enc('garbage\r\n')), { kind: 'rtsp' }, 'the RTSP reader rejects it');
    assert.equal(detectConnection(enc('OPTIONS * RTSP/1.0')), null);
    assert.equal(detectConnection(enc('\r\n')), null);
    assert.equal(detectConnection(new Uint8Array(0)), null);
  });

  void it('recognises the tunnel GET and POST and where the base64 stream starts', () => {
    const get = detectConnection(enc(TUNNEL_GET));
    assert.ok(get?.kind === 'tunnel-get');
    assert.equal(get.sessionCookie, 'tD9hKgAAfB8ABCftAAAAAw');
    assert.equal(get.headLength, TUNNEL_GET.length);
    assert.equal(get.request.method, 'GET');
    assert.equal(get.request.uri, '/sw.mov');
    assert.equal(get.request.version, 'HTTP/1.0');

    const bytes = enc(TUNNEL_POST + POST_BODY);
    const post = detectConnection(bytes);
    assert.ok(post?.kind === 'tunnel-post');
    assert.equal(post.sessionCookie, 'tD9hKgAAfB8ABCftAAAAAw');
    assert.equal(dec(bytes.subarray(post.headLength)), POST_BODY);
  });

  void it('waits for the whole HTTP head, whatever prefix has arrived', () => {
    const bytes = enc(TUNNEL_POST + POST_BODY);
    for (let n = 0; n < TUNNEL_POST.length; n++) {
      assert.equal(detectConnection(bytes.subarray(0, n)), null, `prefix of ${n} bytes`);
    }
    for (let n = TUNNEL_POST.length; n <= bytes.length; n++) assert.equal(detectConnection(bytes.subarray(0, n))?.kind, 'tunnel-post');
  });

  void it('classifies other HTTP requests (WebSocket upgrade, GET without tunnel Accept) as http', () => {
    const ws =
      'GET /webSocketServer HTTP/1.1\r\nHost: 192.168.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: ${ONVIF_WEBSOCKET_SUBPROTOCOL}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
    const r = detectConnection(enc(ws));
    assert.ok(r?.kind === 'http');
    assert.equal(r.request.headers.get('sec-websocket-protocol'), 'rtsp.onvif.org');
    assert.equal(detectConnection(enc('GET /sw.mov HTTP/1.1\r\nx-sessioncookie: abc\r\n\r\n'))?.kind, 'http');
    assert.equal(detectConnection(enc('POST /sw.mov HTTP/1.1\r\nContent-Length: 0\r\n\r\n'))?.kind, 'http');
  });

  void it('enforces the head limits on HTTP too', () => {
    throwsCode(() => detectConnection(enc(`GET /${'a'.repeat(5000)}`)), 'START_LINE_TOO_LONG');
    throwsCode(() => detectConnection(enc(`GET / HTTP/1.1\r\nX: ${'a'.repeat(17000)}`)), 'HEADERS_TOO_LARGE');
    throwsCode(() => detectConnection(enc('GET / HTTP/1.1\r\nBad Header\r\n\r\n')), 'BAD_HEADER');
    throwsCode(() => detectConnection(enc('GET / HTTP/2.0\r\n\r\n')), 'BAD_START_LINE');
  });

  void it('builds the tunnel GET response', () => {
    assert.equal(
      dec(serializeResponse(tunnelResponse())),
      'HTTP/1.0 200 OK\r\nConnection: close\r\nCache-Control: no-store\r\nPragma: no-cache\r\nContent-Type: application/x-rtsp-tunnelled\r\n\r\n',
    );
    assert.match(dec(serializeResponse(tunnelResponse(403))), /^HTTP\/1\.0 403 Forbidden\r\n/);
  });
});

void describe('Base64Decoder', () => {
  void it('decodes the RFC 4648 §10 vectors', () => {
    const vectors: Array<[string, string]> = [
      ['', ''],
      ['Zg==', 'f'],
      ['Zm8=', 'fo'],
      ['Zm9v', 'foo'],
      ['Zm9vYg==', 'foob'],
      ['Zm9vYmE=', 'fooba'],
      ['Zm9vYmFy', 'foobar'],
    ];
    for (const [b64, text] of vectors) {
      const d = new Base64Decoder();
      assert.equal(dec(d.push(b64)), text);
      assert.equal(d.pending, 0);
      d.finish();
    }
  });

  void it('yields bytes as soon as each group of four completes', () => {
    const d = new Base64Decoder();
    assert.equal(d.push('Zm').length, 0);
    assert.equal(d.pending, 2);
    assert.equal(dec(d.push('9vY')), 'foo');
    assert.equal(dec(d.push(enc('mFy'))), 'bar');
  });

  void it('feeds a POST body split at every point into the RTSP reader', () => {
    const body = enc(POST_BODY);
    for (let split = 0; split <= body.length; split++) {
      const d = new Base64Decoder();
      const reader = new RtspReader();
      reader.push(d.push(body.subarray(0, split)));
      reader.push(d.push(body.subarray(split)));
      d.finish();
      const items = drain(reader);
      assert.deepEqual(items.map((i) => (i.kind === 'request' ? i.msg.method : i.kind)), ['DESCRIBE', 'SETUP'], `split ${split}`);
    }
  });

  void it('rejects invalid characters and misplaced padding, then stays failed', () => {
    for (const bad of ['Zm9v!', 'Z===', '=Zm9', 'Zg=a', 'Zm9v-_', 'Zm9\u00e9', 'Zm9\u20ac']) {
      throwsCode(() => new Base64Decoder().push(bad), 'BAD_BASE64');
    }
    const d = new Base64Decoder();
    d.push('Zm9v');
    const err = throwsCode(() => d.push('Zg*'), 'BAD_BASE64');
    assert.equal(err.offset, 6);
    assert.throws(() => d.push('Zm9v'), (e) => e === err);
    const partial = new Base64Decoder();
    partial.push('Zm9');
    throwsCode(() => partial.finish(), 'BAD_BASE64');
  });

  void it('matches Buffer base64 for any bytes, whitespace and chunking (fuzz)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '\r\n', '\t', '\n')), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (messages, spaces, cuts) => {
          let text = messages.map((m) => Buffer.from(m).toString('base64')).join('');
          for (const [at, ws] of spaces) {
            const i = at % (text.length + 1);
            text = text.substring(0, i) + ws + text.substring(i);
          }
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const d = new Base64Decoder();
          const out: Uint8Array[] = [];
          let from = 0;
          for (const p of [...points, text.length]) {
            out.push(d.push(text.substring(from, p)));
            from = p;
          }
          d.finish();
          assert.deepEqual([...concat(...out)], [...concat(...messages)]);
        },
      ),
      { numRuns: 300 },
    );
  });

  void it('throws only RtspParseError on arbitrary input (fuzz)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(/^[A-Za-z0-9+/= \r\n!]{0,40}$/)), (text) => {
        onlyParseErrors(() => {
          const d = new Base64Decoder();
          const out = d.push(text);
          d.finish();
          // Whatever we accept without mid-stream padding, Node decodes the same way.
          const compact = text.replace(/[ \t\r\n]/g, '');
          if (!/=[^=]/.test(compact)) assert.deepEqual([...out], [...Buffer.from(compact, 'base64')]);
        });
      }),
      { numRuns: 500 },
    );
  });
});

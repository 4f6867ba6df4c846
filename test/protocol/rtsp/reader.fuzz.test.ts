// Property-based tests of the reader: arbitrary bytes in arbitrary chunks never throw anything
// but RtspParseError and give the same outcome whatever the chunking; valid streams of
// serialized messages and interleaved frames come back out unchanged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RtspParseError } from '../../../src/protocol/rtsp/errors.js';
import { RtspHeaders } from '../../../src/protocol/rtsp/header-map.js';
import { encodeInterleavedFrame } from '../../../src/protocol/rtsp/interleaved.js';
import {
  reasonPhrase,
  serializeRequest,
  serializeResponse,
  type RtspRequest,
  type RtspResponse,
} from '../../../src/protocol/rtsp/message.js';
import { RtspReader, type RtspReaderLimits } from '../../../src/protocol/rtsp/reader.js';
import { concat, enc, plain } from './helpers.js';

function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

/** Items and the final error code (or null) after feeding all chunks. */
function outcome(chunks: Uint8Array[], limits?: Partial<RtspReaderLimits>): { items: unknown[]; error: string | null } {
  const reader = new RtspReader(limits);
  const items: unknown[] = [];
  for (const chunk of chunks) {
    reader.push(chunk);
    try {
      for (let item = reader.next(); item !== null; item = reader.next()) items.push(plain(item));
    } catch (err) {
      if (!(err instanceof RtspParseError)) throw err;
      assert.throws(() => reader.next(), (again) => again === err, 'a failed reader rethrows its error');
      return { items, error: err.code };
    }
  }
  return { items, error: null };
}

const FRAGMENTS = [
  'OPTIONS * RTSP/1.0\r\n',
  'RTSP/1.0 200 OK\r\n',
  'CSeq: 1\r\n',
  'CSeq: 2\n',
  'Content-Length: 3\r\n',
  'Content-Length: 70000\r\n',
  'Session: 1234\r\n',
  ' folded\r\n',
  '\r\n',
  '\n',
  '$',
  '$\x00\x00\x02',
  'PLAY rtsp://h/s RTSP/1.0\r\n',
  'X: ' + 'a'.repeat(100) + '\r\n',
].map(enc);

const bytesArb = fc
  .array(fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.constantFrom(...FRAGMENTS)), { maxLength: 30 })
  .map((parts) => concat(...parts));

const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,10}$/);
const headerName = token.filter((n) => !['content-length', 'cseq'].includes(n.toLowerCase()));
const headerValue = fc.stringMatching(/^([\x21-\x7e]|é)([\x20-\x7e]{0,30}[\x21-\x7e])?$/);
const headersArb = fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 });
const body = fc.uint8Array({ maxLength: 120 });

type Item = { kind: 'request'; msg: RtspRequest } | { kind: 'response'; msg: RtspResponse } | { kind: 'interleaved'; channel: number; payload: Uint8Array };

const requestArb = fc
  .record({
    method: fc.stringMatching(/^[A-Z][A-Z_]{0,12}$/),
    uri: fc.oneof(fc.constant('*'), fc.stringMatching(/^rtsp:\/\/[a-z0-9.]{1,10}(:\d{1,5})?\/[\x21-\x7e]{0,20}$/)),
    cseq: fc.nat(),
    headers: headersArb,
    body,
  })
  .map(
    ({ method, uri, cseq, headers, body: b }): Item => ({
      kind: 'request',
      msg: { method, uri, version: 'RTSP/1.0', headers: new RtspHeaders([['CSeq', String(cseq)], ...headers]), body: b },
    }),
  );

const responseArb = fc
  .record({
    status: fc.integer({ min: 100, max: 999 }),
    reason: fc.oneof(fc.constant(''), fc.stringMatching(/^[A-Za-z][A-Za-z -]{0,20}[A-Za-z]$/)),
    headers: headersArb,
    body,
  })
  .map(
    ({ status, reason, headers, body: b }): Item => ({
      kind: 'response',
      msg: { version: 'RTSP/1.0', status, reason, headers: new RtspHeaders(headers), body: b },
    }),
  );

const interleavedArb = fc
  .record({ channel: fc.integer({ min: 0, max: 255 }), payload: fc.uint8Array({ maxLength: 300 }) })
  .map(({ channel, payload }): Item => ({ kind: 'interleaved', channel, payload }));

function serializeItem(item: Item): Uint8Array {
  if (item.kind === 'interleaved') return encodeInterleavedFrame(item.channel, item.payload);
  return item.kind === 'request' ? serializeRequest(item.msg) : serializeResponse(item.msg);
}

/** What the reader must return for an item: Content-Length appended, default reason filled in. */
function expected(item: Item): unknown {
  if (item.kind === 'interleaved') return plain(item);
  const headers = item.msg.headers.clone();
  if (item.msg.body.length > 0) headers.append('Content-Length', String(item.msg.body.length));
  if (item.kind === 'request') return plain({ kind: 'request', msg: { ...item.msg, headers } });
  const reason = item.msg.reason === '' ? reasonPhrase(item.msg.status) : item.msg.reason;
  return plain({ kind: 'response', msg: { ...item.msg, reason, headers } });
}

void describe('RtspReader fuzzing', () => {
  void it('throws nothing but RtspParseError on arbitrary bytes, whatever the chunking', () => {
    fc.assert(
      fc.property(bytesArb, fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
        const whole = outcome([bytes]);
        const pieces = outcome(chunked(bytes, cuts));
        assert.deepEqual(pieces, whole);
      }),
      { numRuns: 400 },
    );
  });

  void it('enforces small limits identically whatever the chunking', () => {
    const limits = { maxStartLineBytes: 24, maxHeaderBytes: 48, maxHeaderLines: 3, maxBodyBytes: 8 };
    fc.assert(
      fc.property(bytesArb, fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
        assert.deepEqual(outcome(chunked(bytes, cuts), limits), outcome([bytes], limits));
      }),
      { numRuns: 300 },
    );
  });

  void it('returns serialized messages and frames unchanged, chunked arbitrarily', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(requestArb, responseArb, interleavedArb), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (items, cuts) => {
          const stream = concat(...items.map(serializeItem));
          const got = outcome(chunked(stream, cuts));
          assert.equal(got.error, null);
          assert.deepEqual(got.items, items.map(expected));
        },
      ),
      { numRuns: 300 },
    );
  });
});

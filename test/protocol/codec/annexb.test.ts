import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AnnexBSplitter, joinAnnexB, splitAnnexB } from '../../../src/protocol/codec/annexb.js';
import { isParseError } from '../../../src/protocol/codec/errors.js';
import { fixture, fromHex, hex, parsesOrParseError } from './_helpers.js';

/** Feeds `buf` to a splitter in pieces cut at `cuts` and returns every NAL unit produced. */
function splitStreaming(buf: Uint8Array, cuts: number[]): Uint8Array[] {
  const splitter = new AnnexBSplitter();
  const out: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out.push(...splitter.push(buf.subarray(start, Math.max(start, cut))));
    start = Math.max(start, cut);
  }
  out.push(...splitter.push(buf.subarray(start)));
  out.push(...splitter.flush());
  return out;
}

/** NAL units that cannot contain start codes or end in zero, as real escaped NAL units are. */
const nalArb = fc
  .uint8Array({ minLength: 1, maxLength: 60 })
  .map((a) => {
    const out = a.map((b, i) => (i > 0 && a[i - 1] === 0 && b <= 3 ? b + 4 : b));
    if (out[out.length - 1] === 0) out[out.length - 1] = 0x80;
    return out;
  });

describe('splitAnnexB', () => {
  it('splits 3- and 4-byte start codes and drops trailing zero bytes', () => {
    const buf = fromHex('00 00 00 01 67 42 00 00 01 68 ce 00 00 00 00 01 65 88 00 00 00 00 01 06 05');
    assert.deepEqual(splitAnnexB(buf).map(hex), ['6742', '68ce', '6588', '0605']);
  });

  it('returns subarrays of the input (no copies)', () => {
    const buf = fromHex('00 00 01 09 f0 00 00 01 67 42');
    const nals = splitAnnexB(buf);
    assert.equal(nals[0]?.buffer, buf.buffer);
    assert.deepEqual(nals.map((n) => n.byteOffset), [3, 8]);
  });

  it('accepts leading zeros, skips empty NAL units, rejects leading garbage', () => {
    assert.deepEqual(splitAnnexB(fromHex('00 00 00 00 00 01 09 f0 00 00 01 00 00 01')).map(hex), ['09f0']);
    assert.deepEqual(splitAnnexB(new Uint8Array(0)), []);
    assert.deepEqual(splitAnnexB(new Uint8Array(5)), []);
    assert.throws(() => splitAnnexB(fromHex('17 00 00 01 09')), (e: unknown) => isParseError(e, 'INVALID') && e.offset === 0);
    assert.throws(() => splitAnnexB(fromHex('67 42 00')), (e: unknown) => isParseError(e, 'INVALID'));
  });

  it('splits the ffmpeg fixture into the NAL units ffmpeg wrote', () => {
    const nals = splitAnnexB(fixture('h264_640x360_high.h264'));
    // AUD SPS PPS SEI IDR | AUD P | AUD SPS PPS IDR (x264 with aud=1, keyint 2, 3 frames)
    assert.deepEqual(nals.map((n) => (n[0] as number) & 0x1f), [9, 7, 8, 6, 5, 9, 1, 9, 7, 8, 5]);
  });

  it('joinAnnexB(splitAnnexB(x)) round-trips NAL units with either start code length', () => {
    fc.assert(
      fc.property(fc.array(nalArb, { maxLength: 8 }), fc.constantFrom(3 as const, 4 as const), (nals, sc) => {
        assert.deepEqual(splitAnnexB(joinAnnexB(nals, sc)), nals);
      }),
    );
  });

  it('fuzz: arbitrary bytes give NAL units or a ParseError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }).map((a) => a.map((b) => (b & 0x80 ? b : b & 1))), (buf) => {
        const result = parsesOrParseError(() => splitAnnexB(buf));
        if (Array.isArray(result)) {
          for (const nal of result) {
            assert.ok(nal.length > 0);
            assert.notEqual(nal[nal.length - 1], 0);
          }
        }
      }),
    );
  });
});

describe('AnnexBSplitter', () => {
  it('gives the same NAL units as splitAnnexB for every chunking of a real stream', () => {
    const stream = fixture('h265_640x360_main.hevc');
    const expected = splitAnnexB(stream).map(hex);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 30 }), (cuts) => {
        assert.deepEqual(splitStreaming(stream, cuts).map(hex), expected);
      }),
      { numRuns: 200 },
    );
    // One byte at a time puts every start code across chunk boundaries.
    assert.deepEqual(splitStreaming(stream, Array.from({ length: stream.length }, (_, i) => i)).map(hex), expected);
  });

  it('returns NAL units once the next start code arrives, and the last one on flush', () => {
    const s = new AnnexBSplitter();
    assert.deepEqual(s.push(fromHex('00 00 00 01 67 42 00')), []);
    assert.equal(s.pendingBytes, 3);
    assert.deepEqual(s.push(fromHex('00 00')).map(hex), []);
    assert.deepEqual(s.push(fromHex('01 68')).map(hex), ['6742']);
    assert.deepEqual(s.flush().map(hex), ['68']);
    assert.deepEqual(s.flush(), []);
  });

  it('discards bytes before the first start code (joining a stream mid-way)', () => {
    const s = new AnnexBSplitter();
    assert.deepEqual(s.push(fromHex('88 99 aa 00 00 01 09 f0 00 00 01 41')).map(hex), ['09f0']);
    assert.deepEqual(s.flush().map(hex), ['41']);
  });

  it('is bounded: a NAL unit beyond maxNalSize throws TOO_LARGE and resets', () => {
    const s = new AnnexBSplitter({ maxNalSize: 8 });
    s.push(fromHex('00 00 01 65 01 02 03'));
    assert.throws(() => s.push(new Uint8Array(10).fill(7)), (e: unknown) => isParseError(e, 'TOO_LARGE'));
    assert.equal(s.pendingBytes, 0);
    assert.deepEqual(s.push(fromHex('00 00 01 41 9a')), []);
    assert.deepEqual(s.flush().map(hex), ['419a']);
  });

  it('fuzz: any chunking of arbitrary bytes matches splitAnnexB after the first start code', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }).map((a) => a.map((b) => (b & 0x80 ? b : b & 1))),
        fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 10 }),
        (body, cuts) => {
          const buf = joinAnnexB([body]); // starts with a start code, so splitAnnexB accepts it
          assert.deepEqual(splitStreaming(buf, cuts).map(hex), splitAnnexB(buf).map(hex));
        },
      ),
    );
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  alawToLinear,
  decodeAlaw,
  decodeMulaw,
  encodeAlaw,
  encodeMulaw,
  linearToAlaw,
  linearToMulaw,
  mulawToLinear,
} from '../../../src/protocol/codec/g711.js';
import { fixture } from './_helpers.js';

/** ffmpeg's pcm_mulaw / pcm_alaw decoding of codes 0..255 (s16le), made by make.sh. */
function ffmpegDecoded(name: string): Int16Array {
  const bytes = fixture(name);
  return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
}

const LAWS = [
  { name: 'µ-law', encode: linearToMulaw, decode: mulawToLinear, ffmpeg: 'g711_ulaw_decoded.bin', centreTolerance: 2 },
  { name: 'A-law', encode: linearToAlaw, decode: alawToLinear, ffmpeg: 'g711_alaw_decoded.bin', centreTolerance: 0 },
];

describe('G.711 reference values', () => {
  it('µ-law: zero, extremes and the one\'s-complement "negative zero"', () => {
    assert.deepEqual([0xff, 0x7f, 0x80, 0x00, 0xfe, 0x01].map(mulawToLinear), [0, 0, 32124, -32124, 8, -31100]);
    assert.deepEqual([0, -1, 32767, -32768, 8].map(linearToMulaw), [0xff, 0x7f, 0x80, 0x00, 0xfe]);
  });

  it('A-law: even-bit inversion (0xD5 / 0x55 are the smallest levels) and extremes', () => {
    assert.deepEqual([0xd5, 0x55, 0xaa, 0x2a, 0xd4].map(alawToLinear), [8, -8, 32256, -32256, 24]);
    assert.deepEqual([0, -1, 32767, -32768, 24].map(linearToAlaw), [0xd5, 0x55, 0xaa, 0x2a, 0xd4]);
  });

  it('µ-law decision levels lie between intervals, not halfway between output levels', () => {
    // 14-bit decision value 4063 (16-bit 16252) separates segment 6 (output 15996, step 512) from
    // segment 7 (output 16764, step 1024). A nearest-output-level quantiser (as ffmpeg's encoder
    // table is built) moves the decision to 16380, which G.711 does not.
    assert.deepEqual([linearToMulaw(16251), linearToMulaw(16252)], [0x90, 0x8f]);
    assert.deepEqual([mulawToLinear(0x90), mulawToLinear(0x8f)], [15996, 16764]);
  });
});

for (const law of LAWS) {
  describe(`G.711 ${law.name}`, () => {
    it('decodes all 256 codes exactly as ffmpeg does', () => {
      const reference = ffmpegDecoded(law.ffmpeg);
      for (let code = 0; code < 256; code++) assert.equal(law.decode(code), reference[code], `code 0x${code.toString(16)}`);
    });

    it('maps each code to one contiguous input interval and decodes to its centre', () => {
      const intervals = new Map<number, [number, number]>();
      let previousLevel = -Infinity;
      for (let x = -32768; x <= 32767; x++) {
        const code = law.encode(x);
        const interval = intervals.get(code);
        if (interval) {
          assert.equal(interval[1], x - 1, `code 0x${code.toString(16)} used for two separate ranges`);
          interval[1] = x;
        } else {
          intervals.set(code, [x, x]);
        }
        const level = law.decode(code);
        assert.ok(level >= previousLevel, 'monotonic');
        previousLevel = level;
      }
      assert.equal(intervals.size, 256);
      for (const [code, [lo, hi]] of intervals) {
        if (lo === -32768 || hi === 32767) continue; // the outermost intervals are clipped
        assert.ok(Math.abs(law.decode(code) - (lo + hi + 1) / 2) <= law.centreTolerance, `code 0x${code.toString(16)}`);
      }
    });

    it('re-encodes every decoded level to its own code', () => {
      for (let code = 0; code < 256; code++) {
        const again = law.encode(law.decode(code));
        // µ-law has two codes for 0 (0x7F, 0xFF); encoding 0 gives 0xFF.
        assert.equal(again, law.decode(code) === 0 ? 0xff : code);
      }
    });
  });
}

describe('G.711 buffer functions', () => {
  it('encode/decode whole buffers like the per-sample functions', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 200 }), (samples) => {
        const pcm = Int16Array.from(samples);
        const mu = encodeMulaw(pcm);
        const a = encodeAlaw(pcm);
        assert.deepEqual(Array.from(mu), samples.map(linearToMulaw));
        assert.deepEqual(Array.from(a), samples.map(linearToAlaw));
        assert.deepEqual(Array.from(decodeMulaw(mu)), Array.from(mu, mulawToLinear));
        assert.deepEqual(Array.from(decodeAlaw(a)), Array.from(a, alawToLinear));
        // Decoding a decoded buffer's encoding is stable (companding is idempotent).
        assert.deepEqual(decodeMulaw(encodeMulaw(decodeMulaw(mu))), decodeMulaw(mu));
      }),
    );
  });
});

/**
 * The snapshot JPEG encoder against independent decoders: the codec module's parser reads the
 * structure, ffmpeg (libavcodec's JPEG decoder) decodes the pixels, which must be close to the
 * input. Property: any size and content gives a well-formed baseline JPEG whose scan contains no
 * unstuffed 0xFF.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { parseJpeg } from '../../../src/protocol/codec/jpeg.js';
import { encodeJpeg, type YuvImage } from '../../../src/southbound/simulated/jpeg-encoder.js';

function image(width: number, height: number, f: (x: number, y: number) => [number, number, number]): YuvImage {
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  const img: YuvImage = { width, height, y: new Uint8Array(width * height), cb: new Uint8Array(cw * ch), cr: new Uint8Array(cw * ch) };
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) img.y[y * width + x] = f(x, y)[0];
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const [, cb, cr] = f(2 * x, 2 * y);
      img.cb[y * cw + x] = cb;
      img.cr[y * cw + x] = cr;
    }
  }
  return img;
}

function ffmpegDecode(jpeg: Uint8Array, pixFmt: 'gray' | 'yuvj420p'): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-f', 'mjpeg', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', pixFmt, 'pipe:1'], { input: jpeg });
}

describe('baseline JPEG encoder', () => {
  test('structure: SOF0 4:2:0, Annex K Huffman tables, RTP/JPEG type 1 without re-encoding', () => {
    const jpeg = encodeJpeg(image(100, 60, (x, y) => [x * 2, 128, y * 4]), 75);
    const info = parseJpeg(jpeg);
    assert.equal(info.frameType, 0);
    assert.equal(`${info.width}x${info.height}`, '100x60');
    assert.deepEqual(info.components.map((c) => [c.h, c.v]), [[2, 2], [1, 1], [1, 1]]);
    assert.ok(info.standardHuffmanTables);
    assert.equal(info.rfc2435?.type, 1);
    assert.equal(jpeg.at(-2), 0xff);
    assert.equal(jpeg.at(-1), 0xd9);
  });

  test('ffmpeg decodes it back close to the input (luma and chroma), odd sizes included', () => {
    for (const [w, h, q] of [[64, 48, 90], [37, 23, 90], [320, 180, 60]] as const) {
      const src = image(w, h, (x, y) => [(x * 255) / w, 128 + 60 * Math.sin(y / 5), 128 - 50 * Math.cos(x / 7)]);
      const out = ffmpegDecode(encodeJpeg(src, q), 'yuvj420p');
      const cw = (w + 1) >> 1;
      const ch = (h + 1) >> 1;
      assert.equal(out.length, w * h + 2 * cw * ch);
      const mae = (a: Uint8Array, b: Uint8Array): number => a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;
      const limit = q >= 90 ? 2 : 4;
      assert.ok(mae(src.y, out.subarray(0, w * h)) < limit, `${w}x${h} q${q} luma`);
      assert.ok(mae(src.cb, out.subarray(w * h, w * h + cw * ch)) < limit, `${w}x${h} q${q} Cb`);
      assert.ok(mae(src.cr, out.subarray(w * h + cw * ch)) < limit, `${w}x${h} q${q} Cr`);
    }
  });

  test('extremes: flat black/white, quality 1 and 99, a 1x1 picture', () => {
    for (const q of [1, 99]) {
      for (const v of [0, 255]) {
        const out = ffmpegDecode(encodeJpeg(image(16, 16, () => [v, 128, 128]), q), 'gray');
        assert.ok(out.every((p) => Math.abs(p - v) <= 2), `q${q} level ${v}`);
      }
    }
    assert.equal(ffmpegDecode(encodeJpeg(image(1, 1, () => [200, 128, 128]), 90), 'gray').length, 1);
    assert.throws(() => encodeJpeg({ width: 0, height: 1, y: new Uint8Array(0), cb: new Uint8Array(0), cr: new Uint8Array(0) }, 50), RangeError);
    assert.throws(() => encodeJpeg({ width: 4, height: 4, y: new Uint8Array(3), cb: new Uint8Array(4), cr: new Uint8Array(4) }, 50), RangeError);
  });

  test('property: random pictures give parsable JPEGs with stuffed scans', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (w, h, q, seed) => {
          let s = seed;
          const rnd = (): number => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
          const jpeg = encodeJpeg(image(w, h, () => [rnd(), rnd(), rnd()]), q);
          const info = parseJpeg(jpeg);
          assert.equal(info.width, w);
          assert.equal(info.height, h);
          for (let i = 0; i < info.scan.length - 1; i++) if (info.scan[i] === 0xff) assert.equal(info.scan[i + 1], 0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

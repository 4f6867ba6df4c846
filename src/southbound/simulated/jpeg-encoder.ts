/**
 * A small baseline JPEG encoder (ITU-T T.81, sequential DCT, Huffman) for snapshots: YCbCr 4:2:0
 * in, JFIF-less JPEG out. Headers come from codec/jpeg.ts (RFC 2435 type 1 layout with the Annex K
 * Huffman tables), so snapshots are also valid RTP/JPEG payloads. Pure; no I/O.
 */
import { buildJpeg, rfc2435QuantTables, STANDARD_HUFFMAN, ZIGZAG } from '../../protocol/codec/jpeg.js';
import type { HuffmanSpec } from '../../protocol/codec/jpeg-tables.js';

/** A YCbCr 4:2:0 picture: chroma planes are half size, rounded up. */
export interface YuvImage {
  width: number;
  height: number;
  y: Uint8Array;
  cb: Uint8Array;
  cr: Uint8Array;
}

interface HuffmanCodes {
  code: Uint16Array;
  size: Uint8Array;
}

/** Code words for each symbol from BITS/HUFFVAL (T.81 Annex C). */
function buildCodes(spec: HuffmanSpec): HuffmanCodes {
  const code = new Uint16Array(256);
  const size = new Uint8Array(256);
  let k = 0;
  let c = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < spec.counts[len - 1]!; i++) {
      const sym = spec.symbols[k++]!;
      code[sym] = c++;
      size[sym] = len;
    }
    c <<= 1;
  }
  return { code, size };
}

const DC_LUMA = buildCodes(STANDARD_HUFFMAN.dcLuminance);
const AC_LUMA = buildCodes(STANDARD_HUFFMAN.acLuminance);
const DC_CHROMA = buildCodes(STANDARD_HUFFMAN.dcChrominance);
const AC_CHROMA = buildCodes(STANDARD_HUFFMAN.acChrominance);

/** cos((2x+1)uπ/16) · C(u)/2, the 1-D DCT basis (T.81 A.3.3). */
const BASIS = (() => {
  const b = new Float64Array(64);
  for (let u = 0; u < 8; u++) {
    const cu = u === 0 ? Math.SQRT1_2 : 1;
    for (let x = 0; x < 8; x++) b[u * 8 + x] = (cu / 2) * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
  }
  return b;
})();

/** Entropy-coded segment writer with 0xFF byte stuffing. */
class BitSink {
  #buf = new Uint8Array(64 * 1024);
  #len = 0;
  #acc = 0;
  #bits = 0;

  write(value: number, size: number): void {
    for (let i = size - 1; i >= 0; i--) {
      this.#acc = (this.#acc << 1) | ((value >> i) & 1);
      if (++this.#bits === 8) this.#flushByte();
    }
  }

  #flushByte(): void {
    this.#push(this.#acc);
    if (this.#acc === 0xff) this.#push(0);
    this.#acc = 0;
    this.#bits = 0;
  }

  #push(b: number): void {
    if (this.#len === this.#buf.length) {
      const bigger = new Uint8Array(this.#buf.length * 2);
      bigger.set(this.#buf);
      this.#buf = bigger;
    }
    this.#buf[this.#len++] = b;
  }

  /** Pads the last byte with 1-bits (T.81 F.1.2.3) and returns the bytes. */
  finish(): Uint8Array {
    if (this.#bits > 0) this.write(0x7f, 8 - this.#bits);
    return this.#buf.subarray(0, this.#len);
  }
}

function category(v: number): number {
  let a = v < 0 ? -v : v;
  let n = 0;
  while (a > 0) {
    n++;
    a >>= 1;
  }
  return n;
}

/** Forward DCT of an 8x8 block (level-shifted samples) and quantization into zig-zag order. */
function transformBlock(samples: Float64Array, quant: Uint8Array, out: Int16Array, tmp: Float64Array): void {
  for (let y = 0; y < 8; y++) {
    for (let u = 0; u < 8; u++) {
      let s = 0;
      for (let x = 0; x < 8; x++) s += BASIS[u * 8 + x]! * samples[y * 8 + x]!;
      tmp[y * 8 + u] = s;
    }
  }
  for (let i = 0; i < 64; i++) {
    const nat = ZIGZAG[i]!;
    const u = nat & 7;
    const v = nat >> 3;
    let s = 0;
    for (let y = 0; y < 8; y++) s += BASIS[v * 8 + y]! * tmp[y * 8 + u]!;
    out[i] = Math.round(s / quant[i]!);
  }
}

function encodeBlock(sink: BitSink, coef: Int16Array, prevDc: number, dc: HuffmanCodes, ac: HuffmanCodes): number {
  const diff = coef[0]! - prevDc;
  const cat = category(diff);
  sink.write(dc.code[cat]!, dc.size[cat]!);
  if (cat > 0) sink.write(diff < 0 ? diff - 1 + (1 << cat) : diff, cat);
  let run = 0;
  for (let i = 1; i < 64; i++) {
    const v = coef[i]!;
    if (v === 0) {
      run++;
      continue;
    }
    while (run > 15) {
      sink.write(ac.code[0xf0]!, ac.size[0xf0]!);
      run -= 16;
    }
    const c = category(v);
    const sym = (run << 4) | c;
    sink.write(ac.code[sym]!, ac.size[sym]!);
    sink.write(v < 0 ? v - 1 + (1 << c) : v, c);
    run = 0;
  }
  if (run > 0) sink.write(ac.code[0]!, ac.size[0]!);
  return coef[0]!;
}

/** Loads an 8x8 block from a plane, repeating edge samples past the picture. */
function loadBlock(plane: Uint8Array, pw: number, ph: number, bx: number, by: number, out: Float64Array): void {
  for (let y = 0; y < 8; y++) {
    const row = Math.min(by + y, ph - 1) * pw;
    for (let x = 0; x < 8; x++) out[y * 8 + x] = plane[row + Math.min(bx + x, pw - 1)]! - 128;
  }
}

/** Encodes a picture at quality 1..99 (RFC 2435 / IJG scaling of the Annex K tables). */
export function encodeJpeg(img: YuvImage, quality: number): Uint8Array {
  const { width: w, height: h } = img;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1 || w > 0xffff || h > 0xffff) throw new RangeError(`image size ${w}x${h}`);
  const cw = (w + 1) >> 1;
  const ch = (h + 1) >> 1;
  if (img.y.length < w * h || img.cb.length < cw * ch || img.cr.length < cw * ch) throw new RangeError('plane smaller than the image');
  const [lq, cq] = rfc2435QuantTables(quality);
  const sink = new BitSink();
  const samples = new Float64Array(64);
  const tmp = new Float64Array(64);
  const coef = new Int16Array(64);
  let dcY = 0;
  let dcCb = 0;
  let dcCr = 0;
  for (let my = 0; my < h; my += 16) {
    for (let mx = 0; mx < w; mx += 16) {
      for (const [ox, oy] of [[0, 0], [8, 0], [0, 8], [8, 8]] as const) {
        loadBlock(img.y, w, h, mx + ox, my + oy, samples);
        transformBlock(samples, lq, coef, tmp);
        dcY = encodeBlock(sink, coef, dcY, DC_LUMA, AC_LUMA);
      }
      loadBlock(img.cb, cw, ch, mx >> 1, my >> 1, samples);
      transformBlock(samples, cq, coef, tmp);
      dcCb = encodeBlock(sink, coef, dcCb, DC_CHROMA, AC_CHROMA);
      loadBlock(img.cr, cw, ch, mx >> 1, my >> 1, samples);
      transformBlock(samples, cq, coef, tmp);
      dcCr = encodeBlock(sink, coef, dcCr, DC_CHROMA, AC_CHROMA);
    }
  }
  return buildJpeg({ type: 1, width: w, height: h, quantTables: [lq, cq] }, [sink.finish()]);
}

/**
 * A minimal YCbCr canvas for snapshots: full-resolution planes, rectangles, polygons and 5x7 text
 * with alpha, then 4:2:0 for the JPEG encoder. Colours are BT.601 full range (JFIF).
 */
import { CELL_WIDTH, glyph, GLYPH_HEIGHT, GLYPH_WIDTH } from './font.js';
import type { YuvImage } from './jpeg-encoder.js';

export type Ycc = readonly [number, number, number];

export function rgbToYcc(r: number, g: number, b: number): Ycc {
  const y = 0.299 * r + 0.587 * g + 0.114 * b;
  return [clamp8(y), clamp8(128 + (b - y) * 0.564), clamp8(128 + (r - y) * 0.713)];
}

function clamp8(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

export class Canvas {
  readonly width: number;
  readonly height: number;
  readonly y: Uint8Array;
  readonly cb: Uint8Array;
  readonly cr: Uint8Array;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.y = new Uint8Array(width * height);
    this.cb = new Uint8Array(width * height).fill(128);
    this.cr = new Uint8Array(width * height).fill(128);
  }

  /** Blends one pixel; alpha 1 = opaque. Coordinates are not checked. */
  #put(i: number, c: Ycc, alpha: number): void {
    if (alpha >= 1) {
      this.y[i] = c[0];
      this.cb[i] = c[1];
      this.cr[i] = c[2];
    } else {
      const a = alpha;
      this.y[i] = Math.round(this.y[i]! * (1 - a) + c[0] * a);
      this.cb[i] = Math.round(this.cb[i]! * (1 - a) + c[1] * a);
      this.cr[i] = Math.round(this.cr[i]! * (1 - a) + c[2] * a);
    }
  }

  fillRect(x0: number, y0: number, w: number, h: number, c: Ycc, alpha = 1): void {
    if (alpha <= 0) return;
    const xa = Math.max(0, Math.round(x0));
    const ya = Math.max(0, Math.round(y0));
    const xb = Math.min(this.width, Math.round(x0 + w));
    const yb = Math.min(this.height, Math.round(y0 + h));
    for (let y = ya; y < yb; y++) {
      for (let x = xa; x < xb; x++) this.#put(y * this.width + x, c, alpha);
    }
  }

  /** Per-pixel fill through a function of the pixel position (backgrounds). */
  paint(fn: (x: number, y: number) => Ycc): void {
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) this.#put(y * this.width + x, fn(x, y), 1);
    }
  }

  /** Fills a polygon given in pixels (even-odd rule, sampled at pixel centres). */
  fillPolygon(points: readonly { x: number; y: number }[], c: Ycc, alpha = 1): void {
    if (points.length < 3) return;
    const ys = points.map((p) => p.y);
    const ya = Math.max(0, Math.floor(Math.min(...ys)));
    const yb = Math.min(this.height - 1, Math.ceil(Math.max(...ys)));
    for (let y = ya; y <= yb; y++) {
      const cy = y + 0.5;
      const xs: number[] = [];
      for (let i = 0; i < points.length; i++) {
        const a = points[i]!;
        const b = points[(i + 1) % points.length]!;
        if ((a.y <= cy && b.y > cy) || (b.y <= cy && a.y > cy)) xs.push(a.x + ((cy - a.y) / (b.y - a.y)) * (b.x - a.x));
      }
      xs.sort((p, q) => p - q);
      for (let k = 0; k + 1 < xs.length; k += 2) {
        const xa = Math.max(0, Math.ceil(xs[k]! - 0.5));
        const xb = Math.min(this.width - 1, Math.floor(xs[k + 1]! - 0.5));
        for (let x = xa; x <= xb; x++) this.#put(y * this.width + x, c, alpha);
      }
    }
  }

  /** Draws one line of text with its top-left corner at (x0, y0), glyphs scaled by `scale`. */
  drawText(text: string, x0: number, y0: number, scale: number, c: Ycc, alpha = 1): void {
    let cx = Math.round(x0);
    const top = Math.round(y0);
    for (const ch of text) {
      const rows = glyph(ch);
      for (let r = 0; r < GLYPH_HEIGHT; r++) {
        const bits = rows[r]!;
        if (bits === 0) continue;
        for (let col = 0; col < GLYPH_WIDTH; col++) {
          if ((bits >> (GLYPH_WIDTH - 1 - col)) & 1) this.fillRect(cx + col * scale, top + r * scale, scale, scale, c, alpha);
        }
      }
      cx += CELL_WIDTH * scale;
    }
  }

  /** 4:2:0 by averaging each 2x2 block of chroma. */
  toYuv420(): YuvImage {
    const w = this.width;
    const h = this.height;
    const cw = (w + 1) >> 1;
    const ch = (h + 1) >> 1;
    const cb = new Uint8Array(cw * ch);
    const cr = new Uint8Array(cw * ch);
    for (let y = 0; y < ch; y++) {
      const r0 = 2 * y * w;
      const r1 = Math.min(2 * y + 1, h - 1) * w;
      for (let x = 0; x < cw; x++) {
        const x0 = 2 * x;
        const x1 = Math.min(2 * x + 1, w - 1);
        cb[y * cw + x] = (this.cb[r0 + x0]! + this.cb[r0 + x1]! + this.cb[r1 + x0]! + this.cb[r1 + x1]! + 2) >> 2;
        cr[y * cw + x] = (this.cr[r0 + x0]! + this.cr[r0 + x1]! + this.cr[r1 + x0]! + this.cr[r1 + x1]! + 2) >> 2;
      }
    }
    return { width: w, height: h, y: this.y, cb, cr };
  }
}

/**
 * Snapshots of a simulated camera, rendered and JPEG-encoded per request (no ffmpeg at run
 * time): the scene's background (a drawn likeness of the clip's test pattern, cached per size),
 * its objects where they are now (the same positions the metadata stream reports), privacy masks,
 * then the OSDs (plain text and date/time in the node's time zone). Pure apart from the cache.
 */
import type { Color, MaskConfig, OsdColor, OsdConfig, SnapshotRequest } from '../../media/model/types.js';
import { CELL_HEIGHT, textSize } from './font.js';
import { encodeJpeg } from './jpeg-encoder.js';
import { osdText } from './osd-text.js';
import { Canvas, rgbToYcc, type Ycc } from './raster.js';
import { objectsAt, type Background, type Scene } from './scenes.js';

/** tt:OSDColor Transparent range: 0 opaque … 100 invisible. */
export const OSD_TRANSPARENT_MAX = 100;
export const COLORSPACE_YCBCR = 'http://www.onvif.org/ver10/colorspace/YCbCr';
export const COLORSPACE_RGB = 'http://www.onvif.org/ver10/colorspace/RGB';
/** Font sizes are points on the 720-line source: 8 pt per glyph-row scale step. */
const PT_PER_SCALE = 8;
const SOURCE_HEIGHT = 720;

type Rgb = readonly [number, number, number];

const BARS6: Rgb[] = [[255, 0, 0], [0, 255, 0], [255, 255, 0], [0, 0, 255], [255, 0, 255], [0, 255, 255]];
const SMPTE7: Rgb[] = [[191, 191, 191], [191, 191, 0], [0, 191, 191], [0, 191, 0], [191, 0, 191], [191, 0, 0], [0, 0, 191]];
const CHART: Rgb[] = [
  [115, 82, 68], [194, 150, 130], [98, 122, 157], [87, 108, 67], [133, 128, 177], [103, 189, 170],
  [214, 126, 44], [80, 91, 166], [193, 90, 99], [94, 60, 108], [157, 188, 64], [224, 163, 46],
  [56, 61, 150], [70, 148, 73], [175, 54, 60], [231, 199, 31], [187, 86, 149], [8, 133, 161],
  [243, 243, 242], [200, 200, 200], [160, 160, 160], [122, 122, 121], [85, 85, 85], [52, 52, 52],
];

function backgroundPixel(kind: Background, w: number, h: number): (x: number, y: number) => Ycc {
  const ycc = (c: Rgb): Ycc => rgbToYcc(c[0], c[1], c[2]);
  switch (kind) {
    case 'testsrc2': {
      const bars = BARS6.map(ycc);
      return (x) => bars[Math.min(5, Math.floor((x * 6) / w))]!;
    }
    case 'smptehdbars': {
      const bars = SMPTE7.map(ycc);
      const edge = ycc([102, 102, 102]);
      const black = ycc([16, 16, 16]);
      const white = ycc([235, 235, 235]);
      return (x, y) => {
        if (y >= (h * 2) / 3) return x > w * 0.29 && x < w * 0.5 ? white : black;
        const band = x / w;
        if (band < 0.125 || band >= 0.875) return edge;
        return bars[Math.min(6, Math.floor(((band - 0.125) / 0.75) * 7))]!;
      };
    }
    case 'gradients':
      return (x, y) => {
        const t = (x / w + y / h) / 2;
        return rgbToYcc(170 - 130 * t, 80 + 30 * t, 200 - 60 * t);
      };
    case 'colorchart': {
      const patches = CHART.map(ycc);
      const black = ycc([0, 0, 0]);
      return (x, y) => {
        const cx = (x * 6) / w;
        const cy = (y * 4) / h;
        const inner = cx - Math.floor(cx) > 0.06 && cy - Math.floor(cy) > 0.08;
        return inner ? patches[Math.floor(cy) * 6 + Math.floor(cx)]! : black;
      };
    }
  }
}

const backgrounds = new Map<string, Canvas>();

function background(scene: Scene, w: number, h: number): Canvas {
  const key = `${scene.id}:${w}x${h}`;
  let c = backgrounds.get(key);
  if (!c) {
    c = new Canvas(w, h);
    c.paint(backgroundPixel(scene.background, w, h));
    backgrounds.set(key, c);
  }
  return c;
}

/** A tt:Color in YCbCr (the default colour space) or RGB, as a canvas colour. */
export function colorToYcc(c: Color): Ycc {
  if (c.colorspace && /RGB/i.test(c.colorspace)) return rgbToYcc(c.x, c.y, c.z);
  const k = (v: number): number => Math.max(0, Math.min(255, Math.round(v)));
  return [k(c.x), k(c.y), k(c.z)];
}

function alphaOf(c: OsdColor | undefined): number {
  const t = c?.transparent ?? 0;
  return 1 - Math.max(0, Math.min(OSD_TRANSPARENT_MAX, t)) / OSD_TRANSPARENT_MAX;
}

export function fontScale(fontSize: number | undefined, height: number): number {
  return Math.max(1, Math.round(((fontSize ?? 32) * height) / SOURCE_HEIGHT / PT_PER_SCALE));
}

function drawMask(canvas: Canvas, m: MaskConfig): void {
  if (!m.enabled) return;
  const pts = m.polygon.map((p) => ({ x: ((p.x + 1) / 2) * canvas.width, y: ((1 - p.y) / 2) * canvas.height }));
  canvas.fillPolygon(pts, m.color ? colorToYcc(m.color) : rgbToYcc(0, 0, 0));
}

function drawOsds(canvas: Canvas, osds: OsdConfig[], req: SnapshotRequest): void {
  const margin = Math.round(canvas.height * 0.02);
  // OSDs sharing a corner stack away from it.
  const stack: Record<string, number> = { UpperLeft: margin, UpperRight: margin, LowerLeft: margin, LowerRight: margin };
  for (const o of osds) {
    const text = osdText(o.text, req.nowMs, req.timeZone);
    if (text === '') continue;
    const scale = fontScale(o.text.fontSize, canvas.height);
    const pad = scale;
    const size = textSize(text, scale);
    const boxW = size.width + 2 * pad;
    const boxH = size.height + 2 * pad;
    let x: number;
    let y: number;
    const pos = o.position.type;
    if (pos === 'Custom') {
      x = (((o.position.x ?? -1) + 1) / 2) * canvas.width;
      y = ((1 - (o.position.y ?? 1)) / 2) * canvas.height;
    } else {
      x = pos.endsWith('Left') ? margin : canvas.width - margin - boxW;
      const offset = stack[pos]!;
      y = pos.startsWith('Upper') ? offset : canvas.height - offset - boxH;
      stack[pos] = offset + boxH + Math.round((CELL_HEIGHT - 7) * scale);
    }
    if (o.text.backgroundColor) canvas.fillRect(x, y, boxW, boxH, colorToYcc(o.text.backgroundColor.color), alphaOf(o.text.backgroundColor));
    const fg = o.text.fontColor ? colorToYcc(o.text.fontColor.color) : rgbToYcc(255, 255, 255);
    canvas.drawText(text, x + pad, y + pad, scale, fg, alphaOf(o.text.fontColor));
  }
}

/** Renders and encodes a snapshot of `scene` as it is at `contentSeconds` (loop time). */
export function renderSnapshot(scene: Scene, req: SnapshotRequest, contentSeconds: number): Uint8Array {
  const w = req.width;
  const h = req.height;
  const bg = background(scene, w, h);
  const canvas = new Canvas(w, h);
  canvas.y.set(bg.y);
  canvas.cb.set(bg.cb);
  canvas.cr.set(bg.cr);
  for (const o of objectsAt(scene, contentSeconds)) {
    const [r, g, b] = o.object.rgb;
    const x0 = ((o.left + 1) / 2) * w;
    const x1 = ((o.right + 1) / 2) * w;
    const y0 = ((1 - o.top) / 2) * h;
    const y1 = ((1 - o.bottom) / 2) * h;
    canvas.fillRect(x0, y0, x1 - x0, y1 - y0, rgbToYcc(r, g, b));
  }
  for (const m of req.masks) drawMask(canvas, m);
  drawOsds(canvas, req.osds, req);
  // Quality 0..100 (ONVIF) maps onto the IJG/RFC 2435 scale 1..99.
  const q = Math.max(1, Math.min(99, Math.round(req.quality)));
  return encodeJpeg(canvas.toYuv420(), q);
}

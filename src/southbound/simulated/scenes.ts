/**
 * The four scenes the simulated cameras show. One definition serves every place that must agree
 * on what a camera "sees": the ffmpeg filter graph that renders the committed clips
 * (scripts/make-sim-assets.sh), the metadata stream's objects, the motion events and the
 * snapshot renderer. Everything here is a pure function of the scene and the time in the loop.
 *
 * Coordinates are ONVIF's normalized ones: x and y in [-1, 1], x to the right, y upwards,
 * (0, 0) in the image centre.
 */

export type ObjectClass = 'Human' | 'Vehicle';
export type Background = 'testsrc2' | 'smptehdbars' | 'gradients' | 'colorchart';

export interface Point {
  x: number;
  y: number;
}

export interface SceneObject {
  /** ObjectId in the metadata stream, unique within the scene. */
  id: number;
  class: ObjectClass;
  /** sRGB fill colour of the box in the clip and the snapshot. */
  rgb: readonly [number, number, number];
  /** Box size as a fraction of the frame's width and height. */
  width: number;
  height: number;
  /** Seconds into the loop during which the object is in view, t0 <= t < t1. */
  t0: number;
  t1: number;
  /** Centre at t0 and (linearly) at t1. */
  from: Point;
  to: Point;
}

export interface Scene {
  /** 1-based, also the clip file stem: `cam<id>_…`. */
  id: number;
  /** Burnt into the clips; the default camera of this scene carries it as its name. */
  label: string;
  background: Background;
  /** Loop length: clips are exactly this long. */
  loopSeconds: number;
  objects: readonly SceneObject[];
  /** Audio: a continuous tone with a short louder beep at the start of every second. */
  toneHz: number;
}

export const CLIP_FPS = 25;
/** Frames per GOP in the clips (one IDR per second). */
export const CLIP_GOP = 25;
export const AAC_SAMPLE_RATE = 16000;

export const SCENES: readonly Scene[] = [
  {
    id: 1,
    label: 'Entrance',
    background: 'testsrc2',
    loopSeconds: 4,
    toneHz: 440,
    objects: [
      { id: 1, class: 'Human', rgb: [255, 140, 0], width: 0.06, height: 0.3, t0: 0.4, t1: 3.6, from: { x: -0.85, y: -0.2 }, to: { x: 0.85, y: -0.1 } },
    ],
  },
  {
    id: 2,
    label: 'Parking',
    background: 'smptehdbars',
    loopSeconds: 4,
    toneHz: 523,
    objects: [
      { id: 1, class: 'Vehicle', rgb: [40, 40, 48], width: 0.24, height: 0.16, t0: 0, t1: 2.8, from: { x: 0.8, y: -0.55 }, to: { x: -0.8, y: -0.55 } },
      { id: 2, class: 'Human', rgb: [230, 30, 30], width: 0.05, height: 0.26, t0: 2, t1: 3.8, from: { x: -0.6, y: 0.3 }, to: { x: 0.2, y: 0.1 } },
    ],
  },
  {
    id: 3,
    label: 'Lobby',
    background: 'gradients',
    loopSeconds: 4,
    toneHz: 659,
    objects: [
      { id: 1, class: 'Human', rgb: [20, 200, 60], width: 0.07, height: 0.34, t0: 1, t1: 3.5, from: { x: -0.5, y: 0.5 }, to: { x: 0.6, y: -0.4 } },
    ],
  },
  {
    id: 4,
    label: 'Loading Dock',
    background: 'colorchart',
    loopSeconds: 4,
    toneHz: 784,
    objects: [
      { id: 1, class: 'Vehicle', rgb: [250, 210, 0], width: 0.3, height: 0.2, t0: 0.5, t1: 3, from: { x: -0.75, y: -0.6 }, to: { x: 0.7, y: -0.6 } },
    ],
  },
];

/** The scene a camera shows: cameras beyond the fourth reuse the scenes in turn. */
export function sceneForIndex(index: number): Scene {
  return SCENES[((index % SCENES.length) + SCENES.length) % SCENES.length]!;
}

/** Seconds into the loop for a time in seconds (any value, also negative). */
export function loopTime(scene: Scene, seconds: number): number {
  const t = seconds % scene.loopSeconds;
  return t < 0 ? t + scene.loopSeconds : t;
}

export interface VisibleObject {
  object: SceneObject;
  centre: Point;
  /** Normalized bounds (top > bottom since y points up). */
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Where an object is at `t` seconds into the loop, or undefined when it is out of view. */
export function objectAt(o: SceneObject, t: number): VisibleObject | undefined {
  if (t < o.t0 || t >= o.t1) return undefined;
  const f = (t - o.t0) / (o.t1 - o.t0);
  const centre = { x: o.from.x + (o.to.x - o.from.x) * f, y: o.from.y + (o.to.y - o.from.y) * f };
  // Sizes are fractions of the frame; the normalized range is 2 wide.
  const hw = o.width;
  const hh = o.height;
  return {
    object: o,
    centre,
    left: clamp(centre.x - hw, -1, 1),
    right: clamp(centre.x + hw, -1, 1),
    top: clamp(centre.y + hh, -1, 1),
    bottom: clamp(centre.y - hh, -1, 1),
  };
}

export function objectsAt(scene: Scene, t: number): VisibleObject[] {
  const out: VisibleObject[] = [];
  for (const o of scene.objects) {
    const v = objectAt(o, loopTime(scene, t));
    if (v) out.push(v);
  }
  return out;
}

/** Motion is what a simple detector would report: some object is in view. */
export function motionAt(scene: Scene, t: number): boolean {
  const lt = loopTime(scene, t);
  return scene.objects.some((o) => lt >= o.t0 && lt < o.t1);
}

/** The loop times (ascending, within [0, loop)) at which the motion state may change. */
export function motionEdges(scene: Scene): number[] {
  const edges = new Set<number>();
  for (const o of scene.objects) {
    edges.add(loopTime(scene, o.t0));
    edges.add(loopTime(scene, o.t1));
  }
  return [...edges].sort((a, b) => a - b);
}

/** The first time strictly after `t` (seconds, absolute) at which motionAt changes value. */
export function nextMotionChange(scene: Scene, t: number): number {
  // Work in loop time: absolute seconds since the epoch are too large for exact edge arithmetic.
  const lt = loopTime(scene, t);
  const current = motionAt(scene, lt);
  let best = Number.POSITIVE_INFINITY;
  for (const e of motionEdges(scene)) {
    if (motionAt(scene, e) === current) continue;
    const d = e > lt + 1e-9 ? e - lt : e + scene.loopSeconds - lt;
    if (d < best) best = d;
  }
  return t + best;
}

/** The audio signal (-1..1) of a scene at `t` seconds: shared by the AAC clips and G.711. */
export function audioSample(scene: Scene, t: number): number {
  const beep = t - Math.floor(t) < 0.12;
  return (beep ? 0.5 : 0.15) * Math.sin(2 * Math.PI * scene.toneHz * t);
}

/** The same signal as an ffmpeg aevalsrc expression. */
export function audioExpression(scene: Scene): string {
  return `(0.15+0.35*lt(t-floor(t)\\,0.12))*sin(2*PI*${scene.toneHz}*t)`;
}

function hex(rgb: readonly [number, number, number]): string {
  return rgb.map((c) => c.toString(16).padStart(2, '0')).join('');
}

const BACKGROUND_SOURCES: Record<Background, (w: number, h: number) => string> = {
  testsrc2: (w, h) => `testsrc2=size=${w}x${h}:rate=${CLIP_FPS}`,
  smptehdbars: (w, h) => `smptehdbars=size=${w}x${h}:rate=${CLIP_FPS}`,
  gradients: (w, h) => `gradients=size=${w}x${h}:rate=${CLIP_FPS}:speed=0.02:seed=7`,
  colorchart: (w, h) => `colorchart=rate=${CLIP_FPS}:patch_size=64x64,scale=${w}:${h}`,
};

/**
 * The ffmpeg -filter_complex graph of a clip: the background, each object as a coloured box
 * moving along its path, and the label. Input 0 is the background; object boxes are generated
 * inside the graph. `font` is a TrueType file for drawtext, or undefined to skip the label.
 */
export function ffmpegFilterGraph(scene: Scene, width: number, height: number, caption: string, font: string | undefined): string {
  const parts: string[] = [`${BACKGROUND_SOURCES[scene.background](width, height)},format=yuv420p[bg0]`];
  let last = 'bg0';
  scene.objects.forEach((o, i) => {
    const bw = Math.round(o.width * width);
    const bh = Math.round(o.height * height);
    // Top-left corner in pixels of the box centred on the path at time t.
    const f = `((t-${o.t0})/${o.t1 - o.t0})`;
    const cx = `((${o.from.x}+(${o.to.x - o.from.x})*${f}+1)/2*${width})`;
    const cy = `((1-(${o.from.y}+(${o.to.y - o.from.y})*${f}))/2*${height})`;
    parts.push(`color=c=0x${hex(o.rgb)}:size=${bw}x${bh}:rate=${CLIP_FPS}[o${i}]`);
    parts.push(
      `[${last}][o${i}]overlay=x='${cx}-${bw / 2}':y='${cy}-${bh / 2}':enable='gte(t\\,${o.t0})*lt(t\\,${o.t1})':eval=frame:shortest=1[bg${i + 1}]`,
    );
    last = `bg${i + 1}`;
  });
  const size = Math.max(12, Math.round(height / 20));
  const label = font
    ? `,drawtext=fontfile=${font}:text='${caption.replace(/[':\\]/g, ' ')}':x=${Math.round(size / 2)}:y=${Math.round(size / 2)}:fontsize=${size}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=${Math.round(size / 4)}`
    : '';
  parts.push(`[${last}]null${label},format=yuv420p[out]`);
  return parts.join(';');
}

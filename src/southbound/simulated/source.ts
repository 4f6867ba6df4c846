/**
 * A simulated camera's live source for one stream selection: the scene's clip at the selected
 * codec and resolution, G.711 or AAC audio, and the metadata stream, all on one content clock.
 * Nothing runs until `start`: one timer per running source serves all its tracks in time order.
 *
 * The content clock is global (wall time since the Unix epoch, looped), so every stream of a
 * camera shows about the same moment, like a real camera; a stream starts at the IDR of the
 * current GOP (up to one GOP behind the global clock, never waiting for a keyframe).
 */
import type { FrameSink, LiveSource, MediaFrame, TrackInfo } from '../../media/live.js';
import type { GeoLocation, StreamSelection } from '../../media/model/types.js';
import type { AacClip, VideoClip } from './clip.js';
import { PCMU_FRAME_SAMPLES, PCMU_RATE, pcmuFrame, pcmuLoop } from './audio.js';
import { metadataDocument, streamsMotion, type MotionNotice } from './metadata.js';
import { ChunkPlayout, VideoPlayout } from './playout.js';
import { CLIP_FPS, motionAt, objectsAt, type Scene } from './scenes.js';

export interface Timers {
  /** Wall clock in ms since the epoch (the node's clock). */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers = (now: () => number = Date.now): Timers => ({
  now,
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
});

/** Emissions later than this are skipped rather than sent in a burst (after a stall). */
const MAX_LATE_MS = 500;
const METADATA_PERIOD_MS = 200;
const METADATA_IDLE_PERIOD_MS = 1000;

export interface SourceHooks {
  /** The camera is being streamed (refcounted by the driver; drives motion events). */
  activate(): void;
  deactivate(): void;
}

export interface SimulatedSourceOptions {
  id: string;
  scene: Scene;
  selection: StreamSelection;
  video: VideoClip | undefined;
  aac: AacClip | undefined;
  location: GeoLocation | undefined;
  ptz: boolean;
  timers: Timers;
  hooks: SourceHooks;
}

type Track =
  | { kind: 'video'; index: number; clip: VideoClip; playout: VideoPlayout | undefined }
  | { kind: 'pcmu'; index: number; loop: Uint8Array; playout: ChunkPlayout | undefined; startSample: number }
  | { kind: 'aac'; index: number; clip: AacClip; playout: ChunkPlayout | undefined; startFrame: number }
  | { kind: 'metadata'; index: number; playout: ChunkPlayout | undefined; lastMotion: boolean | undefined; resync: boolean };

export class SimulatedLiveSource implements LiveSource {
  readonly id: string;
  readonly tracks: readonly TrackInfo[];
  readonly #o: SimulatedSourceOptions;
  readonly #tracks: Track[] = [];
  #sink: FrameSink | undefined;
  #timer: unknown;
  #startWall = 0;
  #contentStartFrame = 0;
  #online = true;

  constructor(o: SimulatedSourceOptions) {
    this.#o = o;
    this.id = o.id;
    const infos: TrackInfo[] = [];
    const { video, aac, selection } = o;
    if (video && selection.video) {
      this.#tracks.push({ kind: 'video', index: infos.length, clip: video, playout: undefined });
      infos.push({
        kind: 'video', codec: video.codec, clockRate: 90000, width: video.width, height: video.height,
        ...(video.codec === 'H264' ? { h264: { sps: video.sps, pps: video.pps } } : { h265: { vps: video.vps!, sps: video.sps, pps: video.pps } }),
      });
    }
    if (selection.audio?.encoding === 'PCMU') {
      this.#tracks.push({ kind: 'pcmu', index: infos.length, loop: pcmuLoop(o.scene), playout: undefined, startSample: 0 });
      infos.push({ kind: 'audio', codec: 'PCMU', clockRate: PCMU_RATE, channels: 1 });
    } else if (selection.audio?.encoding === 'mpeg4-generic' && aac) {
      this.#tracks.push({ kind: 'aac', index: infos.length, clip: aac, playout: undefined, startFrame: 0 });
      infos.push({ kind: 'audio', codec: 'AAC', clockRate: aac.sampleRate, channels: aac.channels, aacConfig: aac.config });
    }
    if (selection.metadata) {
      this.#tracks.push({ kind: 'metadata', index: infos.length, playout: undefined, lastMotion: undefined, resync: false });
      infos.push({ kind: 'metadata', codec: 'ONVIF-METADATA', clockRate: 90000 });
    }
    this.tracks = Object.freeze(infos);
  }

  get running(): boolean {
    return this.#sink !== undefined;
  }

  start(sink: FrameSink): void {
    if (this.#sink) {
      this.#sink = sink;
      return;
    }
    this.#sink = sink;
    this.#o.hooks.activate();
    this.#begin();
  }

  stop(): void {
    if (!this.#sink) return;
    this.#sink = undefined;
    this.#o.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#o.hooks.deactivate();
  }

  requestKeyframe(): void {
    for (const t of this.#tracks) {
      if (t.kind === 'video') t.playout?.requestKeyframe();
      if (t.kind === 'metadata') t.resync = true;
    }
  }

  /** Offline cameras send nothing; coming back resumes at a keyframe with timestamps continuing. */
  setOnline(online: boolean): void {
    if (online === this.#online) return;
    this.#online = online;
    if (!this.#sink) return;
    if (!online) {
      this.#o.timers.clearTimeout(this.#timer);
      this.#timer = undefined;
      return;
    }
    this.requestKeyframe();
    // What fell due while offline was never captured: resume with the present.
    this.#skipLate(this.#o.timers.now(), 0);
    this.#schedule();
  }

  #begin(): void {
    const now = this.#o.timers.now();
    this.#startWall = now;
    // Global content clock: frames since the epoch, aligned to the GOP the stream starts with.
    const gop = this.#tracks.find((t) => t.kind === 'video')?.clip.gop ?? CLIP_FPS;
    this.#contentStartFrame = Math.floor(Math.floor((now * CLIP_FPS) / 1000) / gop) * gop;
    const startSec = this.#contentStartFrame / CLIP_FPS;
    for (const t of this.#tracks) {
      switch (t.kind) {
        case 'video':
          t.playout = new VideoPlayout({
            startWall: now, clipFps: CLIP_FPS, gop: t.clip.gop, contentStartFrame: this.#contentStartFrame,
            frameRateLimit: this.#o.selection.video?.frameRateLimit ?? CLIP_FPS,
          });
          break;
        case 'pcmu':
          t.playout = new ChunkPlayout(now, (PCMU_FRAME_SAMPLES * 1000) / PCMU_RATE);
          t.startSample = Math.round(startSec * PCMU_RATE);
          break;
        case 'aac':
          t.playout = new ChunkPlayout(now, (1024 * 1000) / t.clip.sampleRate);
          t.startFrame = Math.round((startSec * t.clip.sampleRate) / 1024);
          break;
        case 'metadata':
          t.playout = new ChunkPlayout(now, this.#o.selection.metadata?.analytics ? METADATA_PERIOD_MS : METADATA_IDLE_PERIOD_MS);
          t.lastMotion = undefined;
          break;
      }
    }
    if (this.#online) this.#tick();
  }

  #nextDue(): { track: Track; due: number } | undefined {
    let best: { track: Track; due: number } | undefined;
    for (const t of this.#tracks) {
      const due = t.playout!.nextDue;
      // Ties go to the earlier track (video first), so metadata sees the frame of its instant.
      if (!best || due < best.due) best = { track: t, due };
    }
    return best;
  }

  #skipLate(now: number, tolerance = MAX_LATE_MS): void {
    for (const t of this.#tracks) {
      while (t.playout!.nextDue < now - tolerance) t.playout!.skip();
    }
  }

  #tick(): void {
    this.#timer = undefined;
    if (!this.#sink || !this.#online) return;
    const now = this.#o.timers.now();
    this.#skipLate(now);
    for (;;) {
      const next = this.#nextDue();
      if (!next || next.due > now) break;
      const frame = this.#emit(next.track);
      // The sink may stop us (last reader left) while handling a frame.
      if (!this.#sink) return;
      if (frame) this.#sink(frame);
      if (!this.#sink) return;
    }
    this.#schedule();
  }

  #schedule(): void {
    const next = this.#nextDue();
    if (!next || !this.#sink) return;
    this.#o.timers.clearTimeout(this.#timer);
    this.#timer = this.#o.timers.setTimeout(() => this.#tick(), Math.max(0, next.due - this.#o.timers.now()));
  }

  #emit(t: Track): MediaFrame | undefined {
    switch (t.kind) {
      case 'video': {
        const e = t.playout!.next();
        const f = t.clip.frames[e.frame % t.clip.frames.length]!;
        return { track: t.index, wallclockMs: e.wallMs, timestamp: Math.round(e.elapsedMs * 90), keyframe: f.keyframe, data: f.nals };
      }
      case 'pcmu': {
        const e = t.playout!.next();
        const data = pcmuFrame(t.loop, t.startSample + e.index * PCMU_FRAME_SAMPLES);
        return { track: t.index, wallclockMs: e.wallMs, timestamp: e.index * PCMU_FRAME_SAMPLES, keyframe: true, data: [data] };
      }
      case 'aac': {
        const e = t.playout!.next();
        const data = t.clip.frames[(t.startFrame + e.index) % t.clip.frames.length]!;
        return { track: t.index, wallclockMs: e.wallMs, timestamp: e.index * 1024, keyframe: true, data: [data] };
      }
      case 'metadata':
        return this.#metadata(t);
    }
  }

  /** Content time (s since the epoch) of what the video shows now, or of the wall clock without video. */
  #contentSeconds(wallMs: number): number {
    const video = this.#tracks.find((t) => t.kind === 'video');
    if (video?.playout && video.playout.lastFrame >= 0) return video.playout.lastFrame / CLIP_FPS;
    return this.#contentStartFrame / CLIP_FPS + (wallMs - this.#startWall) / 1000;
  }

  #metadata(t: Extract<Track, { kind: 'metadata' }>): MediaFrame {
    const e = t.playout!.next();
    const md = this.#o.selection.metadata!;
    const sel = this.#o.selection;
    const content = this.#contentSeconds(e.wallMs);
    let motion: MotionNotice | undefined;
    if (streamsMotion(md)) {
      const state = motionAt(this.#o.scene, content);
      if (state !== t.lastMotion || t.resync) {
        motion = { state, operation: t.lastMotion === undefined || t.resync ? 'Initialized' : 'Changed', videoSourceToken: sel.videoSourceToken, utcMs: e.wallMs };
      }
      t.lastMotion = state;
    }
    t.resync = false;
    const xml = metadataDocument({
      utcMs: e.wallMs,
      source: sel.videoSourceConfigurationToken,
      objects: md.analytics ? objectsAt(this.#o.scene, content) : undefined,
      motion,
      geo: md.geoLocation ? this.#o.location : undefined,
      ptz: this.#o.ptz && md.ptzStatus ? { utcMs: e.wallMs } : undefined,
    });
    return { track: t.index, wallclockMs: e.wallMs, timestamp: Math.round((e.wallMs - this.#startWall) * 90), keyframe: true, data: [Buffer.from(xml, 'utf8')] };
  }
}

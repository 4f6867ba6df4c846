/**
 * The committed clips in assets/sim/ and their manifest. The manifest (written by
 * scripts/make-sim-assets.sh through `writeManifest`) is all that configuration options need, so
 * answering GetVideoEncoderConfigurationOptions reads one small file once; clip bytes are read
 * only when a camera first streams that clip, and are shared by every camera showing the scene.
 */
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAacClip, parseVideoClip, profileName, type AacClip, type VideoClip, type VideoCodec } from './clip.js';
import { CLIP_FPS, SCENES } from './scenes.js';

export const DEFAULT_ASSET_DIR = fileURLToPath(new URL('../../../assets/sim/', import.meta.url));
export const MANIFEST_FILE = 'manifest.json';

export interface VideoClipInfo {
  scene: number;
  codec: VideoCodec;
  width: number;
  height: number;
  file: string;
  fps: number;
  frames: number;
  gop: number;
  bytes: number;
  /** Average bitrate of the whole clip at full frame rate. */
  kbps: number;
  /** Bitrate of the keyframes alone: what the stream needs at one frame per GOP. */
  keyframeKbps: number;
  profile: string;
  level: number;
}

export interface AudioClipInfo {
  scene: number;
  codec: 'AAC';
  file: string;
  sampleRate: number;
  channels: number;
  frames: number;
  kbps: number;
}

export interface Manifest {
  version: 1;
  loopSeconds: number;
  video: VideoClipInfo[];
  audio: AudioClipInfo[];
}

export function videoFileName(scene: number, codec: VideoCodec, width: number, height: number): string {
  return `cam${scene}_${codec.toLowerCase()}_${width}x${height}.${codec === 'H264' ? 'h264' : 'h265'}`;
}

export function aacFileName(scene: number): string {
  return `cam${scene}_aac.adts`;
}

/** Builds the manifest from the clips in `dir` (used by the asset script). */
export function buildManifest(dir: string): Manifest {
  const video: VideoClipInfo[] = [];
  const audio: AudioClipInfo[] = [];
  const loopSeconds = SCENES[0]!.loopSeconds;
  for (const file of readdirSync(dir).sort()) {
    const m = /^cam(\d+)_(h264|h265)_(\d+)x(\d+)\.h26[45]$/.exec(file);
    if (m) {
      const codec: VideoCodec = m[2] === 'h264' ? 'H264' : 'H265';
      const clip = parseVideoClip(codec, readFileSync(join(dir, file)));
      const seconds = clip.frames.length / CLIP_FPS;
      const bytes = clip.frames.reduce((s, f) => s + f.bytes, 0);
      const keyBytes = clip.frames.filter((f) => f.keyframe).reduce((s, f) => s + f.bytes, 0);
      video.push({
        scene: Number(m[1]), codec, width: clip.width, height: clip.height, file, fps: CLIP_FPS, frames: clip.frames.length, gop: clip.gop,
        bytes, kbps: Math.ceil((bytes * 8) / seconds / 1000), keyframeKbps: Math.ceil((keyBytes * 8) / seconds / 1000),
        profile: profileName(clip), level: clip.levelIdc,
      });
      continue;
    }
    const a = /^cam(\d+)_aac\.adts$/.exec(file);
    if (a) {
      const bytes = readFileSync(join(dir, file));
      const clip = parseAacClip(bytes);
      const seconds = (clip.frames.length * 1024) / clip.sampleRate;
      const payload = clip.frames.reduce((s, f) => s + f.length, 0);
      audio.push({
        scene: Number(a[1]), codec: 'AAC', file, sampleRate: clip.sampleRate, channels: clip.channels, frames: clip.frames.length,
        kbps: Math.round((payload * 8) / seconds / 1000),
      });
    }
  }
  return { version: 1, loopSeconds, video, audio };
}

export function writeManifest(dir: string): Manifest {
  const manifest = buildManifest(dir);
  writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
  return manifest;
}

/** Lazily loaded, shared clip store for one asset directory. */
export class SimAssets {
  readonly dir: string;
  #manifest: Manifest | undefined;
  readonly #video = new Map<string, VideoClip>();
  readonly #aac = new Map<number, AacClip>();

  constructor(dir: string = DEFAULT_ASSET_DIR) {
    this.dir = dir;
  }

  get manifest(): Manifest {
    if (!this.#manifest) {
      const m = JSON.parse(readFileSync(join(this.dir, MANIFEST_FILE), 'utf8')) as Manifest;
      if (m.version !== 1 || !Array.isArray(m.video) || !Array.isArray(m.audio)) throw new Error(`${this.dir}/${MANIFEST_FILE}: unsupported manifest`);
      this.#manifest = m;
    }
    return this.#manifest;
  }

  /** How many clips have been read (diagnostics: idle cameras read none). */
  get loadedClips(): number {
    return this.#video.size + this.#aac.size;
  }

  videoInfos(scene: number): VideoClipInfo[] {
    return this.manifest.video.filter((v) => v.scene === scene);
  }

  audioInfo(scene: number): AudioClipInfo | undefined {
    return this.manifest.audio.find((a) => a.scene === scene);
  }

  /** The clip that best matches: the codec at exactly this size (options only offer those). */
  videoInfo(scene: number, codec: VideoCodec, width: number, height: number): VideoClipInfo | undefined {
    return this.videoInfos(scene).find((v) => v.codec === codec && v.width === width && v.height === height);
  }

  video(info: VideoClipInfo): VideoClip {
    let clip = this.#video.get(info.file);
    if (!clip) {
      clip = parseVideoClip(info.codec, readFileSync(join(this.dir, info.file)));
      this.#video.set(info.file, clip);
    }
    return clip;
  }

  aac(scene: number): AacClip | undefined {
    let clip = this.#aac.get(scene);
    if (!clip) {
      const info = this.audioInfo(scene);
      if (!info) return undefined;
      clip = parseAacClip(readFileSync(join(this.dir, info.file)));
      this.#aac.set(scene, clip);
    }
    return clip;
  }
}

let shared: SimAssets | undefined;
/** The process-wide store for the default directory (clips are immutable, so sharing is safe). */
export function defaultAssets(): SimAssets {
  shared ??= new SimAssets();
  return shared;
}

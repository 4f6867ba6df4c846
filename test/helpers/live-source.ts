/**
 * Live sources for tests, standing in for the simulated cameras:
 *
 * - FixtureLiveSource plays a small H.264 Annex B fixture (looped, real-time pace), with a PCMU
 *   or AAC track and an ONVIF metadata track, stamping capture time exactly like a camera would
 *   (wallclock = start + media time), so RTCP sender reports can be checked against it.
 * - SyntheticLiveSource produces fake H.264-shaped access units at a high bit rate (no decoder
 *   involved) to load the fan-out: slow-reader and memory tests.
 * - StaticDirectory maps profile tokens to sources.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adtsToAsc, parseAdts, serializeAsc } from '../../src/protocol/codec/aac.js';
import { splitAnnexB } from '../../src/protocol/codec/annexb.js';
import { AccessUnitAssembler, parseSps } from '../../src/protocol/codec/h264.js';
import type { FrameSink, LiveSource, LiveSourceDirectory, MediaFrame, TrackInfo } from '../../src/media/live.js';

const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;
export const fixturePath = (name: string): string => join(FIXTURES, name);

export interface H264Clip {
  units: { nals: Uint8Array[]; keyframe: boolean }[];
  sps: Uint8Array;
  pps: Uint8Array;
  width: number;
  height: number;
}

/** Access units of an Annex B file (the first one must be an IDR with SPS/PPS). */
export function loadH264(file: string): H264Clip {
  const assembler = new AccessUnitAssembler();
  const units: H264Clip['units'] = [];
  for (const nal of splitAnnexB(readFileSync(file))) units.push(...assembler.push(nal));
  units.push(...assembler.flush());
  const all = units.flatMap((u) => u.nals);
  const sps = all.find((n) => (n[0]! & 0x1f) === 7);
  const pps = all.find((n) => (n[0]! & 0x1f) === 8);
  if (!sps || !pps || !units[0]?.keyframe) throw new Error(`${file}: no SPS/PPS or does not start with an IDR`);
  const info = parseSps(sps);
  return { units, sps, pps, width: info.width, height: info.height };
}

export interface FixtureSourceOptions {
  id?: string;
  /** Annex B file under test/fixtures (default rtp/h264_320x240_10fps.h264). */
  videoFile?: string;
  fps?: number;
  audio?: 'PCMU' | 'AAC' | 'none';
  metadata?: boolean;
  metadataIntervalMs?: number;
  tickMs?: number;
}

export class FixtureLiveSource implements LiveSource {
  readonly id: string;
  readonly tracks: TrackInfo[];
  readonly clip: H264Clip;
  readonly metadataDocument: Buffer;
  starts = 0;
  stops = 0;
  keyframeRequests = 0;
  readonly #fps: number;
  readonly #audio: 'PCMU' | 'AAC' | 'none';
  readonly #metadataIntervalMs: number;
  readonly #tickMs: number;
  readonly #pcmu: Buffer;
  readonly #aacFrames: Uint8Array[];
  readonly #aacRate: number;
  #timer: NodeJS.Timeout | undefined;
  #sink: FrameSink | undefined;
  #t0 = 0;
  #videoCount = 0;
  #videoIndex = 0;
  #audioSamples = 0;
  #audioIndex = 0;
  #metadataCount = 0;
  #jumpToKeyframe = false;

  constructor(opts: FixtureSourceOptions = {}) {
    this.id = opts.id ?? 'fixture-source';
    this.#fps = opts.fps ?? 10;
    this.#audio = opts.audio ?? 'PCMU';
    this.#metadataIntervalMs = opts.metadataIntervalMs ?? 1000;
    this.#tickMs = opts.tickMs ?? 10;
    this.clip = loadH264(fixturePath(opts.videoFile ?? 'rtp/h264_320x240_10fps.h264'));
    this.metadataDocument = readFileSync(fixturePath('rtp/metadata_stream.xml'));
    this.#pcmu = readFileSync(fixturePath('rtp/pcmu_8000.raw'));
    const adts = parseAdts(readFileSync(fixturePath('rtp/aac_48000_stereo.adts')));
    this.#aacFrames = adts.frames.map((f) => f.payload);
    const asc = adtsToAsc(adts.frames[0]!.header);
    this.#aacRate = asc.samplingFrequency;
    this.tracks = [{ kind: 'video', codec: 'H264', clockRate: 90000, width: this.clip.width, height: this.clip.height, h264: { sps: this.clip.sps, pps: this.clip.pps } }];
    if (this.#audio === 'PCMU') this.tracks.push({ kind: 'audio', codec: 'PCMU', clockRate: 8000, channels: 1 });
    if (this.#audio === 'AAC') this.tracks.push({ kind: 'audio', codec: 'AAC', clockRate: this.#aacRate, channels: asc.channelConfiguration, aacConfig: serializeAsc(asc) });
    if (opts.metadata !== false) this.tracks.push({ kind: 'metadata', codec: 'ONVIF-METADATA', clockRate: 90000 });
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }

  start(sink: FrameSink): void {
    if (this.#timer) throw new Error('source already started');
    this.starts++;
    this.#sink = sink;
    this.#t0 = Date.now();
    this.#videoCount = this.#videoIndex = this.#audioSamples = this.#audioIndex = this.#metadataCount = 0;
    this.#timer = setInterval(() => this.#tick(), this.#tickMs);
    this.#tick();
  }

  stop(): void {
    this.stops++;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#sink = undefined;
  }

  requestKeyframe(): void {
    this.keyframeRequests++;
    this.#jumpToKeyframe = true;
  }

  #emit(frame: MediaFrame): void {
    this.#sink?.(frame);
  }

  #tick(): void {
    const elapsed = Date.now() - this.#t0;
    const units = this.clip.units;
    while (this.#sink && (this.#videoCount * 1000) / this.#fps <= elapsed) {
      if (this.#jumpToKeyframe) {
        this.#jumpToKeyframe = false;
        while (!units[this.#videoIndex % units.length]!.keyframe) this.#videoIndex++;
      }
      const unit = units[this.#videoIndex % units.length]!;
      const mediaMs = (this.#videoCount * 1000) / this.#fps;
      this.#emit({ track: 0, wallclockMs: this.#t0 + mediaMs, timestamp: Math.round((this.#videoCount * 90000) / this.#fps), keyframe: unit.keyframe, data: unit.nals });
      this.#videoCount++;
      this.#videoIndex++;
    }
    const audioTrack = 1;
    if (this.#audio === 'PCMU') {
      while (this.#sink && (this.#audioSamples / 8000) * 1000 <= elapsed) {
        const at = (this.#audioIndex * 160) % (this.#pcmu.length - (this.#pcmu.length % 160));
        const chunk = this.#pcmu.subarray(at, at + 160);
        this.#emit({ track: audioTrack, wallclockMs: this.#t0 + this.#audioSamples / 8, timestamp: this.#audioSamples, keyframe: true, data: [chunk] });
        this.#audioSamples += 160;
        this.#audioIndex++;
      }
    } else if (this.#audio === 'AAC') {
      while (this.#sink && (this.#audioSamples / this.#aacRate) * 1000 <= elapsed) {
        const frame = this.#aacFrames[this.#audioIndex % this.#aacFrames.length]!;
        this.#emit({ track: audioTrack, wallclockMs: this.#t0 + (this.#audioSamples * 1000) / this.#aacRate, timestamp: this.#audioSamples, keyframe: true, data: [frame] });
        this.#audioSamples += 1024;
        this.#audioIndex++;
      }
    }
    const metadataTrack = this.tracks.findIndex((t) => t.kind === 'metadata');
    while (this.#sink && metadataTrack >= 0 && this.#metadataCount * this.#metadataIntervalMs <= elapsed) {
      const mediaMs = this.#metadataCount * this.#metadataIntervalMs;
      this.#emit({ track: metadataTrack, wallclockMs: this.#t0 + mediaMs, timestamp: mediaMs * 90, keyframe: true, data: [this.metadataDocument] });
      this.#metadataCount++;
    }
  }
}

export interface SyntheticSourceOptions {
  id?: string;
  fps?: number;
  /** Bytes per access unit. */
  frameBytes?: number;
  gop?: number;
}

/** H.264-shaped frames (SPS, PPS, IDR / non-IDR slices of one shared filler buffer) at a high rate. */
export class SyntheticLiveSource implements LiveSource {
  readonly id: string;
  readonly tracks: TrackInfo[];
  framesEmitted = 0;
  keyframeRequests = 0;
  readonly #fps: number;
  readonly #gop: number;
  readonly #idr: Uint8Array;
  readonly #slice: Uint8Array;
  readonly #sps = Uint8Array.of(0x67, 0x42, 0xc0, 0x1e, 0xd9, 0x00, 0xa0, 0x47, 0xfe, 0xc8);
  readonly #pps = Uint8Array.of(0x68, 0xce, 0x38, 0x80);
  #timer: NodeJS.Timeout | undefined;
  #sink: FrameSink | undefined;
  #t0 = 0;

  constructor(opts: SyntheticSourceOptions = {}) {
    this.id = opts.id ?? 'synthetic-source';
    this.#fps = opts.fps ?? 50;
    this.#gop = opts.gop ?? 25;
    const size = opts.frameBytes ?? 60_000;
    const filler = Buffer.alloc(size, 0x5a);
    this.#idr = Buffer.concat([Uint8Array.of(0x65), filler]);
    this.#slice = Buffer.concat([Uint8Array.of(0x41), filler]);
    this.tracks = [{ kind: 'video', codec: 'H264', clockRate: 90000, h264: { sps: this.#sps, pps: this.#pps } }];
  }

  start(sink: FrameSink): void {
    this.#sink = sink;
    this.#t0 = Date.now();
    this.framesEmitted = 0;
    this.#timer = setInterval(() => {
      const elapsed = Date.now() - this.#t0;
      while (this.#sink && (this.framesEmitted * 1000) / this.#fps <= elapsed) {
        const n = this.framesEmitted++;
        const keyframe = n % this.#gop === 0;
        this.#sink({ track: 0, wallclockMs: this.#t0 + (n * 1000) / this.#fps, timestamp: Math.round((n * 90000) / this.#fps), keyframe, data: [keyframe ? this.#idr : this.#slice] });
      }
    }, 5);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#sink = undefined;
  }

  requestKeyframe(): void {
    this.keyframeRequests++;
  }
}

export class StaticDirectory implements LiveSourceDirectory {
  readonly #sources: Map<string, LiveSource>;

  constructor(sources: Record<string, LiveSource>) {
    this.#sources = new Map(Object.entries(sources));
  }

  sourceForProfile(profileToken: string): LiveSource | undefined {
    return this.#sources.get(profileToken);
  }
}

// Test doubles for the hub: a source driven by hand and a writer that records what it is given.
import type { FrameSink, LiveSource, MediaFrame, TrackInfo } from '../../../src/media/live.js';
import type { HubPacket, PacketBatch } from '../../../src/media/hub/packet.js';
import type { PacketWriter } from '../../../src/media/hub/reader.js';

export const SPS = Uint8Array.of(0x67, 0x42, 0xc0, 0x1e, 0xd9, 0x00, 0xa0, 0x47, 0xfe, 0xc8);
export const PPS = Uint8Array.of(0x68, 0xce, 0x38, 0x80);

export class ManualSource implements LiveSource {
  readonly id: string;
  readonly tracks: TrackInfo[];
  starts = 0;
  stops = 0;
  keyframeRequests = 0;
  #sink: FrameSink | undefined;
  #t = 0;

  constructor(tracks?: TrackInfo[], id = 'manual') {
    this.id = id;
    this.tracks = tracks ?? [
      { kind: 'video', codec: 'H264', clockRate: 90000, h264: { sps: SPS, pps: PPS } },
      { kind: 'audio', codec: 'PCMU', clockRate: 8000 },
    ];
  }

  get running(): boolean {
    return this.#sink !== undefined;
  }

  start(sink: FrameSink): void {
    this.starts++;
    this.#sink = sink;
  }

  stop(): void {
    this.stops++;
    this.#sink = undefined;
  }

  requestKeyframe(): void {
    this.keyframeRequests++;
  }

  emit(frame: MediaFrame): void {
    this.#sink?.(frame);
  }

  /** One H.264 access unit of `size` slice bytes (IDR or not), 40 ms after the previous one. */
  video(keyframe: boolean, size = 3000): MediaFrame {
    const slice = new Uint8Array(size + 1).fill(0x11);
    slice[0] = keyframe ? 0x65 : 0x41;
    const frame: MediaFrame = { track: 0, wallclockMs: 1_700_000_000_000 + this.#t * 40, timestamp: this.#t * 3600, keyframe, data: [slice] };
    this.#t++;
    this.emit(frame);
    return frame;
  }

  audio(samples = 160): MediaFrame {
    const frame: MediaFrame = { track: 1, wallclockMs: 1_700_000_000_000 + this.#t * 40, timestamp: this.#t * 320, keyframe: true, data: [new Uint8Array(samples).fill(0xff)] };
    this.emit(frame);
    return frame;
  }
}

export class RecordingWriter implements PacketWriter {
  queuedBytes = 0;
  readonly packets: HubPacket[] = [];
  readonly batches: PacketBatch[] = [];
  readonly rtcp: { track: number; data: Uint8Array }[] = [];
  closedReason: string | undefined;
  onClose: (() => void) | undefined;

  writeRtp(batch: PacketBatch): void {
    this.batches.push(batch);
    this.packets.push(...batch.packets);
  }

  writeRtcp(track: number, data: Uint8Array): void {
    this.rtcp.push({ track, data });
  }

  close(reason: string): void {
    this.closedReason = reason;
    this.onClose?.();
  }

  sequenceNumbers(track: number): number[] {
    return this.packets.filter((p) => p.track === track).map((p) => p.sequenceNumber);
  }
}

/** True when each sequence number follows the previous one (mod 2^16). */
export function contiguous(seqs: number[]): boolean {
  return seqs.every((s, i) => i === 0 || s === ((seqs[i - 1]! + 1) & 0xffff));
}

export function waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const check = (): void => {
      if (cond()) return resolve();
      if (Date.now() - start > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(check, 5);
    };
    check();
  });
}

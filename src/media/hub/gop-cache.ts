/**
 * The packets of one video track since its last keyframe (parameter sets included, see
 * TrackSender), so a viewer that joins mid-GOP can start decoding at once instead of waiting
 * for the next keyframe. Bounded in bytes: a GOP larger than the bound is not cached (new
 * viewers then wait for, and the hub asks for, the next keyframe).
 */
import type { PacketBatch } from './packet.js';

export class GopCache {
  readonly track: number;
  readonly #maxBytes: number;
  #batches: PacketBatch[] = [];
  #bytes = 0;
  #valid = false;
  #keyframeWallclockMs = 0;

  constructor(track: number, maxBytes: number) {
    this.track = track;
    this.#maxBytes = maxBytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Adds one access unit. */
  add(batch: PacketBatch, wallclockMs: number): void {
    if (batch.resumable) {
      this.#batches = [];
      this.#bytes = 0;
      this.#valid = true;
      this.#keyframeWallclockMs = wallclockMs;
    }
    if (!this.#valid) return;
    this.#batches.push(batch);
    this.#bytes += batch.byteLength;
    if (this.#bytes > this.#maxBytes) this.clear();
  }

  /** The cached GOP (starting with a keyframe) and its keyframe's capture time, if any. */
  snapshot(): { batches: readonly PacketBatch[]; keyframeWallclockMs: number } | undefined {
    if (!this.#valid || this.#batches.length === 0) return undefined;
    return { batches: this.#batches.slice(), keyframeWallclockMs: this.#keyframeWallclockMs };
  }

  clear(): void {
    this.#batches = [];
    this.#bytes = 0;
    this.#valid = false;
  }
}

/**
 * The packets of one video track since its last keyframe (parameter sets included, see
 * TrackSender), so a viewer that joins mid-GOP can start decoding at once instead of waiting
 * for the next keyframe. Bounded in bytes: a GOP larger than the bound is not cached (new
 * viewers then wait for, and the hub asks for, the next keyframe).
 */
import type { HubPacket } from './packet.js';

export class GopCache {
  readonly track: number;
  readonly #maxBytes: number;
  #packets: HubPacket[] = [];
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

  /** Adds one access unit's packets. */
  add(packets: readonly HubPacket[], keyframe: boolean, wallclockMs: number): void {
    if (keyframe) {
      this.#packets = [];
      this.#bytes = 0;
      this.#valid = true;
      this.#keyframeWallclockMs = wallclockMs;
    }
    if (!this.#valid) return;
    for (const p of packets) {
      this.#packets.push(p);
      this.#bytes += p.byteLength;
    }
    if (this.#bytes > this.#maxBytes) this.clear();
  }

  /** The cached GOP (starting with a keyframe) and its keyframe's capture time, if any. */
  snapshot(): { packets: readonly HubPacket[]; keyframeWallclockMs: number } | undefined {
    if (!this.#valid || this.#packets.length === 0) return undefined;
    return { packets: this.#packets.slice(), keyframeWallclockMs: this.#keyframeWallclockMs };
  }

  clear(): void {
    this.#packets = [];
    this.#bytes = 0;
    this.#valid = false;
  }
}

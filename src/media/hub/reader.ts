/**
 * One viewer of a hub, whatever carries its packets (RTSP interleaved, UDP, WebSocket,
 * multicast). The hub hands it the shared batch of each access unit; the reader decides, from
 * how many bytes its transport still holds, whether to write them or skip:
 *
 * - The transport's queue is the bounded queue. Over `maxQueuedBytes` the reader falls behind:
 *   the access unit is dropped and every track of the reader waits for its next resumable
 *   access unit (a keyframe for video), written only once the queue has drained to half the limit.
 *   Drops are counted; memory per reader stays within the limit whatever the viewer does.
 * - A reader that stays behind for `stallTimeoutMs` is closed through its writer.
 * - Writing never blocks and never waits for a reader, so one slow viewer cannot delay the
 *   source or the others.
 */
import type { PacketBatch } from './packet.js';

export interface PacketWriter {
  /** Bytes accepted but not yet handed to the operating system. */
  readonly queuedBytes: number;
  /** Writes one access unit's packets, in order. */
  writeRtp(batch: PacketBatch): void;
  writeRtcp(track: number, rtcp: Uint8Array): void;
  /** Optional: hold writes until uncork() (a burst such as a GOP replay goes out as one write). */
  cork?(): void;
  uncork?(): void;
  /** The hub gives up on this reader (it stayed behind beyond the deadline). */
  close(reason: 'stalled'): void;
}

export interface ReaderLimits {
  maxQueuedBytes: number;
  stallTimeoutMs: number;
}

export interface ReaderStats {
  packetsSent: number;
  bytesSent: number;
  /** Packets skipped because the reader was behind. */
  packetsDropped: number;
  /** Times the reader fell behind and had to skip to a resumable point. */
  dropEvents: number;
  /** Largest transport queue seen when a packet was offered. */
  maxQueuedBytes: number;
}

/** Where each requested track starts for this reader (RTSP RTP-Info). */
export interface TrackStart {
  track: number;
  sequenceNumber: number;
  /** RTP timestamp matching `rangeStartMs`, undefined before the track's first frame. */
  rtpTimestamp: number | undefined;
}

export interface ReaderStart {
  /** Wallclock (ms) the first packets correspond to: the cached keyframe's capture time, or now. */
  rangeStartMs: number;
  tracks: TrackStart[];
}

const enum TrackState {
  /** Nothing written yet: waiting for the first resumable packet. */
  Initial,
  Flowing,
  /** Fell behind: skipping to the next resumable packet. */
  Skipping,
}

/** What a reader needs from its hub (kept narrow so readers are testable alone). */
export interface ReaderHost {
  senderReport(track: number, nowMs: number): Uint8Array | undefined;
  detach(reader: HubReader): void;
}

export class HubReader {
  readonly tracks: ReadonlySet<number>;
  readonly writer: PacketWriter;
  readonly stats: ReaderStats = { packetsSent: 0, bytesSent: 0, packetsDropped: 0, dropEvents: 0, maxQueuedBytes: 0 };
  readonly #limits: ReaderLimits;
  readonly #host: ReaderHost;
  readonly #state = new Map<number, TrackState>();
  /** Extra allowance while a cached GOP sent at start drains. */
  #burst = 0;
  #behindSince: number | undefined;
  #closed = false;

  constructor(host: ReaderHost, writer: PacketWriter, tracks: Iterable<number>, limits: ReaderLimits) {
    this.#host = host;
    this.writer = writer;
    this.tracks = new Set(tracks);
    this.#limits = limits;
    for (const t of this.tracks) this.#state.set(t, TrackState.Initial);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** When the reader fell behind (ms), undefined while it keeps up. */
  get behindSince(): number | undefined {
    return this.#behindSince;
  }

  /** Offers one access unit. */
  deliver(batch: PacketBatch, nowMs: number): void {
    if (this.#closed) return;
    const track = batch.track;
    const state = this.#state.get(track);
    if (state === undefined) return;
    const queued = this.writer.queuedBytes;
    if (queued > this.stats.maxQueuedBytes) this.stats.maxQueuedBytes = queued;
    if (this.#burst > 0 && queued <= this.#limits.maxQueuedBytes) this.#burst = 0;
    const limit = this.#limits.maxQueuedBytes + this.#burst;
    if (queued > limit) {
      this.#fallBehind(nowMs);
      this.stats.packetsDropped += batch.packets.length;
      return;
    }
    if (this.#behindSince !== undefined) {
      // Hysteresis: resume only once the backlog has really drained.
      if (queued > limit / 2) {
        this.stats.packetsDropped += batch.packets.length;
        return;
      }
      this.#behindSince = undefined;
    }
    if (state !== TrackState.Flowing) {
      if (!batch.resumable) {
        if (state === TrackState.Skipping) this.stats.packetsDropped += batch.packets.length;
        return;
      }
      this.#state.set(track, TrackState.Flowing);
    }
    this.#write(batch);
    if (state === TrackState.Initial) this.#sendReport(track, nowMs);
  }

  /** Sends an RTCP packet of `track` unless the reader has not started that track or is behind. */
  deliverRtcp(track: number, rtcp: Uint8Array): void {
    if (this.#closed || this.#state.get(track) !== TrackState.Flowing || this.#behindSince !== undefined) return;
    this.writer.writeRtcp(track, rtcp);
  }

  /** Writes a cached GOP at start (one burst); its size is allowed on top of the queue limit until drained. */
  replay(batches: readonly PacketBatch[], nowMs: number): void {
    const first = batches[0];
    if (this.#closed || first === undefined || this.#state.get(first.track) !== TrackState.Initial) return;
    let bytes = 0;
    for (const b of batches) bytes += b.byteLength;
    this.#burst = bytes;
    this.#state.set(first.track, TrackState.Flowing);
    this.writer.cork?.();
    for (const b of batches) this.#write(b);
    this.writer.uncork?.();
    this.#sendReport(first.track, nowMs);
  }

  /** True when the reader has been behind for longer than the stall deadline. */
  isStalled(nowMs: number): boolean {
    return this.#behindSince !== undefined && nowMs - this.#behindSince >= this.#limits.stallTimeoutMs;
  }

  /** Stops delivery (idempotent); the hub forgets the reader. */
  stop(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#host.detach(this);
  }

  #fallBehind(nowMs: number): void {
    if (this.#behindSince === undefined) {
      this.#behindSince = nowMs;
      this.stats.dropEvents++;
    }
    for (const [track, state] of this.#state) if (state === TrackState.Flowing) this.#state.set(track, TrackState.Skipping);
  }

  #write(batch: PacketBatch): void {
    this.writer.writeRtp(batch);
    this.stats.packetsSent += batch.packets.length;
    this.stats.bytesSent += batch.byteLength;
  }

  #sendReport(track: number, nowMs: number): void {
    const report = this.#host.senderReport(track, nowMs);
    if (report) this.writer.writeRtcp(track, report);
  }
}

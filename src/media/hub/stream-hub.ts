/**
 * The media plane of one live source: one source, many readers. Each frame is packetized once
 * per track (TrackSender) and the same batch of packet objects goes to every reader (HubReader
 * applies the per-reader queue bound). The hub also keeps the current GOP of the main video track for late
 * joiners, sends RTCP sender reports (after a reader's first packet of a track, then every few
 * seconds), acts on receiver feedback (PLI → keyframe request) and runs the source only while
 * someone holds it, with a short linger so a reconnecting viewer does not restart the camera.
 */
import type { Logger } from 'pino';
import { isPictureLossIndication, type RtcpPacket } from '../../protocol/rtp/rtcp.js';
import type { LiveSource, MediaFrame } from '../live.js';
import { GopCache } from './gop-cache.js';
import { HubReader, type PacketWriter, type ReaderHost, type ReaderStart } from './reader.js';
import { TrackSender } from './track-sender.js';

export interface HubOptions {
  /** RTCP SDES CNAME of the streams. */
  cname: string;
  /** Wallclock for sender reports: the same clock the sources stamp `wallclockMs` with. */
  now: () => number;
  maxPayloadSize: number;
  /** Per-reader bound on bytes queued in its transport. */
  maxQueuedBytes: number;
  /** A reader behind for this long is disconnected. */
  stallTimeoutMs: number;
  senderReportIntervalMs: number;
  /** How long the source keeps running after the last holder left. */
  lingerMs: number;
  /** Largest GOP kept for late joiners. */
  maxGopBytes: number;
  /** Keyframe requests to the source are spaced at least this far apart. */
  keyframeRequestIntervalMs: number;
  /** Housekeeping period (stall checks, sender reports). */
  tickMs: number;
  log: Pick<Logger, 'warn' | 'debug'> | undefined;
}

export const DEFAULT_HUB_OPTIONS: Readonly<HubOptions> = {
  cname: 'vigil',
  now: Date.now,
  maxPayloadSize: 1400,
  maxQueuedBytes: 512 * 1024,
  stallTimeoutMs: 10_000,
  senderReportIntervalMs: 5_000,
  lingerMs: 3_000,
  maxGopBytes: 8 * 1024 * 1024,
  keyframeRequestIntervalMs: 1_000,
  tickMs: 1_000,
  log: undefined,
};

export interface HubStats {
  framesIn: number;
  /** Frames that could not be packetized (bad timestamp, unsendable JPEG, unknown track). */
  frameErrors: number;
  packetsOut: number;
  readers: number;
  sourceStarts: number;
  keyframeRequests: number;
  stalledReaders: number;
}

export class StreamHub implements ReaderHost {
  /** The profile token this hub serves. */
  readonly key: string;
  readonly source: LiveSource;
  readonly senders: readonly TrackSender[];
  readonly stats: HubStats = { framesIn: 0, frameErrors: 0, packetsOut: 0, readers: 0, sourceStarts: 0, keyframeRequests: 0, stalledReaders: 0 };
  readonly #opts: HubOptions;
  readonly #readers = new Set<HubReader>();
  readonly #gop: GopCache | undefined;
  readonly #onIdle: ((hub: StreamHub) => void) | undefined;
  #holds = 0;
  #running = false;
  #closed = false;
  #linger: NodeJS.Timeout | undefined;
  #tick: NodeJS.Timeout | undefined;
  #nextReportAt = 0;
  #lastKeyframeRequest = -Infinity;

  constructor(key: string, source: LiveSource, opts: Partial<HubOptions> = {}, onIdle?: (hub: StreamHub) => void) {
    this.key = key;
    this.source = source;
    this.#opts = { ...DEFAULT_HUB_OPTIONS, ...opts };
    this.#onIdle = onIdle;
    this.senders = source.tracks.map((info, i) => new TrackSender(i, info, { maxPayloadSize: this.#opts.maxPayloadSize, cname: this.#opts.cname }));
    const video = source.tracks.findIndex((t) => t.kind === 'video' && (t.codec === 'H264' || t.codec === 'H265'));
    this.#gop = video >= 0 ? new GopCache(video, this.#opts.maxGopBytes) : undefined;
  }

  get running(): boolean {
    return this.#running;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Nobody holds the hub (it may still be lingering). */
  get idle(): boolean {
    return this.#holds <= 0;
  }

  get readerCount(): number {
    return this.#readers.size;
  }

  /** Keeps the source running until the returned release function is called (idempotent). */
  hold(): () => void {
    if (this.#closed) return () => undefined;
    this.#holds++;
    this.#startSource();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#release();
    };
  }

  /** A reader for `tracks`; it receives nothing until `start`. */
  createReader(writer: PacketWriter, tracks: Iterable<number>): HubReader {
    const valid = [...tracks].filter((t) => t >= 0 && t < this.senders.length);
    return new HubReader(this, writer, valid, { maxQueuedBytes: this.#opts.maxQueuedBytes, stallTimeoutMs: this.#opts.stallTimeoutMs });
  }

  /**
   * Where `reader` will start if started now: the cached GOP's first packet for the GOP track,
   * the next packet otherwise. Call right before `start` (nothing can happen in between).
   */
  startInfo(reader: HubReader): ReaderStart {
    const gop = this.#gop && reader.tracks.has(this.#gop.track) ? this.#gop.snapshot() : undefined;
    if (!gop) return this.liveStart(reader.tracks);
    const start = this.liveStart(reader.tracks, gop.keyframeWallclockMs);
    const first = gop.batches[0]!.packets[0]!;
    for (const t of start.tracks) {
      if (t.track !== this.#gop!.track) continue;
      t.sequenceNumber = first.sequenceNumber;
      t.rtpTimestamp = first.rtpTimestamp;
    }
    return start;
  }

  /** The next packet of each track and the RTP time of `atMs` (default now): joining a flowing stream. */
  liveStart(tracks: Iterable<number>, atMs = this.#opts.now()): ReaderStart {
    const out: ReaderStart = { rangeStartMs: atMs, tracks: [] };
    for (const track of tracks) {
      const sender = this.senders[track];
      if (!sender) continue;
      out.tracks.push({ track, sequenceNumber: sender.sequencer.nextSequenceNumber, rtpTimestamp: sender.reports.rtpTimestampAt(atMs) });
    }
    return out;
  }

  /** Starts delivery: the cached GOP first (if the reader wants that track), then live packets. */
  start(reader: HubReader): void {
    if (this.#closed || reader.closed || this.#readers.has(reader)) return;
    this.#readers.add(reader);
    this.stats.readers = this.#readers.size;
    this.#holds++;
    this.#startSource();
    const now = this.#opts.now();
    const gop = this.#gop && reader.tracks.has(this.#gop.track) ? this.#gop.snapshot() : undefined;
    if (gop) reader.replay(gop.batches, now);
    else if (this.#gop && reader.tracks.has(this.#gop.track)) this.requestKeyframe();
  }

  /** ReaderHost: a reader stopped. */
  detach(reader: HubReader): void {
    if (!this.#readers.delete(reader)) return;
    this.stats.readers = this.#readers.size;
    this.#release();
  }

  /** ReaderHost: the SR (+ SDES) of a track at `nowMs`. */
  senderReport(track: number, nowMs: number): Uint8Array | undefined {
    return this.senders[track]?.senderReport(nowMs);
  }

  /** RTCP from a viewer of `track`: PLI asks the source for a keyframe; reports need nothing more. */
  onReceiverRtcp(_track: number, packets: readonly RtcpPacket[]): void {
    if (packets.some(isPictureLossIndication)) this.requestKeyframe();
  }

  /** Asks the source for a keyframe, at most once per keyframeRequestIntervalMs. */
  requestKeyframe(): void {
    const now = this.#opts.now();
    if (!this.#running || now - this.#lastKeyframeRequest < this.#opts.keyframeRequestIntervalMs) return;
    this.#lastKeyframeRequest = now;
    this.stats.keyframeRequests++;
    try {
      this.source.requestKeyframe();
    } catch (err) {
      this.#opts.log?.warn({ err, source: this.source.id }, 'keyframe request failed');
    }
  }

  /** Stops the source and forgets every reader (they are not closed: their owners do that). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#readers.clear();
    this.stats.readers = 0;
    this.#stopSource();
  }

  #release(): void {
    this.#holds = Math.max(0, this.#holds - 1);
    if (this.#holds > 0 || this.#closed) return;
    clearTimeout(this.#linger);
    this.#linger = setTimeout(() => {
      this.#linger = undefined;
      if (this.#holds > 0) return;
      this.#stopSource();
      this.#onIdle?.(this);
    }, this.#opts.lingerMs);
    this.#linger.unref();
  }

  #startSource(): void {
    clearTimeout(this.#linger);
    this.#linger = undefined;
    if (this.#running || this.#closed) return;
    this.#running = true;
    this.stats.sourceStarts++;
    this.#nextReportAt = this.#opts.now() + this.#opts.senderReportIntervalMs;
    this.#tick = setInterval(() => this.#housekeeping(), this.#opts.tickMs);
    this.#tick.unref();
    try {
      this.source.start((frame) => this.#onFrame(frame));
    } catch (err) {
      this.#opts.log?.warn({ err, source: this.source.id }, 'live source failed to start');
    }
  }

  #stopSource(): void {
    clearTimeout(this.#linger);
    this.#linger = undefined;
    clearInterval(this.#tick);
    this.#tick = undefined;
    this.#gop?.clear();
    if (!this.#running) return;
    this.#running = false;
    try {
      this.source.stop();
    } catch (err) {
      this.#opts.log?.warn({ err, source: this.source.id }, 'live source failed to stop');
    }
  }

  #onFrame(frame: MediaFrame): void {
    if (!this.#running) return; // a late frame after stop
    this.stats.framesIn++;
    const sender = this.senders[frame.track];
    if (!sender) {
      this.stats.frameErrors++;
      return;
    }
    let batch;
    try {
      batch = sender.packetize(frame);
    } catch (err) {
      this.stats.frameErrors++;
      this.#opts.log?.debug({ err, source: this.source.id, track: frame.track }, 'frame dropped');
      return;
    }
    if (!batch) return;
    this.stats.packetsOut += batch.packets.length;
    if (this.#gop?.track === frame.track) this.#gop.add(batch, frame.wallclockMs);
    const now = this.#opts.now();
    for (const reader of this.#readers) reader.deliver(batch, now);
  }

  #housekeeping(): void {
    const now = this.#opts.now();
    for (const reader of this.#readers) {
      if (!reader.isStalled(now)) continue;
      this.stats.stalledReaders++;
      reader.stop();
      reader.writer.close('stalled');
    }
    if (now < this.#nextReportAt) return;
    this.#nextReportAt = now + this.#opts.senderReportIntervalMs;
    for (const sender of this.senders) {
      const report = sender.senderReport(now);
      if (!report) continue;
      for (const reader of this.#readers) reader.deliverRtcp(sender.index, report);
    }
  }
}

// Reception statistics for one incoming RTP source, producing RTCP report blocks: sequence
// validation and loss accounting per RFC 3550 Appendix A.1/A.3, interarrival jitter per A.8.
import { ntpMiddle32 } from './ntp.js';
import type { RtcpReportBlock } from './rtcp.js';

export interface ReceiverStatsOptions {
  /** SSRC of the media source being reported on. */
  ssrc: number;
  clockRate: number;
  /**
   * Sequential packets needed before a source counts as valid (A.1 MIN_SEQUENTIAL). 1 accepts the
   * first packet, right for a source announced through RTSP; use 2 for unannounced sources.
   */
  minSequential?: number;
}

const SEQ_MOD = 0x10000;
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;

export class ReceiverStats {
  readonly ssrc: number;
  readonly clockRate: number;
  readonly #minSequential: number;
  #maxSeq = 0;
  #cycles = 0;
  #baseSeq = 0;
  #badSeq = SEQ_MOD + 1;
  #probation: number;
  #started = false;
  #received = 0;
  #expectedPrior = 0;
  #receivedPrior = 0;
  #jitter = 0;
  #previous: { arrivalMs: number; rtpTimestamp: number } | undefined;
  #lastSr: { middle32: number; arrivalMs: number } | undefined;

  constructor(options: ReceiverStatsOptions) {
    if (!(options.clockRate > 0)) throw new RangeError(`clock rate ${options.clockRate} must be positive`);
    this.ssrc = options.ssrc;
    this.clockRate = options.clockRate;
    this.#minSequential = Math.max(1, options.minSequential ?? 1);
    this.#probation = this.#minSequential;
  }

  /**
   * Accounts one received packet (arrival on any monotonic millisecond clock). Returns false
   * while the source is on probation or when the packet is a wild jump (A.1), true otherwise.
   */
  onPacket(sequenceNumber: number, rtpTimestamp: number, arrivalMs: number): boolean {
    if (!this.#started) {
      this.#initSequence(sequenceNumber);
      this.#maxSeq = (sequenceNumber - 1 + SEQ_MOD) % SEQ_MOD;
      this.#probation = this.#minSequential;
      this.#started = true;
    }
    if (!this.#updateSequence(sequenceNumber)) return false;
    this.#updateJitter(rtpTimestamp, arrivalMs);
    return true;
  }

  /** Remembers an SR from this source so report blocks carry LSR/DLSR (round-trip time at the sender). */
  onSenderReport(ntpTimestamp: bigint, arrivalMs: number): void {
    this.#lastSr = { middle32: ntpMiddle32(ntpTimestamp), arrivalMs };
  }

  get received(): number {
    return this.#received;
  }

  get extendedHighestSequence(): number {
    return (this.#cycles + this.#maxSeq) % 0x1_0000_0000;
  }

  get cumulativeLost(): number {
    return this.#cycles + this.#maxSeq - this.#baseSeq + 1 - this.#received;
  }

  /** Current jitter estimate in RTP timestamp units (unrounded). */
  get jitter(): number {
    return this.#jitter;
  }

  /**
   * A report block for an RR/SR sent at `nowMs` (same clock as the arrivals), or undefined before
   * the source is valid. Each call starts a new interval for the fraction-lost computation.
   */
  buildReportBlock(nowMs: number): RtcpReportBlock | undefined {
    if (this.#probation > 0) return undefined;
    const expected = this.#cycles + this.#maxSeq - this.#baseSeq + 1;
    const expectedInterval = expected - this.#expectedPrior;
    const receivedInterval = this.#received - this.#receivedPrior;
    this.#expectedPrior = expected;
    this.#receivedPrior = this.#received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost =
      expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    const lost = Math.max(-0x800000, Math.min(0x7fffff, expected - this.#received));
    const delay = this.#lastSr ? Math.max(0, Math.round(((nowMs - this.#lastSr.arrivalMs) * 65536) / 1000)) : 0;
    return {
      ssrc: this.ssrc,
      fractionLost: Math.min(255, fractionLost),
      cumulativeLost: lost,
      extendedHighestSequence: this.extendedHighestSequence,
      jitter: Math.min(0xffffffff, Math.floor(this.#jitter)),
      lastSenderReport: this.#lastSr?.middle32 ?? 0,
      delaySinceLastSenderReport: Math.min(0xffffffff, delay),
    };
  }

  #initSequence(sequenceNumber: number): void {
    this.#baseSeq = sequenceNumber;
    this.#maxSeq = sequenceNumber;
    this.#badSeq = SEQ_MOD + 1;
    this.#cycles = 0;
    this.#received = 0;
    this.#receivedPrior = 0;
    this.#expectedPrior = 0;
  }

  // RFC 3550 A.1 update_seq().
  #updateSequence(seq: number): boolean {
    const delta = (seq - this.#maxSeq + SEQ_MOD) % SEQ_MOD;
    if (this.#probation > 0) {
      if (seq === (this.#maxSeq + 1) % SEQ_MOD) {
        this.#probation--;
        this.#maxSeq = seq;
        if (this.#probation === 0) {
          this.#initSequence(seq);
          this.#received++;
          return true;
        }
      } else {
        this.#probation = this.#minSequential - 1;
        this.#maxSeq = seq;
      }
      return false;
    }
    if (delta < MAX_DROPOUT) {
      if (seq < this.#maxSeq) this.#cycles += SEQ_MOD; // wrapped
      this.#maxSeq = seq;
    } else if (delta <= SEQ_MOD - MAX_MISORDER) {
      // A very large jump: believe it only if the next packet continues from it (source restart).
      if (seq === this.#badSeq) {
        this.#initSequence(seq);
        this.#previous = undefined;
      } else {
        this.#badSeq = (seq + 1) % SEQ_MOD;
        return false;
      }
    }
    // Otherwise a duplicate or reordered packet: counted as received, max unchanged.
    this.#received++;
    return true;
  }

  // RFC 3550 A.8: J += (|D| - J) / 16 with D the change in transit time, in timestamp units.
  #updateJitter(rtpTimestamp: number, arrivalMs: number): void {
    const previous = this.#previous;
    this.#previous = { arrivalMs, rtpTimestamp };
    if (!previous) return;
    const arrivalTicks = ((arrivalMs - previous.arrivalMs) * this.clockRate) / 1000;
    const timestampTicks = (rtpTimestamp - previous.rtpTimestamp) | 0; // signed 32-bit: survives wrap
    const d = Math.abs(arrivalTicks - timestampTicks);
    this.#jitter += (d - this.#jitter) / 16;
  }
}

// Sequence-number continuity for depacketizers. Packets are expected in order (a jitter buffer,
// if any, sits in front); a gap means lost packets, so any unit being reassembled is incomplete.

/** Counters every depacketizer keeps. Depacketizers never throw on bad input: they drop and count. */
export interface DepacketizerStats {
  /** Packets handed to push(). */
  packets: number;
  /** Sequence numbers detected as missing. */
  lostPackets: number;
  /** Duplicates and late (reordered) packets, dropped. */
  stalePackets: number;
  /** Packets whose payload was malformed or used an unsupported mode, dropped. */
  malformedPackets: number;
  /** Partially received or oversized units thrown away. */
  discardedUnits: number;
}

export function newDepacketizerStats(): DepacketizerStats {
  return { packets: 0, lostPackets: 0, stalePackets: 0, malformedPackets: 0, discardedUnits: 0 };
}

export type Continuity = 'first' | 'next' | 'gap' | 'stale';

/** A backward jump larger than this is taken as a sender restart rather than a late packet (RFC 3550 A.1). */
const MAX_MISORDER = 100;

export class SequenceContinuity {
  #expected: number | undefined;
  #ssrc: number | undefined;

  /**
   * Classifies the packet and advances the expectation. 'stale' packets must be dropped;
   * 'gap' means packets were lost (or the source restarted) and partial units must be discarded.
   */
  check(sequenceNumber: number, ssrc: number, stats: DepacketizerStats): Continuity {
    if (this.#expected === undefined || this.#ssrc !== ssrc) {
      const first = this.#expected === undefined;
      this.#ssrc = ssrc;
      this.#expected = (sequenceNumber + 1) & 0xffff;
      return first ? 'first' : 'gap';
    }
    const ahead = (sequenceNumber - this.#expected) & 0xffff;
    if (ahead === 0) {
      this.#expected = (sequenceNumber + 1) & 0xffff;
      return 'next';
    }
    const behind = 0x10000 - ahead;
    if (behind <= MAX_MISORDER) {
      stats.stalePackets++;
      return 'stale';
    }
    if (ahead < 0x8000) stats.lostPackets += ahead;
    this.#expected = (sequenceNumber + 1) & 0xffff;
    return 'gap';
  }

  reset(): void {
    this.#expected = undefined;
    this.#ssrc = undefined;
  }
}

// Shared machinery for the NAL-unit payload formats H.264 (RFC 6184) and H.265 (RFC 7798), which
// differ only in header sizes and the bits of their aggregation/fragmentation headers.
// Packetizing: a NAL larger than the payload limit is fragmented, runs of small NALs are
// aggregated, anything else goes alone. Depacketizing: see NalDepacketizer.
import type { RtpPacket } from './packet.js';
import { concatParts, type RtpPacketParts } from './packet-parts.js';
import { newDepacketizerStats, SequenceContinuity, type DepacketizerStats } from './continuity.js';

export interface NalPacketizerFormat {
  /** 1 for H.264, 2 for H.265. */
  nalHeaderSize: number;
  /** Bytes before the fragment data: FU-A indicator+header (2) or H.265 payload header+FU header (3). */
  fragmentHeaderSize: number;
  /** Writes the aggregation packet's NAL-style header (nalHeaderSize bytes) for these NALs. */
  writeAggregationHeader(nalUnits: readonly Uint8Array[], target: Uint8Array): void;
  /** Writes the fragment header (fragmentHeaderSize bytes) for `nal`. */
  writeFragmentHeader(nal: Uint8Array, start: boolean, end: boolean, target: Uint8Array): void;
}

/**
 * Packetizes one access unit. Every output payload aliases the input NALs except the few header
 * bytes, which for a whole aggregation (or all fragments of one NAL) share one small allocation.
 */
export function packetizeNalUnits(
  nalUnits: readonly Uint8Array[],
  timestamp: number,
  maxPayloadSize: number,
  format: NalPacketizerFormat,
): RtpPacketParts[] {
  const nals = nalUnits.filter((nal) => nal.length >= format.nalHeaderSize);
  const packets: RtpPacketParts[] = [];
  let i = 0;
  while (i < nals.length) {
    const nal = nals[i] as Uint8Array;
    if (nal.length > maxPayloadSize) {
      fragment(nal, timestamp, maxPayloadSize, format, packets);
      i++;
      continue;
    }
    let end = i;
    let size = format.nalHeaderSize;
    while (end < nals.length) {
      const next = nals[end] as Uint8Array;
      if (size + 2 + next.length > maxPayloadSize) break;
      size += 2 + next.length;
      end++;
    }
    if (end - i >= 2) {
      packets.push(aggregate(nals.slice(i, end), timestamp, format));
      i = end;
    } else {
      packets.push({ marker: false, timestamp, payload: [nal] });
      i++;
    }
  }
  const last = packets[packets.length - 1];
  if (last) last.marker = true;
  return packets;
}

function aggregate(nals: readonly Uint8Array[], timestamp: number, format: NalPacketizerFormat): RtpPacketParts {
  // One allocation holds the aggregation header and every 16-bit size field.
  const headerBytes = new Uint8Array(format.nalHeaderSize + 2 * nals.length);
  format.writeAggregationHeader(nals, headerBytes);
  const payload: Uint8Array[] = [headerBytes.subarray(0, format.nalHeaderSize)];
  nals.forEach((nal, index) => {
    const at = format.nalHeaderSize + 2 * index;
    headerBytes[at] = nal.length >> 8;
    headerBytes[at + 1] = nal.length & 0xff;
    payload.push(headerBytes.subarray(at, at + 2), nal);
  });
  return { marker: false, timestamp, payload };
}

function fragment(
  nal: Uint8Array,
  timestamp: number,
  maxPayloadSize: number,
  format: NalPacketizerFormat,
  packets: RtpPacketParts[],
): void {
  const body = nal.subarray(format.nalHeaderSize); // the NAL header travels inside the FU headers
  const chunk = maxPayloadSize - format.fragmentHeaderSize;
  const count = Math.ceil(body.length / chunk);
  const headers = new Uint8Array(count * format.fragmentHeaderSize);
  for (let index = 0; index < count; index++) {
    const header = headers.subarray(index * format.fragmentHeaderSize, (index + 1) * format.fragmentHeaderSize);
    format.writeFragmentHeader(nal, index === 0, index === count - 1, header);
    packets.push({ marker: false, timestamp, payload: [header, body.subarray(index * chunk, (index + 1) * chunk)] });
  }
}

/** What one packet payload carries, as decoded by the codec-specific format. */
export type NalPayload =
  | { kind: 'nals'; nalUnits: Uint8Array[] }
  | { kind: 'fragment'; start: boolean; end: boolean; nalHeader: Uint8Array; data: Uint8Array };

/** Codec-specific payload decoding; returns undefined for malformed or unsupported payloads. */
export type NalPayloadParser = (payload: Uint8Array) => NalPayload | undefined;

/** Parses the "16-bit size, NAL" list of STAP-A / AP starting at `offset`; undefined if malformed. */
export function parseAggregatedNalUnits(payload: Uint8Array, offset: number, minNalSize: number): Uint8Array[] | undefined {
  const nals: Uint8Array[] = [];
  let at = offset;
  while (at < payload.length) {
    if (at + 2 > payload.length) return undefined;
    const size = ((payload[at] as number) << 8) | (payload[at + 1] as number);
    at += 2;
    if (size < minNalSize || at + size > payload.length) return undefined;
    nals.push(payload.subarray(at, at + size));
    at += size;
  }
  return nals.length > 0 ? nals : undefined;
}

export interface NalAccessUnit {
  /** RTP timestamp (as on the wire). */
  timestamp: number;
  /**
   * NAL units without start codes. Whole NALs are views into the pushed packets' buffers (copy them
   * if those buffers get reused); reassembled fragments are fresh buffers.
   */
  nalUnits: Uint8Array[];
  /**
   * True when something was lost since the previous emitted access unit or inside this one
   * (sequence gap, dropped fragment, malformed or oversized data): references may be broken, so a
   * decoder or recorder should wait for the next key frame.
   */
  damaged: boolean;
}

export interface NalDepacketizerOptions {
  /** Bound on a reassembled access unit (and so on any fragmented NAL); larger ones are dropped. Default 8 MiB. */
  maxAccessUnitSize?: number;
}

interface PendingAccessUnit {
  timestamp: number;
  nalUnits: Uint8Array[];
  size: number;
  damaged: boolean;
  overflowed: boolean;
}

/**
 * Reassembles access units: a unit ends at a packet with the marker bit or when the timestamp
 * changes. A fragment whose start was lost is skipped until the next start fragment. push() never
 * throws; bad input is dropped and counted in `stats`.
 */
export class NalDepacketizer {
  readonly stats: DepacketizerStats = newDepacketizerStats();
  readonly #parse: NalPayloadParser;
  readonly #maxAccessUnitSize: number;
  readonly #continuity = new SequenceContinuity();
  #unit: PendingAccessUnit | undefined;
  #fragment: { parts: Uint8Array[]; size: number } | undefined;
  #lossSinceLastUnit = false;

  constructor(parse: NalPayloadParser, options: NalDepacketizerOptions = {}) {
    this.#parse = parse;
    this.#maxAccessUnitSize = options.maxAccessUnitSize ?? 8 * 1024 * 1024;
  }

  push(packet: RtpPacket): NalAccessUnit[] {
    this.stats.packets++;
    const continuity = this.#continuity.check(packet.sequenceNumber, packet.ssrc, this.stats);
    if (continuity === 'stale') return [];
    const out: NalAccessUnit[] = [];
    if (continuity === 'gap') {
      this.#dropFragment();
      this.#markLoss();
      // Lost packets between two timestamps may have been the head of the new unit as well.
      if (this.#unit && this.#unit.timestamp !== packet.timestamp) this.#lossSinceLastUnit = true;
    }
    if (this.#unit && this.#unit.timestamp !== packet.timestamp) this.#emit(out);
    const unit = this.#currentUnit(packet.timestamp);
    const parsed = this.#parse(packet.payload);
    if (!parsed) {
      this.stats.malformedPackets++;
      this.#dropFragment();
      unit.damaged = true;
    } else if (parsed.kind === 'nals') {
      this.#dropFragment();
      for (const nal of parsed.nalUnits) this.#append(nal);
    } else {
      this.#onFragment(parsed);
    }
    if (packet.marker) this.#emit(out);
    return out;
  }

  /** Emits a pending access unit whose end was never signalled (end of stream). */
  flush(): NalAccessUnit[] {
    const out: NalAccessUnit[] = [];
    if (this.#unit) this.#emit(out);
    return out;
  }

  #currentUnit(timestamp: number): PendingAccessUnit {
    if (!this.#unit) {
      this.#unit = { timestamp, nalUnits: [], size: 0, damaged: this.#lossSinceLastUnit, overflowed: false };
      this.#lossSinceLastUnit = false;
    }
    return this.#unit;
  }

  #onFragment(fragment: Extract<NalPayload, { kind: 'fragment' }>): void {
    if (fragment.start) {
      this.#dropFragment();
      this.#fragment = { parts: [fragment.nalHeader], size: fragment.nalHeader.length };
    } else if (!this.#fragment) {
      // Continuation whose start we never saw (lost, or we joined mid-NAL): wait for the next start.
      this.#markLoss();
      return;
    }
    const current = this.#fragment as { parts: Uint8Array[]; size: number };
    current.parts.push(fragment.data);
    current.size += fragment.data.length;
    if (current.size > this.#maxAccessUnitSize) {
      this.#dropFragment();
      return;
    }
    if (fragment.end) {
      this.#fragment = undefined;
      this.#append(concatParts(current.parts, current.size));
    }
  }

  #append(nal: Uint8Array): void {
    const unit = this.#unit as PendingAccessUnit;
    if (unit.overflowed) return;
    unit.size += nal.length;
    if (unit.size > this.#maxAccessUnitSize) {
      unit.overflowed = true;
      unit.nalUnits = [];
      return;
    }
    unit.nalUnits.push(nal);
  }

  #dropFragment(): void {
    if (!this.#fragment) return;
    this.#fragment = undefined;
    this.stats.discardedUnits++;
    this.#markLoss();
  }

  #markLoss(): void {
    if (this.#unit) this.#unit.damaged = true;
    else this.#lossSinceLastUnit = true;
  }

  #emit(out: NalAccessUnit[]): void {
    this.#dropFragment();
    const unit = this.#unit;
    this.#unit = undefined;
    if (!unit) return;
    if (unit.overflowed || unit.nalUnits.length === 0) {
      // Nothing usable: count it and let the next unit carry the loss flag.
      this.stats.discardedUnits++;
      this.#lossSinceLastUnit = true;
      return;
    }
    out.push({ timestamp: unit.timestamp, nalUnits: unit.nalUnits, damaged: unit.damaged });
  }
}

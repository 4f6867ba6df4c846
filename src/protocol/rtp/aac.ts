// AAC over RTP, RFC 3640 mpeg4-generic in AAC-hbr mode (sizelength=13, indexlength=3,
// indexdeltalength=3, no interleaving): an AU-headers section (16-bit length in bits, then one
// 16-bit header per access unit) followed by the concatenated raw AAC frames. Several frames
// share a packet when they fit; a frame that does not fit is fragmented over packets that each
// carry one AU header with the whole frame's size.
import type { RtpPacket } from './packet.js';
import { checkMaxPayloadSize, concatParts, DEFAULT_MAX_PAYLOAD_SIZE, type RtpPacketParts } from './packet-parts.js';
import { newDepacketizerStats, SequenceContinuity, type DepacketizerStats } from './continuity.js';

/** The fmtp parameters this module implements (SDP: mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3). */
export const AAC_HBR_MODE = { mode: 'AAC-hbr', sizeLength: 13, indexLength: 3, indexDeltaLength: 3 } as const;
/** Largest frame an AU header can describe (13-bit size). */
export const AAC_HBR_MAX_FRAME_SIZE = 8191;
const AU_HEADER_SIZE = 2;
const AU_HEADERS_LENGTH_SIZE = 2;

export interface AacPacketizerOptions {
  /** Largest RTP payload (excluding the RTP header) to produce. Default 1400. */
  maxPayloadSize?: number;
  /** Samples per frame, i.e. RTP ticks between consecutive frames. Default 1024 (AAC-LC). */
  samplesPerFrame?: number;
}

export class AacPacketizer {
  readonly maxPayloadSize: number;
  readonly samplesPerFrame: number;

  constructor(options: AacPacketizerOptions = {}) {
    this.maxPayloadSize = checkMaxPayloadSize(options.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD_SIZE, 5);
    this.samplesPerFrame = options.samplesPerFrame ?? 1024;
  }

  /**
   * Consecutive raw AAC frames (no ADTS header; see codec/aac.ts parseAdts), the first sampled at
   * `timestamp` (sample-rate clock). Frame payloads are views of the input; each packet's AU
   * headers are one small allocation. Throws RangeError for a frame larger than 8191 bytes.
   */
  packetize(frames: readonly Uint8Array[], timestamp: number): RtpPacketParts[] {
    const packets: RtpPacketParts[] = [];
    let i = 0;
    while (i < frames.length) {
      const frame = frames[i] as Uint8Array;
      if (frame.length > AAC_HBR_MAX_FRAME_SIZE) throw new RangeError(`AAC frame of ${frame.length} bytes exceeds 8191`);
      const frameTimestamp = timestamp + i * this.samplesPerFrame;
      if (AU_HEADERS_LENGTH_SIZE + AU_HEADER_SIZE + frame.length > this.maxPayloadSize) {
        this.#fragment(frame, frameTimestamp, packets);
        i++;
        continue;
      }
      let end = i;
      let size = AU_HEADERS_LENGTH_SIZE;
      while (end < frames.length) {
        const next = frames[end] as Uint8Array;
        if (next.length > AAC_HBR_MAX_FRAME_SIZE || size + AU_HEADER_SIZE + next.length > this.maxPayloadSize) break;
        size += AU_HEADER_SIZE + next.length;
        end++;
      }
      const group = frames.slice(i, end);
      const headers = new Uint8Array(AU_HEADERS_LENGTH_SIZE + AU_HEADER_SIZE * group.length);
      writeUint16(headers, 0, group.length * AU_HEADER_SIZE * 8);
      group.forEach((f, index) => writeUint16(headers, 2 + index * 2, f.length << 3)); // index / index-delta 0
      // M=1: the payload holds complete access units (RFC 3640 §3.2.1).
      packets.push({ marker: true, timestamp: frameTimestamp, payload: [headers, ...group] });
      i = end;
    }
    return packets;
  }

  #fragment(frame: Uint8Array, timestamp: number, packets: RtpPacketParts[]): void {
    const header = new Uint8Array(AU_HEADERS_LENGTH_SIZE + AU_HEADER_SIZE);
    writeUint16(header, 0, AU_HEADER_SIZE * 8);
    writeUint16(header, 2, frame.length << 3); // every fragment announces the whole AU size
    const chunk = this.maxPayloadSize - header.length;
    for (let offset = 0; offset < frame.length; offset += chunk) {
      const end = Math.min(offset + chunk, frame.length);
      packets.push({ marker: end === frame.length, timestamp, payload: [header, frame.subarray(offset, end)] });
    }
  }
}

function writeUint16(target: Uint8Array, at: number, value: number): void {
  target[at] = (value >> 8) & 0xff;
  target[at + 1] = value & 0xff;
}

export interface AacAccessUnit {
  /** RTP timestamp of this frame (packet timestamp + index × samplesPerFrame, wrapped). */
  timestamp: number;
  /** Raw AAC frame: a view into the packet, or a fresh buffer when it was fragmented. */
  data: Uint8Array;
  /** Packets were lost just before this frame. */
  afterLoss: boolean;
}

export interface AacDepacketizerOptions {
  samplesPerFrame?: number;
}

/**
 * Splits packets into frames and reassembles fragmented frames. Interleaving (non-zero index or
 * index-delta) is not supported. push() never throws: malformed packets are dropped and counted.
 */
export class AacDepacketizer {
  readonly stats: DepacketizerStats = newDepacketizerStats();
  readonly #samplesPerFrame: number;
  readonly #continuity = new SequenceContinuity();
  #fragment: { timestamp: number; size: number; parts: Uint8Array[]; received: number } | undefined;
  #afterLoss = false;
  /** After a loss the next fragment may be a middle one: ignore fragments until one ends (marker). */
  #skipFragmentsUntilMarker = false;

  constructor(options: AacDepacketizerOptions = {}) {
    this.#samplesPerFrame = options.samplesPerFrame ?? 1024;
  }

  push(packet: RtpPacket): AacAccessUnit[] {
    this.stats.packets++;
    const continuity = this.#continuity.check(packet.sequenceNumber, packet.ssrc, this.stats);
    if (continuity === 'stale') return [];
    if (continuity === 'gap') {
      this.#dropFragment();
      this.#afterLoss = true;
      this.#skipFragmentsUntilMarker = true;
    }
    const parsed = parseAuSections(packet.payload);
    if (!parsed) {
      this.stats.malformedPackets++;
      this.#dropFragment();
      this.#afterLoss = true;
      return [];
    }
    const { sizes, data } = parsed;
    const firstSize = sizes[0] as number;
    if (this.#fragment && (this.#fragment.timestamp !== packet.timestamp || sizes.length !== 1)) this.#dropFragment();
    if (sizes.length === 1 && (this.#fragment || firstSize > data.length)) {
      if (!this.#skipFragmentsUntilMarker) return this.#onFragment(packet, firstSize, data);
      if (packet.marker) this.#skipFragmentsUntilMarker = false;
      return [];
    }
    this.#skipFragmentsUntilMarker = false;
    let total = 0;
    for (const size of sizes) total += size;
    if (total > data.length) {
      this.stats.malformedPackets++;
      this.#afterLoss = true;
      return [];
    }
    const out: AacAccessUnit[] = [];
    let offset = 0;
    sizes.forEach((size, index) => {
      out.push({
        timestamp: (packet.timestamp + index * this.#samplesPerFrame) % 0x1_0000_0000,
        data: data.subarray(offset, offset + size),
        afterLoss: this.#takeLossFlag(),
      });
      offset += size;
    });
    return out;
  }

  #onFragment(packet: RtpPacket, size: number, data: Uint8Array): AacAccessUnit[] {
    let fragment = this.#fragment;
    if (!fragment) {
      fragment = { timestamp: packet.timestamp, size, parts: [], received: 0 };
      this.#fragment = fragment;
    } else if (fragment.size !== size) {
      this.stats.malformedPackets++;
      this.#dropFragment();
      return [];
    }
    fragment.parts.push(data);
    fragment.received += data.length;
    if (fragment.received > fragment.size) {
      this.stats.malformedPackets++;
      this.#dropFragment();
      return [];
    }
    if (fragment.received < fragment.size) {
      // The marker ends the frame; bytes still missing mean the sender cut it short.
      if (packet.marker) {
        this.stats.malformedPackets++;
        this.#dropFragment();
      }
      return [];
    }
    this.#fragment = undefined;
    return [{ timestamp: fragment.timestamp, data: concatParts(fragment.parts, fragment.size), afterLoss: this.#takeLossFlag() }];
  }

  #takeLossFlag(): boolean {
    const flag = this.#afterLoss;
    this.#afterLoss = false;
    return flag;
  }

  #dropFragment(): void {
    if (!this.#fragment) return;
    this.#fragment = undefined;
    this.stats.discardedUnits++;
    this.#afterLoss = true;
  }
}

/** AU sizes and the data section of an AAC-hbr payload, or undefined when malformed/unsupported. */
export function parseAuSections(payload: Uint8Array): { sizes: number[]; data: Uint8Array } | undefined {
  if (payload.length < AU_HEADERS_LENGTH_SIZE) return undefined;
  const headersBits = ((payload[0] as number) << 8) | (payload[1] as number);
  if (headersBits === 0 || headersBits % 16 !== 0) return undefined;
  const headersEnd = AU_HEADERS_LENGTH_SIZE + headersBits / 8;
  if (headersEnd > payload.length) return undefined;
  const sizes: number[] = [];
  for (let at = AU_HEADERS_LENGTH_SIZE; at < headersEnd; at += AU_HEADER_SIZE) {
    const header = ((payload[at] as number) << 8) | (payload[at + 1] as number);
    if ((header & 0x07) !== 0) return undefined; // AU-Index / AU-Index-delta: interleaving
    sizes.push(header >> 3);
  }
  return { sizes, data: payload.subarray(headersEnd) };
}

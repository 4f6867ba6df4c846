// G.711 audio over RTP (RFC 3551 §4.5.14): PCMU (static payload type 0) and PCMA (8), 8000 Hz,
// one byte per sample, so the RTP timestamp advances by the byte count.
import type { RtpPacket } from './packet.js';
import type { RtpPacketParts } from './packet-parts.js';
import { newDepacketizerStats, SequenceContinuity, type DepacketizerStats } from './continuity.js';

export const PCMU_PAYLOAD_TYPE = 0;
export const PCMA_PAYLOAD_TYPE = 8;
export const G711_CLOCK_RATE = 8000;
/** 20 ms at 8 kHz, the RFC 3551 default packetization interval. */
export const DEFAULT_SAMPLES_PER_PACKET = 160;

export type G711Encoding = 'PCMU' | 'PCMA';

export function g711PayloadType(encoding: G711Encoding): number {
  return encoding === 'PCMU' ? PCMU_PAYLOAD_TYPE : PCMA_PAYLOAD_TYPE;
}

/** PCMU/PCMA for the static payload types, undefined for anything else. */
export function g711EncodingOf(payloadType: number): G711Encoding | undefined {
  if (payloadType === PCMU_PAYLOAD_TYPE) return 'PCMU';
  if (payloadType === PCMA_PAYLOAD_TYPE) return 'PCMA';
  return undefined;
}

export interface PcmPacketizerOptions {
  /** Samples (= bytes) per packet; default 160 (20 ms). */
  samplesPerPacket?: number;
}

export class PcmPacketizer {
  readonly samplesPerPacket: number;

  constructor(options: PcmPacketizerOptions = {}) {
    const samples = options.samplesPerPacket ?? DEFAULT_SAMPLES_PER_PACKET;
    if (!Number.isInteger(samples) || samples < 1 || samples > 65507) {
      throw new RangeError(`samplesPerPacket ${samples} out of range 1..65507`);
    }
    this.samplesPerPacket = samples;
  }

  /**
   * Splits G.711 codes captured from `timestamp` (8 kHz units) into packets of samplesPerPacket;
   * the last one may be shorter (feed multiples of it for uniform packets). Payloads are views of
   * the input. The marker bit stays clear: there is no silence suppression, so no talkspurts.
   */
  packetize(samples: Uint8Array, timestamp: number): RtpPacketParts[] {
    const packets: RtpPacketParts[] = [];
    for (let offset = 0; offset < samples.length; offset += this.samplesPerPacket) {
      packets.push({
        marker: false,
        timestamp: timestamp + offset,
        payload: [samples.subarray(offset, offset + this.samplesPerPacket)],
      });
    }
    return packets;
  }
}

export interface PcmChunk {
  timestamp: number;
  payloadType: number;
  /** View into the packet buffer. */
  samples: Uint8Array;
  /** Packets were lost just before this chunk: the gap (from timestamps) should be concealed. */
  afterLoss: boolean;
}

/** One chunk per packet. push() never throws; empty payloads are counted as malformed. */
export class PcmDepacketizer {
  readonly stats: DepacketizerStats = newDepacketizerStats();
  readonly #continuity = new SequenceContinuity();

  push(packet: RtpPacket): PcmChunk[] {
    this.stats.packets++;
    const continuity = this.#continuity.check(packet.sequenceNumber, packet.ssrc, this.stats);
    if (continuity === 'stale') return [];
    if (packet.payload.length === 0) {
      this.stats.malformedPackets++;
      return [];
    }
    return [
      {
        timestamp: packet.timestamp,
        payloadType: packet.payloadType,
        samples: packet.payload,
        afterLoss: continuity === 'gap',
      },
    ];
  }
}

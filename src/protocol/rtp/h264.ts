// H.264 over RTP, RFC 6184 packetization-mode=1 (non-interleaved): single NAL unit packets,
// STAP-A aggregation (e.g. SPS+PPS ahead of an IDR slice) and FU-A fragmentation.
import { H264NalType } from '../codec/h264.js';
import type { RtpPacket } from './packet.js';
import { checkMaxPayloadSize, DEFAULT_MAX_PAYLOAD_SIZE, type RtpPacketParts } from './packet-parts.js';
import {
  NalDepacketizer,
  packetizeNalUnits,
  parseAggregatedNalUnits,
  type NalAccessUnit,
  type NalDepacketizerOptions,
  type NalPacketizerFormat,
  type NalPayload,
} from './nal-payload.js';
import type { DepacketizerStats } from './continuity.js';

const H264_STAP_A = H264NalType.StapA;
const H264_FU_A = H264NalType.FuA;

const h264Format: NalPacketizerFormat = {
  nalHeaderSize: 1,
  fragmentHeaderSize: 2,
  writeAggregationHeader(nalUnits, target) {
    // F is the OR of the aggregated F bits, NRI their maximum (RFC 6184 §5.7.1).
    let forbidden = 0;
    let nri = 0;
    for (const nal of nalUnits) {
      const header = nal[0] as number;
      forbidden |= header & 0x80;
      nri = Math.max(nri, header & 0x60);
    }
    target[0] = forbidden | nri | H264_STAP_A;
  },
  writeFragmentHeader(nal, start, end, target) {
    const header = nal[0] as number;
    target[0] = (header & 0xe0) | H264_FU_A; // FU indicator keeps F and NRI
    target[1] = (start ? 0x80 : 0) | (end ? 0x40 : 0) | (header & 0x1f);
  },
};

export interface H264PacketizerOptions {
  /** Largest RTP payload (excluding the RTP header) to produce. Default 1400. */
  maxPayloadSize?: number;
}

export class H264Packetizer {
  readonly maxPayloadSize: number;

  constructor(options: H264PacketizerOptions = {}) {
    this.maxPayloadSize = checkMaxPayloadSize(options.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD_SIZE, 3);
  }

  /**
   * One access unit (NAL units without start codes, e.g. from the codec Annex B splitter) at
   * `timestamp` (90 kHz) → packets, marker set on the last. Empty NAL units are skipped.
   */
  packetize(nalUnits: readonly Uint8Array[], timestamp: number): RtpPacketParts[] {
    return packetizeNalUnits(nalUnits, timestamp, this.maxPayloadSize, h264Format);
  }
}

/** Decodes one RFC 6184 payload (exported for tests and diagnostics). */
export function parseH264Payload(payload: Uint8Array): NalPayload | undefined {
  const header = payload[0];
  if (header === undefined) return undefined;
  const type = header & 0x1f;
  if (type >= 1 && type <= 23) return { kind: 'nals', nalUnits: [payload] };
  if (type === H264_STAP_A) {
    const nalUnits = parseAggregatedNalUnits(payload, 1, 1);
    return nalUnits ? { kind: 'nals', nalUnits } : undefined;
  }
  if (type === H264_FU_A) {
    const fuHeader = payload[1];
    if (fuHeader === undefined) return undefined;
    return {
      kind: 'fragment',
      start: (fuHeader & 0x80) !== 0,
      end: (fuHeader & 0x40) !== 0,
      nalHeader: Uint8Array.of((header & 0xe0) | (fuHeader & 0x1f)),
      data: payload.subarray(2),
    };
  }
  return undefined; // 0, 30, 31 undefined; STAP-B, MTAP, FU-B need packetization-mode=2
}

export type H264AccessUnit = NalAccessUnit;

/** Reassembles access units from packetization-mode 0/1 streams; see NalDepacketizer for the rules. */
export class H264Depacketizer {
  readonly #core: NalDepacketizer;

  constructor(options: NalDepacketizerOptions = {}) {
    this.#core = new NalDepacketizer(parseH264Payload, options);
  }

  get stats(): DepacketizerStats {
    return this.#core.stats;
  }

  /** Never throws; returns the access units this packet completed (usually zero or one). */
  push(packet: RtpPacket): H264AccessUnit[] {
    return this.#core.push(packet);
  }

  flush(): H264AccessUnit[] {
    return this.#core.flush();
  }
}

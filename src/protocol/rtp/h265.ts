// H.265 over RTP, RFC 7798 without DONL (sprop-max-don-diff=0, one RTP session): single NAL unit
// packets, aggregation packets (AP) and fragmentation units (FU). PACI packets are not supported.
import { H265NalType } from '../codec/h265.js';
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

const H265_AP = H265NalType.Ap;
const H265_FU = H265NalType.Fu;

const h265Format: NalPacketizerFormat = {
  nalHeaderSize: 2,
  fragmentHeaderSize: 3,
  writeAggregationHeader(nalUnits, target) {
    // F = OR of F bits, LayerId and TID = the lowest among the NALs (RFC 7798 §4.4.2).
    let forbidden = 0;
    let layerId = 0x3f;
    let tid = 7;
    for (const nal of nalUnits) {
      const b0 = nal[0] as number;
      const b1 = nal[1] as number;
      forbidden |= b0 & 0x80;
      layerId = Math.min(layerId, ((b0 & 0x01) << 5) | (b1 >> 3));
      tid = Math.min(tid, b1 & 0x07);
    }
    target[0] = forbidden | (H265_AP << 1) | (layerId >> 5);
    target[1] = ((layerId & 0x1f) << 3) | tid;
  },
  writeFragmentHeader(nal, start, end, target) {
    const b0 = nal[0] as number;
    target[0] = (b0 & 0x81) | (H265_FU << 1); // payload header keeps F and LayerId's top bit
    target[1] = nal[1] as number; // rest of LayerId and TID
    target[2] = (start ? 0x80 : 0) | (end ? 0x40 : 0) | ((b0 >> 1) & 0x3f);
  },
};

export interface H265PacketizerOptions {
  /** Largest RTP payload (excluding the RTP header) to produce. Default 1400. */
  maxPayloadSize?: number;
}

export class H265Packetizer {
  readonly maxPayloadSize: number;

  constructor(options: H265PacketizerOptions = {}) {
    this.maxPayloadSize = checkMaxPayloadSize(options.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD_SIZE, 4);
  }

  /**
   * One access unit (NAL units without start codes) at `timestamp` (90 kHz) → packets, marker on
   * the last. NAL units shorter than the 2-byte header are skipped.
   */
  packetize(nalUnits: readonly Uint8Array[], timestamp: number): RtpPacketParts[] {
    return packetizeNalUnits(nalUnits, timestamp, this.maxPayloadSize, h265Format);
  }
}

/** Decodes one RFC 7798 payload (exported for tests and diagnostics). */
export function parseH265Payload(payload: Uint8Array): NalPayload | undefined {
  const b0 = payload[0];
  const b1 = payload[1];
  if (b0 === undefined || b1 === undefined) return undefined;
  const type = (b0 >> 1) & 0x3f;
  if (type < H265_AP) return { kind: 'nals', nalUnits: [payload] };
  if (type === H265_AP) {
    const nalUnits = parseAggregatedNalUnits(payload, 2, 2);
    return nalUnits ? { kind: 'nals', nalUnits } : undefined;
  }
  if (type === H265_FU) {
    const fuHeader = payload[2];
    if (fuHeader === undefined) return undefined;
    return {
      kind: 'fragment',
      start: (fuHeader & 0x80) !== 0,
      end: (fuHeader & 0x40) !== 0,
      nalHeader: Uint8Array.of((b0 & 0x81) | ((fuHeader & 0x3f) << 1), b1),
      data: payload.subarray(3),
    };
  }
  return undefined; // PACI and reserved types
}

export type H265AccessUnit = NalAccessUnit;

/** Reassembles access units; see NalDepacketizer for the rules. */
export class H265Depacketizer {
  readonly #core: NalDepacketizer;

  constructor(options: NalDepacketizerOptions = {}) {
    this.#core = new NalDepacketizer(parseH265Payload, options);
  }

  get stats(): DepacketizerStats {
    return this.#core.stats;
  }

  /** Never throws; returns the access units this packet completed (usually zero or one). */
  push(packet: RtpPacket): H265AccessUnit[] {
    return this.#core.push(packet);
  }

  flush(): H265AccessUnit[] {
    return this.#core.flush();
  }
}

/**
 * Everything the hub keeps per track of a live source: the payload format's packetizer, the
 * RTP stream state (random SSRC, sequence and timestamp offset) and the RTCP sender-report
 * state anchored on capture time. A frame is packetized and its headers serialized exactly once,
 * whatever the number of readers.
 */
import { concatParts, type RtpPacketParts } from '../../protocol/rtp/packet-parts.js';
import { rtpHeaderSize, writeRtpHeader, type RtpHeaderFields } from '../../protocol/rtp/packet.js';
import { H264Packetizer } from '../../protocol/rtp/h264.js';
import { H265Packetizer } from '../../protocol/rtp/h265.js';
import { JpegPacketizer, JPEG_PAYLOAD_TYPE } from '../../protocol/rtp/jpeg.js';
import { AacPacketizer } from '../../protocol/rtp/aac.js';
import { PcmPacketizer, PCMA_PAYLOAD_TYPE, PCMU_PAYLOAD_TYPE } from '../../protocol/rtp/pcm.js';
import { MetadataPacketizer } from '../../protocol/rtp/metadata.js';
import { RtpSequencer } from '../../protocol/rtp/sequencer.js';
import { SenderReportState } from '../../protocol/rtp/sender-report.js';
import { cnameSdes, serializeRtcp } from '../../protocol/rtp/rtcp.js';
import type { MediaFrame, TrackInfo } from '../live.js';
import { HubPacket, PacketBatch } from './packet.js';

/** Static payload types where RFC 3551 defines one, else dynamic 96 + track index. */
export function payloadTypeFor(info: TrackInfo, index: number): number {
  switch (info.codec) {
    case 'PCMU':
      return PCMU_PAYLOAD_TYPE;
    case 'PCMA':
      return PCMA_PAYLOAD_TYPE;
    case 'JPEG':
      return JPEG_PAYLOAD_TYPE;
    default:
      return 96 + (index % 32);
  }
}

export interface TrackSenderOptions {
  maxPayloadSize: number;
  cname: string;
}

type Packetize = (frame: MediaFrame, data: readonly Uint8Array[]) => RtpPacketParts[];

export class TrackSender {
  readonly index: number;
  readonly info: TrackInfo;
  readonly payloadType: number;
  readonly sequencer: RtpSequencer;
  readonly reports: SenderReportState;
  readonly #cname: string;
  readonly #packetize: Packetize;
  readonly #parameterSets: ParameterSets | undefined;

  constructor(index: number, info: TrackInfo, opts: TrackSenderOptions) {
    this.index = index;
    this.info = info;
    this.payloadType = payloadTypeFor(info, index);
    this.sequencer = new RtpSequencer({ payloadType: this.payloadType });
    this.reports = new SenderReportState({ ssrc: this.sequencer.ssrc, clockRate: info.clockRate });
    this.#cname = opts.cname;
    this.#packetize = packetizerFor(info, opts.maxPayloadSize);
    this.#parameterSets = ParameterSets.for(info);
  }

  get ssrc(): number {
    return this.sequencer.ssrc;
  }

  /**
   * Packetizes one frame into one batch (undefined when it yields no packet). Keyframes of
   * H.264/H.265 get the latest parameter sets in front when they lack them, so a reader that
   * starts (or resumes) there can decode at once. Throws the packetizer's errors (e.g. a JPEG
   * RFC 2435 cannot carry) and RangeError for bad timestamps.
   */
  packetize(frame: MediaFrame): PacketBatch | undefined {
    const data = this.#parameterSets ? this.#parameterSets.complete(frame) : frame.data;
    const parts = this.#packetize(frame, data);
    const rtpTimestamp = this.sequencer.toRtpTimestamp(frame.timestamp);
    if (parts.length === 0) return undefined;
    this.reports.setAnchor(frame.wallclockMs, rtpTimestamp);
    const packets: HubPacket[] = new Array<HubPacket>(parts.length);
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const fields = this.sequencer.next(part);
      const [head, payload] = marshalHead(fields, part.payload);
      const packet = new HubPacket(this.index, head, payload, fields.sequenceNumber, fields.timestamp);
      this.reports.onPacketSent(packet.byteLength - rtpHeaderSize(fields));
      packets[i] = packet;
    }
    return new PacketBatch(this.index, packets, this.info.kind !== 'video' || frame.keyframe);
  }

  /** SR + SDES CNAME for wallclock `nowMs`, or undefined before the first frame. */
  senderReport(nowMs: number): Buffer | undefined {
    const sr = this.reports.buildSenderReport(nowMs);
    if (!sr) return undefined;
    return serializeRtcp([sr, cnameSdes(this.ssrc, this.#cname)]);
  }
}

/** Payloads up to this size travel whole inside the head buffer. */
const SMALL_PAYLOAD = 256;
/** Leading payload pieces shorter than this (FU-A/FU/AU headers) join the head. */
const SMALL_PIECE = 32;

/**
 * The RTP header plus the small leading pieces of the payload in one buffer, and the remaining
 * (large, shared) pieces. A few bytes are copied once per packet so that every reader writes two
 * pieces per packet (prefixed head, media data) instead of three or more.
 */
function marshalHead(fields: RtpHeaderFields, payload: readonly Uint8Array[]): [Buffer, readonly Uint8Array[]] {
  let total = 0;
  for (const piece of payload) total += piece.length;
  let inline = 0;
  let inlineBytes = 0;
  if (total <= SMALL_PAYLOAD) {
    inline = payload.length;
    inlineBytes = total;
  } else {
    while (inline < payload.length - 1 && payload[inline]!.length < SMALL_PIECE) inlineBytes += payload[inline++]!.length;
  }
  const size = rtpHeaderSize(fields);
  const head = Buffer.allocUnsafe(size + inlineBytes);
  writeRtpHeader(fields, head, 0);
  let at = size;
  for (let i = 0; i < inline; i++) {
    head.set(payload[i]!, at);
    at += payload[i]!.length;
  }
  return [head, inline === 0 ? payload : payload.slice(inline)];
}

function packetizerFor(info: TrackInfo, maxPayloadSize: number): Packetize {
  switch (info.codec) {
    case 'H264': {
      const p = new H264Packetizer({ maxPayloadSize });
      return (frame, data) => p.packetize(data, frame.timestamp);
    }
    case 'H265': {
      const p = new H265Packetizer({ maxPayloadSize });
      return (frame, data) => p.packetize(data, frame.timestamp);
    }
    case 'JPEG': {
      const p = new JpegPacketizer({ maxPayloadSize });
      return (frame, data) => data.flatMap((image) => p.packetize(image, frame.timestamp));
    }
    case 'AAC': {
      const p = new AacPacketizer({ maxPayloadSize });
      return (frame, data) => p.packetize(data, frame.timestamp);
    }
    case 'PCMU':
    case 'PCMA': {
      const p = new PcmPacketizer();
      return (frame, data) => {
        if (data.length === 1) return p.packetize(data[0]!, frame.timestamp);
        const out: RtpPacketParts[] = [];
        let at = frame.timestamp;
        for (const chunk of data) {
          out.push(...p.packetize(chunk, at));
          at += chunk.length; // one byte per sample
        }
        return out;
      };
    }
    case 'ONVIF-METADATA': {
      const p = new MetadataPacketizer({ maxPayloadSize });
      return (frame, data) => p.packetize(data.length === 1 ? data[0]! : concatParts(data), frame.timestamp);
    }
  }
}

/**
 * The latest H.264 SPS/PPS or H.265 VPS/SPS/PPS, from the track description and then from the
 * stream itself (ONVIF: changed parameter sets are sent in-band), and the rule that puts them
 * in front of a keyframe that comes without them.
 */
class ParameterSets {
  readonly #typeOf: (nal: Uint8Array) => number;
  /** NAL type → latest NAL unit, in the order they must precede a keyframe. */
  readonly #latest: Map<number, Uint8Array | undefined>;
  readonly #delimiter: number;

  private constructor(typeOf: (nal: Uint8Array) => number, initial: [number, Uint8Array | undefined][], delimiter: number) {
    this.#typeOf = typeOf;
    this.#latest = new Map(initial);
    this.#delimiter = delimiter;
  }

  static for(info: TrackInfo): ParameterSets | undefined {
    if (info.codec === 'H264') {
      return new ParameterSets((nal) => nal[0]! & 0x1f, [[7, info.h264?.sps], [8, info.h264?.pps]], 9);
    }
    if (info.codec === 'H265') {
      return new ParameterSets((nal) => (nal[0]! >> 1) & 0x3f, [[32, info.h265?.vps], [33, info.h265?.sps], [34, info.h265?.pps]], 35);
    }
    return undefined;
  }

  complete(frame: MediaFrame): readonly Uint8Array[] {
    let missing: Set<number> | undefined;
    for (const nal of frame.data) {
      if (nal.length === 0) continue;
      const type = this.#typeOf(nal);
      if (this.#latest.has(type)) {
        this.#latest.set(type, nal);
        if (frame.keyframe) (missing ??= new Set(this.#latest.keys())).delete(type);
      }
    }
    if (!frame.keyframe) return frame.data;
    missing ??= new Set(this.#latest.keys());
    if (missing.size === 0) return frame.data;
    const insert: Uint8Array[] = [];
    for (const [type, nal] of this.#latest) if (missing.has(type) && nal) insert.push(nal);
    if (insert.length === 0) return frame.data;
    // After a leading access unit delimiter, which must stay first.
    const first = frame.data[0];
    if (first && first.length > 0 && this.#typeOf(first) === this.#delimiter) return [first, ...insert, ...frame.data.slice(1)];
    return [...insert, ...frame.data];
  }
}

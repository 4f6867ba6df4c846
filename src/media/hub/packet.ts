/**
 * One RTP packet as the hub fans it out: the header is serialized once (with the payload's first
 * few bytes, e.g. an FU-A header, so a reader writes two pieces per packet), the rest of the
 * payload is the packetizer's views into the source's frame, and every reader gets these very
 * objects. Transports that frame packets (RTSP interleaved, RFC 2326 §10.12) ask for a
 * `$ channel length` + RTP header prefix, which is built once per channel and cached on the
 * packet, so readers on the same channel share it too.
 */
import { Buffer } from 'node:buffer';
import { INTERLEAVED_HEADER_SIZE, INTERLEAVED_MAGIC } from '../../protocol/rtsp/interleaved.js';

export class HubPacket {
  /** Index of the track in the source's `tracks`. */
  readonly track: number;
  /** Serialized RTP header, possibly followed by the first bytes of the payload (shared by every reader). */
  readonly header: Buffer;
  /** The rest of the payload in wire order (shared, never mutated); empty when all of it is in `header`. */
  readonly payload: readonly Uint8Array[];
  /** Header plus payload bytes. */
  readonly byteLength: number;
  readonly sequenceNumber: number;
  /** 32-bit RTP timestamp on the wire. */
  readonly rtpTimestamp: number;
  /**
   * A reader that skipped packets of this track may resume here: the first packet of an access
   * unit that decodes on its own (an IDR/IRAP for H.264/H.265, any frame otherwise).
   */
  readonly resumable: boolean;
  // Two cached interleaved prefixes: nearly every reader uses channel 2·track (or 0).
  #channelA = -1;
  #prefixA: Buffer | undefined;
  #channelB = -1;
  #prefixB: Buffer | undefined;
  #datagram: readonly Uint8Array[] | undefined;

  constructor(track: number, header: Buffer, payload: readonly Uint8Array[], sequenceNumber: number, rtpTimestamp: number, resumable: boolean) {
    this.track = track;
    this.header = header;
    this.payload = payload;
    let length = header.length;
    for (const part of payload) length += part.length;
    this.byteLength = length;
    this.sequenceNumber = sequenceNumber;
    this.rtpTimestamp = rtpTimestamp;
    this.resumable = resumable;
  }

  /** Header and payload pieces, for a gathered send (UDP); built once, shared by every reader. */
  get datagram(): readonly Uint8Array[] {
    return (this.#datagram ??= [this.header, ...this.payload]);
  }

  /** `$`, channel, 16-bit length, then the RTP header: what precedes the payload on an RTSP connection. */
  interleavedPrefix(channel: number): Buffer {
    if (channel === this.#channelA) return this.#prefixA!;
    if (channel === this.#channelB) return this.#prefixB!;
    const prefix = Buffer.allocUnsafe(INTERLEAVED_HEADER_SIZE + this.header.length);
    prefix[0] = INTERLEAVED_MAGIC;
    prefix[1] = channel;
    prefix.writeUInt16BE(this.byteLength, 2);
    prefix.set(this.header, INTERLEAVED_HEADER_SIZE);
    if (this.#prefixA === undefined) {
      this.#channelA = channel;
      this.#prefixA = prefix;
    } else {
      this.#channelB = channel;
      this.#prefixB = prefix;
    }
    return prefix;
  }
}

/** Frames one RTCP packet for an interleaved channel (RTCP is rare: a fresh buffer is fine). */
export function interleavedRtcp(channel: number, rtcp: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(INTERLEAVED_HEADER_SIZE + rtcp.length);
  out[0] = INTERLEAVED_MAGIC;
  out[1] = channel;
  out.writeUInt16BE(rtcp.length, 2);
  out.set(rtcp, INTERLEAVED_HEADER_SIZE);
  return out;
}

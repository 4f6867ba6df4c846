/**
 * What the hub fans out. Each RTP packet is marshalled once: a head buffer (RTP header plus the
 * payload's first few bytes, e.g. an FU-A header) and the packetizer's views into the source's
 * frame. The packets of one access unit travel together as a PacketBatch; for RTSP interleaved
 * transports (RFC 2326 §10.12) the batch builds its `$ channel length` framed byte stream once
 * per channel number, so every reader on that channel writes the very same buffer: one write per
 * frame per reader and no per-reader copy. UDP readers send each packet's head and payload views
 * with one gathered send.
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
  #datagram: readonly Uint8Array[] | undefined;

  constructor(track: number, header: Buffer, payload: readonly Uint8Array[], sequenceNumber: number, rtpTimestamp: number) {
    this.track = track;
    this.header = header;
    this.payload = payload;
    let length = header.length;
    for (const part of payload) length += part.length;
    this.byteLength = length;
    this.sequenceNumber = sequenceNumber;
    this.rtpTimestamp = rtpTimestamp;
  }

  /** Header and payload pieces, for a gathered send (UDP); built once, shared by every reader. */
  get datagram(): readonly Uint8Array[] {
    return (this.#datagram ??= [this.header, ...this.payload]);
  }
}

/** The packets of one access unit (video frame, audio frame(s), metadata document) of one track. */
export class PacketBatch {
  readonly track: number;
  readonly packets: readonly HubPacket[];
  /** Sum of the packets' byteLength. */
  readonly byteLength: number;
  /**
   * A reader that skipped packets of this track may resume here: an access unit that decodes on
   * its own (an IDR/IRAP for H.264/H.265, any frame of the other formats).
   */
  readonly resumable: boolean;
  // Two cached framings: nearly every reader of a track uses the same channel (2·track or 0).
  #channelA = -1;
  #framedA: Buffer | undefined;
  #channelB = -1;
  #framedB: Buffer | undefined;

  constructor(track: number, packets: readonly HubPacket[], resumable: boolean) {
    this.track = track;
    this.packets = packets;
    this.resumable = resumable;
    let length = 0;
    for (const p of packets) length += p.byteLength;
    this.byteLength = length;
  }

  get firstSequenceNumber(): number {
    return this.packets[0]!.sequenceNumber;
  }

  /** Every packet as an interleaved frame (`$`, channel, 16-bit length, packet) in one buffer. */
  interleaved(channel: number): Buffer {
    if (channel === this.#channelA) return this.#framedA!;
    if (channel === this.#channelB) return this.#framedB!;
    const out = Buffer.allocUnsafe(this.packets.length * INTERLEAVED_HEADER_SIZE + this.byteLength);
    let at = 0;
    for (const p of this.packets) {
      out[at] = INTERLEAVED_MAGIC;
      out[at + 1] = channel;
      out.writeUInt16BE(p.byteLength, at + 2);
      at += INTERLEAVED_HEADER_SIZE;
      out.set(p.header, at);
      at += p.header.length;
      for (const part of p.payload) {
        out.set(part, at);
        at += part.length;
      }
    }
    if (this.#framedA === undefined) {
      this.#channelA = channel;
      this.#framedA = out;
    } else {
      this.#channelB = channel;
      this.#framedB = out;
    }
    return out;
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

// Turns packetizer output into header fields for one outgoing RTP stream: sequence numbers and
// timestamp offset start at unpredictable values (RFC 3550 §5.1, ONVIF Streaming "RTP header value")
// so known-plaintext attacks on SRTP are harder; the SSRC is random too (RFC 3550 §8.1).
import { randomBytes } from 'node:crypto';
import type { RtpHeaderFields } from './packet.js';
import type { RtpPacketParts } from './packet-parts.js';

export interface RtpSequencerOptions {
  payloadType: number;
  /** Defaults to a random 32-bit value. */
  ssrc?: number;
  /** Defaults to a random 16-bit value. */
  initialSequenceNumber?: number;
  /** Added to every media timestamp; defaults to a random 32-bit value. */
  timestampOffset?: number;
}

export function randomUint32(): number {
  return randomBytes(4).readUInt32BE(0);
}

export class RtpSequencer {
  readonly payloadType: number;
  readonly ssrc: number;
  readonly timestampOffset: number;
  #nextSequenceNumber: number;
  #packetsSent = 0;

  constructor(options: RtpSequencerOptions) {
    this.payloadType = checkRange('payloadType', options.payloadType, 0x7f);
    this.ssrc = checkRange('ssrc', options.ssrc ?? randomUint32(), 0xffffffff);
    this.#nextSequenceNumber = checkRange(
      'initialSequenceNumber',
      options.initialSequenceNumber ?? randomBytes(2).readUInt16BE(0),
      0xffff,
    );
    this.timestampOffset = checkRange('timestampOffset', options.timestampOffset ?? randomUint32(), 0xffffffff);
  }

  /** Sequence number the next packet will carry (RTSP RTP-Info "seq"). */
  get nextSequenceNumber(): number {
    return this.#nextSequenceNumber;
  }

  get packetsSent(): number {
    return this.#packetsSent;
  }

  /** Media timestamp → 32-bit wire timestamp (RTSP RTP-Info "rtptime", SR anchors). */
  toRtpTimestamp(mediaTimestamp: number): number {
    if (!Number.isSafeInteger(mediaTimestamp)) throw new RangeError(`media timestamp ${mediaTimestamp} is not an integer`);
    // Modulo first keeps the sum within the exact integer range for any safe-integer input.
    const wrapped = ((mediaTimestamp % 0x1_0000_0000) + 0x1_0000_0000) % 0x1_0000_0000;
    return (wrapped + this.timestampOffset) % 0x1_0000_0000;
  }

  /** Header fields for the next packet; consumes one sequence number (wrapping at 16 bits). */
  next(parts: Pick<RtpPacketParts, 'marker' | 'timestamp'>): RtpHeaderFields {
    const fields: RtpHeaderFields = {
      marker: parts.marker,
      payloadType: this.payloadType,
      sequenceNumber: this.#nextSequenceNumber,
      timestamp: this.toRtpTimestamp(parts.timestamp),
      ssrc: this.ssrc,
    };
    this.#nextSequenceNumber = (this.#nextSequenceNumber + 1) & 0xffff;
    this.#packetsSent++;
    return fields;
  }
}

function checkRange(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${name} ${value} out of range 0..${max}`);
  return value;
}

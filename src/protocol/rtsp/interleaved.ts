// Interleaved binary data on the RTSP connection (RFC 2326 §10.12): '$', a one-byte channel
// and a 16-bit big-endian length precede each RTP/RTCP packet. Only the 4-byte header is built
// here so the sender can write [header, sharedPayload] without copying the packet.
import { Buffer } from 'node:buffer';

export const INTERLEAVED_MAGIC = 0x24; // '$'
export const INTERLEAVED_HEADER_SIZE = 4;
export const MAX_INTERLEAVED_PAYLOAD = 0xffff;

/** Writes the 4-byte frame header into `out` at `offset` (a new Buffer when omitted). */
export function encodeInterleavedHeader(
  channel: number,
  payloadLength: number,
  out: Uint8Array = Buffer.allocUnsafe(INTERLEAVED_HEADER_SIZE),
  offset = 0,
): Uint8Array {
  if (!Number.isInteger(channel) || channel < 0 || channel > 255) {
    throw new RangeError(`interleaved channel ${channel} is not 0..255`);
  }
  if (!Number.isInteger(payloadLength) || payloadLength < 0 || payloadLength > MAX_INTERLEAVED_PAYLOAD) {
    throw new RangeError(`interleaved payload of ${payloadLength} bytes does not fit a 16-bit length`);
  }
  if (offset < 0 || offset + INTERLEAVED_HEADER_SIZE > out.length) {
    throw new RangeError('interleaved header does not fit the output buffer');
  }
  out[offset] = INTERLEAVED_MAGIC;
  out[offset + 1] = channel;
  out[offset + 2] = payloadLength >>> 8;
  out[offset + 3] = payloadLength & 0xff;
  return out;
}

/** Header and payload in one new buffer, for callers that prefer a single write. */
export function encodeInterleavedFrame(channel: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(INTERLEAVED_HEADER_SIZE + payload.length);
  encodeInterleavedHeader(channel, payload.length, out, 0);
  out.set(payload, INTERLEAVED_HEADER_SIZE);
  return out;
}

// RTP fixed header, CSRC list, header extension and padding (RFC 3550 §5.1, §5.3.1).
// Parsing returns views into the input buffer; serialization writes only the header so a
// sender can hand [header, ...sharedPayloadParts] to writev()/dgram.send() without copying.
import { ParseError } from '../codec/errors.js';

export const RTP_VERSION = 2;
export const RTP_FIXED_HEADER_SIZE = 12;

export interface RtpExtension {
  /** "defined by profile" 16-bit field (0xBEDE for RFC 8285 one-byte headers, 0xABAC for ONVIF replay). */
  profile: number;
  /** Extension body, a multiple of 4 bytes on the wire. */
  data: Uint8Array;
}

/** Everything a sender decides about one packet's header. */
export interface RtpHeaderFields {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrc?: readonly number[];
  extension?: RtpExtension;
}

export interface RtpPacket extends RtpHeaderFields {
  version: number;
  /** True when the P bit was set; `paddingLength` trailing bytes were removed from `payload`. */
  padding: boolean;
  paddingLength: number;
  csrc: number[];
  extension?: RtpExtension;
  /** View into the parsed buffer (no copy): valid as long as that buffer is not reused. */
  payload: Uint8Array;
}

/**
 * Parses one RTP packet. Throws ParseError (codes RTP_TRUNCATED, RTP_BAD_VERSION, RTP_BAD_PADDING)
 * when the bytes cannot be an RTP packet; the returned payload and extension data are subarrays.
 */
export function parseRtp(buf: Uint8Array): RtpPacket {
  if (buf.length < RTP_FIXED_HEADER_SIZE) {
    throw new ParseError('RTP_TRUNCATED', 'RTP packet shorter than the 12-byte fixed header', {
      offset: 0,
      needed: RTP_FIXED_HEADER_SIZE - buf.length,
    });
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const b0 = view.getUint8(0);
  const b1 = view.getUint8(1);
  const version = b0 >> 6;
  if (version !== RTP_VERSION) {
    throw new ParseError('RTP_BAD_VERSION', `RTP version ${version}, expected 2`, { offset: 0 });
  }
  const padding = (b0 & 0x20) !== 0;
  const hasExtension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;
  let offset = RTP_FIXED_HEADER_SIZE;
  requireBytes(buf, offset, csrcCount * 4, 'CSRC list');
  const csrc: number[] = [];
  for (let i = 0; i < csrcCount; i++) {
    csrc.push(view.getUint32(offset));
    offset += 4;
  }
  let extension: RtpExtension | undefined;
  if (hasExtension) {
    requireBytes(buf, offset, 4, 'header extension');
    const profile = view.getUint16(offset);
    const dataLength = view.getUint16(offset + 2) * 4;
    offset += 4;
    requireBytes(buf, offset, dataLength, 'header extension body');
    extension = { profile, data: buf.subarray(offset, offset + dataLength) };
    offset += dataLength;
  }
  let end = buf.length;
  let paddingLength = 0;
  if (padding) {
    // The last octet counts itself, so 0 is invalid, and padding may not eat into the header.
    paddingLength = view.getUint8(buf.length - 1);
    if (paddingLength === 0 || paddingLength > buf.length - offset) {
      throw new ParseError('RTP_BAD_PADDING', `RTP padding length ${paddingLength} is invalid`, {
        offset: buf.length - 1,
      });
    }
    end -= paddingLength;
  }
  const packet: RtpPacket = {
    version,
    padding,
    paddingLength,
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequenceNumber: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    csrc,
    payload: buf.subarray(offset, end),
  };
  if (extension) packet.extension = extension;
  return packet;
}

function requireBytes(buf: Uint8Array, offset: number, count: number, what: string): void {
  if (offset + count > buf.length) {
    throw new ParseError('RTP_TRUNCATED', `RTP packet truncated in ${what}`, {
      offset,
      needed: offset + count - buf.length,
    });
  }
}

/** Size in bytes of the header serializeRtpHeader() would produce. */
export function rtpHeaderSize(fields: RtpHeaderFields): number {
  const csrcBytes = (fields.csrc?.length ?? 0) * 4;
  const extensionBytes = fields.extension ? 4 + fields.extension.data.length : 0;
  return RTP_FIXED_HEADER_SIZE + csrcBytes + extensionBytes;
}

/**
 * Writes the header into `target` at `offset` and returns the number of bytes written.
 * `paddingLength` only sets the P bit: the caller appends that many bytes (last one = count).
 * Throws RangeError on out-of-range fields (a programming error, not bad input).
 */
export function writeRtpHeader(fields: RtpHeaderFields, target: Uint8Array, offset = 0, paddingLength = 0): number {
  checkHeaderFields(fields, paddingLength);
  const size = rtpHeaderSize(fields);
  if (offset < 0 || offset + size > target.length) throw new RangeError('RTP header does not fit the target buffer');
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  const csrc = fields.csrc ?? [];
  view.setUint8(
    offset,
    (RTP_VERSION << 6) | (paddingLength > 0 ? 0x20 : 0) | (fields.extension ? 0x10 : 0) | csrc.length,
  );
  view.setUint8(offset + 1, (fields.marker ? 0x80 : 0) | fields.payloadType);
  view.setUint16(offset + 2, fields.sequenceNumber);
  view.setUint32(offset + 4, fields.timestamp);
  view.setUint32(offset + 8, fields.ssrc);
  let at = offset + RTP_FIXED_HEADER_SIZE;
  for (const source of csrc) {
    view.setUint32(at, source);
    at += 4;
  }
  if (fields.extension) {
    view.setUint16(at, fields.extension.profile);
    view.setUint16(at + 2, fields.extension.data.length / 4);
    target.set(fields.extension.data, at + 4);
    at += 4 + fields.extension.data.length;
  }
  return at - offset;
}

/** Allocates and returns just the header; send it followed by the (shared) payload parts. */
export function serializeRtpHeader(fields: RtpHeaderFields): Buffer {
  const header = Buffer.allocUnsafe(rtpHeaderSize(fields));
  writeRtpHeader(fields, header, 0);
  return header;
}

export interface RtpPacketToSerialize extends RtpHeaderFields {
  /** One buffer or a list of parts (as produced by the packetizers). */
  payload: Uint8Array | readonly Uint8Array[];
  paddingLength?: number;
}

/** Convenience: header + payload (+ padding) in one freshly allocated buffer. */
export function serializeRtp(packet: RtpPacketToSerialize): Buffer {
  const parts = packet.payload instanceof Uint8Array ? [packet.payload] : packet.payload;
  const paddingLength = packet.paddingLength ?? 0;
  const headerSize = rtpHeaderSize(packet);
  let payloadSize = 0;
  for (const part of parts) payloadSize += part.length;
  const out = Buffer.alloc(headerSize + payloadSize + paddingLength);
  writeRtpHeader(packet, out, 0, paddingLength);
  let at = headerSize;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  if (paddingLength > 0) out[out.length - 1] = paddingLength;
  return out;
}

function checkHeaderFields(fields: RtpHeaderFields, paddingLength: number): void {
  checkUint('payloadType', fields.payloadType, 0x7f);
  checkUint('sequenceNumber', fields.sequenceNumber, 0xffff);
  checkUint('timestamp', fields.timestamp, 0xffffffff);
  checkUint('ssrc', fields.ssrc, 0xffffffff);
  checkUint('paddingLength', paddingLength, 0xff);
  const csrc = fields.csrc ?? [];
  if (csrc.length > 15) throw new RangeError('at most 15 CSRC identifiers fit an RTP header');
  for (const source of csrc) checkUint('csrc', source, 0xffffffff);
  if (fields.extension) {
    checkUint('extension.profile', fields.extension.profile, 0xffff);
    const length = fields.extension.data.length;
    if (length % 4 !== 0 || length / 4 > 0xffff) {
      throw new RangeError('RTP header extension data must be a multiple of 4 bytes, at most 262140');
    }
  }
}

function checkUint(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`RTP ${name} ${value} out of range 0..${max}`);
  }
}

// Compound RTCP packets (RFC 3550 §6.4-6.7): SR, RR, SDES, BYE, APP, plus the generic
// RTPFB/PSFB feedback layout (RFC 4585 §6.1, e.g. PLI which ONVIF recommends for sync points)
// and an opaque passthrough for any other packet type. Parsed data are views into the input.
import { ParseError } from '../codec/errors.js';

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const RTCP_APP = 204;
export const RTCP_RTPFB = 205;
export const RTCP_PSFB = 206;
/** PSFB format 1: Picture Loss Indication (RFC 4585 §6.3.1). */
export const RTCP_PSFB_PLI = 1;

export const SDES_CNAME = 1;

export interface RtcpReportBlock {
  ssrc: number;
  /** Fraction lost since the previous report, in 1/256 units (0..255). */
  fractionLost: number;
  /** Cumulative packets lost, signed 24-bit (duplicates can make it negative). */
  cumulativeLost: number;
  extendedHighestSequence: number;
  /** Interarrival jitter in RTP timestamp units. */
  jitter: number;
  /** Middle 32 bits of the last SR's NTP timestamp ("LSR"), 0 if none. */
  lastSenderReport: number;
  /** Delay since that SR in 1/65536 s ("DLSR"). */
  delaySinceLastSenderReport: number;
}

export interface RtcpSenderReport {
  type: 'sr';
  ssrc: number;
  ntpTimestamp: bigint;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
  reports: RtcpReportBlock[];
  profileExtension?: Uint8Array;
}

export interface RtcpReceiverReport {
  type: 'rr';
  ssrc: number;
  reports: RtcpReportBlock[];
  profileExtension?: Uint8Array;
}

export interface RtcpSdesItem {
  /** 1 CNAME, 2 NAME, 3 EMAIL, 4 PHONE, 5 LOC, 6 TOOL, 7 NOTE, 8 PRIV. */
  type: number;
  /** UTF-8 text (invalid sequences are replaced when parsing). */
  value: string;
}

export interface RtcpSourceDescription {
  type: 'sdes';
  chunks: { ssrc: number; items: RtcpSdesItem[] }[];
}

export interface RtcpGoodbye {
  type: 'bye';
  ssrcs: number[];
  reason?: string;
}

export interface RtcpApplicationDefined {
  type: 'app';
  subtype: number;
  ssrc: number;
  /** Four characters (ASCII by convention; bytes are read as latin1). */
  name: string;
  data: Uint8Array;
}

export interface RtcpFeedback {
  type: 'feedback';
  packetType: typeof RTCP_RTPFB | typeof RTCP_PSFB;
  format: number;
  senderSsrc: number;
  mediaSsrc: number;
  /** Feedback control information (empty for PLI). */
  fci: Uint8Array;
}

export interface RtcpUnknown {
  type: 'unknown';
  packetType: number;
  /** The 5-bit field after the P bit. */
  count: number;
  body: Uint8Array;
}

export type RtcpPacket =
  | RtcpSenderReport
  | RtcpReceiverReport
  | RtcpSourceDescription
  | RtcpGoodbye
  | RtcpApplicationDefined
  | RtcpFeedback
  | RtcpUnknown;

const HEADER_SIZE = 4;
const REPORT_BLOCK_SIZE = 24;
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

function fail(code: string, message: string, offset: number, needed?: number): never {
  throw new ParseError(code, message, needed === undefined ? { offset } : { offset, needed });
}

/**
 * Parses a compound RTCP packet (or a single one) into its packets. Throws ParseError with codes
 * RTCP_TRUNCATED, RTCP_BAD_VERSION, RTCP_BAD_PADDING, RTCP_BAD_LENGTH, RTCP_BAD_SDES, RTCP_BAD_BYE.
 * Does not insist that the first packet is SR/RR, so reduced-size RTCP (RFC 5506) is accepted.
 */
export function parseRtcp(buf: Uint8Array): RtcpPacket[] {
  if (buf.length === 0) fail('RTCP_TRUNCATED', 'empty RTCP packet', 0, HEADER_SIZE);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const packets: RtcpPacket[] = [];
  let offset = 0;
  while (offset < buf.length) {
    if (buf.length - offset < HEADER_SIZE) {
      fail('RTCP_TRUNCATED', 'RTCP header truncated', offset, HEADER_SIZE - (buf.length - offset));
    }
    const b0 = view.getUint8(offset);
    const version = b0 >> 6;
    if (version !== 2) fail('RTCP_BAD_VERSION', `RTCP version ${version}, expected 2`, offset);
    const packetType = view.getUint8(offset + 1);
    const size = (view.getUint16(offset + 2) + 1) * 4;
    if (offset + size > buf.length) {
      fail('RTCP_TRUNCATED', 'RTCP packet longer than the datagram', offset, offset + size - buf.length);
    }
    let bodyEnd = offset + size;
    if (b0 & 0x20) {
      const paddingLength = view.getUint8(bodyEnd - 1);
      // The count includes itself and keeps 32-bit alignment (RFC 3550 §6.4.1).
      if (paddingLength === 0 || paddingLength % 4 !== 0 || paddingLength > size - HEADER_SIZE) {
        fail('RTCP_BAD_PADDING', `RTCP padding length ${paddingLength} is invalid`, bodyEnd - 1);
      }
      bodyEnd -= paddingLength;
    }
    const body = new DataView(buf.buffer, buf.byteOffset + offset + HEADER_SIZE, bodyEnd - offset - HEADER_SIZE);
    packets.push(parseOne(packetType, b0 & 0x1f, body, buf.subarray(offset + HEADER_SIZE, bodyEnd), offset));
    offset += size;
  }
  return packets;
}

function parseOne(packetType: number, count: number, body: DataView, bytes: Uint8Array, at: number): RtcpPacket {
  const need = (n: number): void => {
    if (body.byteLength < n) fail('RTCP_BAD_LENGTH', `RTCP type ${packetType} body too short`, at, n - body.byteLength);
  };
  switch (packetType) {
    case RTCP_SR: {
      need(24 + count * REPORT_BLOCK_SIZE);
      const reports = parseReportBlocks(body, 24, count);
      const sr: RtcpSenderReport = {
        type: 'sr',
        ssrc: body.getUint32(0),
        ntpTimestamp: body.getBigUint64(4),
        rtpTimestamp: body.getUint32(12),
        packetCount: body.getUint32(16),
        octetCount: body.getUint32(20),
        reports,
      };
      const extensionStart = 24 + count * REPORT_BLOCK_SIZE;
      if (bytes.length > extensionStart) sr.profileExtension = bytes.subarray(extensionStart);
      return sr;
    }
    case RTCP_RR: {
      need(4 + count * REPORT_BLOCK_SIZE);
      const rr: RtcpReceiverReport = { type: 'rr', ssrc: body.getUint32(0), reports: parseReportBlocks(body, 4, count) };
      const extensionStart = 4 + count * REPORT_BLOCK_SIZE;
      if (bytes.length > extensionStart) rr.profileExtension = bytes.subarray(extensionStart);
      return rr;
    }
    case RTCP_SDES:
      return parseSdes(body, bytes, count, at);
    case RTCP_BYE: {
      need(count * 4);
      const ssrcs: number[] = [];
      for (let i = 0; i < count; i++) ssrcs.push(body.getUint32(i * 4));
      const bye: RtcpGoodbye = { type: 'bye', ssrcs };
      const reasonAt = count * 4;
      if (bytes.length > reasonAt) {
        const length = bytes[reasonAt] ?? 0;
        if (reasonAt + 1 + length > bytes.length) fail('RTCP_BAD_BYE', 'BYE reason overruns the packet', at);
        bye.reason = utf8Decoder.decode(bytes.subarray(reasonAt + 1, reasonAt + 1 + length));
      }
      return bye;
    }
    case RTCP_APP: {
      need(8);
      return {
        type: 'app',
        subtype: count,
        ssrc: body.getUint32(0),
        name: String.fromCharCode(...bytes.subarray(4, 8)),
        data: bytes.subarray(8),
      };
    }
    case RTCP_RTPFB:
    case RTCP_PSFB:
      need(8);
      return {
        type: 'feedback',
        packetType,
        format: count,
        senderSsrc: body.getUint32(0),
        mediaSsrc: body.getUint32(4),
        fci: bytes.subarray(8),
      };
    default:
      return { type: 'unknown', packetType, count, body: bytes };
  }
}

function parseReportBlocks(body: DataView, start: number, count: number): RtcpReportBlock[] {
  const reports: RtcpReportBlock[] = [];
  for (let i = 0; i < count; i++) {
    const at = start + i * REPORT_BLOCK_SIZE;
    const lossWord = body.getUint32(at + 4);
    reports.push({
      ssrc: body.getUint32(at),
      fractionLost: lossWord >>> 24,
      cumulativeLost: (lossWord << 8) >> 8, // sign-extend the 24-bit field
      extendedHighestSequence: body.getUint32(at + 8),
      jitter: body.getUint32(at + 12),
      lastSenderReport: body.getUint32(at + 16),
      delaySinceLastSenderReport: body.getUint32(at + 20),
    });
  }
  return reports;
}

function parseSdes(body: DataView, bytes: Uint8Array, count: number, at: number): RtcpSourceDescription {
  const chunks: RtcpSourceDescription['chunks'] = [];
  let offset = 0;
  for (let c = 0; c < count; c++) {
    if (offset + 4 > bytes.length) fail('RTCP_BAD_SDES', 'SDES chunk truncated', at + 4 + offset);
    const ssrc = body.getUint32(offset);
    offset += 4;
    const items: RtcpSdesItem[] = [];
    while (true) {
      const type = bytes[offset];
      if (type === undefined) fail('RTCP_BAD_SDES', 'SDES chunk lacks its END item', at + 4 + offset);
      if (type === 0) break;
      const length = bytes[offset + 1];
      if (length === undefined || offset + 2 + length > bytes.length) {
        fail('RTCP_BAD_SDES', 'SDES item overruns the packet', at + 4 + offset);
      }
      items.push({ type, value: utf8Decoder.decode(bytes.subarray(offset + 2, offset + 2 + length)) });
      offset += 2 + length;
    }
    // The END octet plus null padding up to the next 32-bit boundary ends the chunk.
    offset = (offset + 4) & ~3;
    chunks.push({ ssrc, items });
  }
  return { type: 'sdes', chunks };
}

/** Serializes packets into one compound RTCP buffer. RangeError for values that do not fit. */
export function serializeRtcp(packets: readonly RtcpPacket[]): Buffer {
  const bodies = packets.map(encodeBody);
  let total = 0;
  for (const { body } of bodies) total += HEADER_SIZE + body.length;
  const out = Buffer.alloc(total);
  let offset = 0;
  for (const { packetType, count, body } of bodies) {
    if (!Number.isInteger(count) || count < 0 || count > 31) throw new RangeError(`RTCP count ${count} out of range 0..31`);
    if (body.length % 4 !== 0) throw new RangeError('RTCP packet body must be a multiple of 4 bytes');
    out[offset] = 0x80 | count;
    out[offset + 1] = packetType;
    out.writeUInt16BE(body.length / 4, offset + 2);
    out.set(body, offset + HEADER_SIZE);
    offset += HEADER_SIZE + body.length;
  }
  return out;
}

interface EncodedBody {
  packetType: number;
  count: number;
  body: Uint8Array;
}

function encodeBody(packet: RtcpPacket): EncodedBody {
  switch (packet.type) {
    case 'sr': {
      const extension = packet.profileExtension ?? new Uint8Array(0);
      const body = Buffer.alloc(24 + packet.reports.length * REPORT_BLOCK_SIZE + extension.length);
      body.writeUInt32BE(packet.ssrc, 0);
      body.writeBigUInt64BE(packet.ntpTimestamp, 4);
      body.writeUInt32BE(packet.rtpTimestamp, 12);
      body.writeUInt32BE(packet.packetCount, 16);
      body.writeUInt32BE(packet.octetCount, 20);
      writeReportBlocks(body, 24, packet.reports);
      body.set(extension, 24 + packet.reports.length * REPORT_BLOCK_SIZE);
      return { packetType: RTCP_SR, count: packet.reports.length, body };
    }
    case 'rr': {
      const extension = packet.profileExtension ?? new Uint8Array(0);
      const body = Buffer.alloc(4 + packet.reports.length * REPORT_BLOCK_SIZE + extension.length);
      body.writeUInt32BE(packet.ssrc, 0);
      writeReportBlocks(body, 4, packet.reports);
      body.set(extension, 4 + packet.reports.length * REPORT_BLOCK_SIZE);
      return { packetType: RTCP_RR, count: packet.reports.length, body };
    }
    case 'sdes':
      return { packetType: RTCP_SDES, count: packet.chunks.length, body: encodeSdes(packet) };
    case 'bye': {
      const reason = packet.reason === undefined ? undefined : Buffer.from(packet.reason, 'utf8');
      if (reason && reason.length > 255) throw new RangeError('BYE reason longer than 255 bytes');
      const unpadded = packet.ssrcs.length * 4 + (reason ? 1 + reason.length : 0);
      const body = Buffer.alloc((unpadded + 3) & ~3);
      packet.ssrcs.forEach((ssrc, i) => body.writeUInt32BE(ssrc, i * 4));
      if (reason) {
        body[packet.ssrcs.length * 4] = reason.length;
        body.set(reason, packet.ssrcs.length * 4 + 1);
      }
      return { packetType: RTCP_BYE, count: packet.ssrcs.length, body };
    }
    case 'app': {
      if (packet.name.length !== 4 || [...packet.name].some((c) => c.charCodeAt(0) > 0xff)) {
        throw new RangeError('APP name must be 4 one-byte characters');
      }
      const body = Buffer.alloc(8 + packet.data.length);
      body.writeUInt32BE(packet.ssrc, 0);
      body.write(packet.name, 4, 'latin1');
      body.set(packet.data, 8);
      return { packetType: RTCP_APP, count: packet.subtype, body };
    }
    case 'feedback': {
      const body = Buffer.alloc(8 + packet.fci.length);
      body.writeUInt32BE(packet.senderSsrc, 0);
      body.writeUInt32BE(packet.mediaSsrc, 4);
      body.set(packet.fci, 8);
      return { packetType: packet.packetType, count: packet.format, body };
    }
    case 'unknown':
      return { packetType: packet.packetType, count: packet.count, body: packet.body };
  }
}

function writeReportBlocks(body: Buffer, start: number, reports: readonly RtcpReportBlock[]): void {
  reports.forEach((report, i) => {
    const at = start + i * REPORT_BLOCK_SIZE;
    if (!Number.isInteger(report.fractionLost) || report.fractionLost < 0 || report.fractionLost > 255) {
      throw new RangeError(`fractionLost ${report.fractionLost} out of range 0..255`);
    }
    if (!Number.isInteger(report.cumulativeLost) || report.cumulativeLost < -0x800000 || report.cumulativeLost > 0x7fffff) {
      throw new RangeError(`cumulativeLost ${report.cumulativeLost} does not fit 24 signed bits`);
    }
    body.writeUInt32BE(report.ssrc, at);
    body.writeUInt32BE(((report.fractionLost << 24) | (report.cumulativeLost & 0xffffff)) >>> 0, at + 4);
    body.writeUInt32BE(report.extendedHighestSequence, at + 8);
    body.writeUInt32BE(report.jitter, at + 12);
    body.writeUInt32BE(report.lastSenderReport, at + 16);
    body.writeUInt32BE(report.delaySinceLastSenderReport, at + 20);
  });
}

function encodeSdes(packet: RtcpSourceDescription): Buffer {
  const encoded = packet.chunks.map((chunk) => ({
    ssrc: chunk.ssrc,
    items: chunk.items.map((item) => {
      const value = Buffer.from(item.value, 'utf8');
      if (!Number.isInteger(item.type) || item.type < 1 || item.type > 255) {
        throw new RangeError(`SDES item type ${item.type} out of range 1..255`);
      }
      if (value.length > 255) throw new RangeError('SDES item longer than 255 bytes');
      return { type: item.type, value };
    }),
  }));
  let total = 0;
  for (const chunk of encoded) {
    let itemsLength = 0;
    for (const item of chunk.items) itemsLength += 2 + item.value.length;
    total += 4 + ((itemsLength + 4) & ~3); // at least one END octet, padded to 32 bits
  }
  const body = Buffer.alloc(total);
  let offset = 0;
  for (const chunk of encoded) {
    body.writeUInt32BE(chunk.ssrc, offset);
    offset += 4;
    let itemsLength = 0;
    for (const item of chunk.items) {
      body[offset + itemsLength] = item.type;
      body[offset + itemsLength + 1] = item.value.length;
      body.set(item.value, offset + itemsLength + 2);
      itemsLength += 2 + item.value.length;
    }
    offset += (itemsLength + 4) & ~3;
  }
  return body;
}

/** An SDES packet carrying one CNAME, the item RFC 3550 requires in every compound packet. */
export function cnameSdes(ssrc: number, cname: string): RtcpSourceDescription {
  return { type: 'sdes', chunks: [{ ssrc, items: [{ type: SDES_CNAME, value: cname }] }] };
}

/** True for a Picture Loss Indication (a request for a new key frame / synchronization point). */
export function isPictureLossIndication(packet: RtcpPacket): packet is RtcpFeedback {
  return packet.type === 'feedback' && packet.packetType === RTCP_PSFB && packet.format === RTCP_PSFB_PLI;
}

export { dateFromNtp, msFromNtp, ntpFromDate, ntpFromMs, ntpMiddle32 } from './ntp.js';
export { SenderReportState } from './sender-report.js';
export { ReceiverStats } from './receiver-stats.js';

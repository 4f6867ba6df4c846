/**
 * Format parameters that carry H.264 (RFC 6184 8.1) and H.265 (RFC 7798 7.1) parameter sets in
 * SDP, in both directions: NAL units to `a=fmtp` text for DESCRIBE answers, and `a=fmtp` back
 * to NAL units for a client that needs the decoder configuration before the first keyframe.
 */
import { ParseError } from '../codec/errors.js';
import { H264NalType, nalType as h264NalType, profileLevelId } from '../codec/h264.js';
import { H265NalType, nalType as h265NalType } from '../codec/h265.js';
import { formatFmtpParameters, parseFmtpParameters } from './attributes.js';

function toBase64(nal: Uint8Array): string {
  return Buffer.from(nal.buffer, nal.byteOffset, nal.byteLength).toString('base64');
}

/** Strict base64 (Node's decoder skips invalid characters); padding may be omitted. */
function fromBase64(text: string, what: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    throw new ParseError('INVALID', `${what}: "${text.slice(0, 40)}" is not base64`, { offset: 0 });
  }
  const bytes = Buffer.from(text, 'base64');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function decodeList(value: string | undefined, what: string): Uint8Array[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((item) => fromBase64(item.trim(), what));
}

function asParams(params: string | Map<string, string>): Map<string, string> {
  return typeof params === 'string' ? parseFmtpParameters(params) : params;
}

function list<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? value : [value as T];
}

export interface H264FmtpInput {
  sps: Uint8Array;
  pps: Uint8Array | readonly Uint8Array[];
  /** Default 1 (non-interleaved: single NAL, STAP-A, FU-A). */
  packetizationMode?: 0 | 1 | 2;
}

/** `packetization-mode=1;profile-level-id=64001f;sprop-parameter-sets=<sps>,<pps>`. */
export function h264Fmtp(input: H264FmtpInput): string {
  if (h264NalType(input.sps) !== H264NalType.Sps) throw new RangeError('sps is not an H.264 SPS NAL unit');
  const pps = list(input.pps);
  for (const nal of pps) {
    if (h264NalType(nal) !== H264NalType.Pps) throw new RangeError('pps is not an H.264 PPS NAL unit');
  }
  return formatFmtpParameters({
    'packetization-mode': String(input.packetizationMode ?? 1),
    'profile-level-id': profileLevelId(input.sps),
    'sprop-parameter-sets': [input.sps, ...pps].map(toBase64).join(','),
  });
}

export interface H264FmtpParams {
  /** 0 when absent (RFC 6184 default). */
  packetizationMode: number;
  /** Six hex digits, lowercased, when present. */
  profileLevelId?: string;
  sps: Uint8Array[];
  pps: Uint8Array[];
}

/**
 * Reads H.264 fmtp parameters (the text after the payload type, or getFmtp()'s map). Parameter
 * sets are sorted into SPS/PPS by NAL type; other NAL types there are INVALID.
 */
export function parseH264Fmtp(params: string | Map<string, string>): H264FmtpParams {
  const map = asParams(params);
  const modeText = map.get('packetization-mode');
  const packetizationMode = modeText === undefined || modeText === '' ? 0 : Number(modeText);
  if (!Number.isInteger(packetizationMode) || packetizationMode < 0 || packetizationMode > 2) {
    throw new ParseError('INVALID', `packetization-mode "${modeText}"`, { offset: 0 });
  }
  const result: H264FmtpParams = { packetizationMode, sps: [], pps: [] };
  const level = map.get('profile-level-id');
  if (level !== undefined) {
    if (!/^[0-9a-fA-F]{6}$/.test(level)) throw new ParseError('INVALID', `profile-level-id "${level}"`, { offset: 0 });
    result.profileLevelId = level.toLowerCase();
  }
  for (const nal of decodeList(map.get('sprop-parameter-sets'), 'sprop-parameter-sets')) {
    const type = h264NalType(nal);
    if (type === H264NalType.Sps) result.sps.push(nal);
    else if (type === H264NalType.Pps) result.pps.push(nal);
    else throw new ParseError('INVALID', `NAL type ${type} in sprop-parameter-sets`, { offset: 0 });
  }
  return result;
}

export interface H265FmtpInput {
  vps: Uint8Array | readonly Uint8Array[];
  sps: Uint8Array | readonly Uint8Array[];
  pps: Uint8Array | readonly Uint8Array[];
}

/** `sprop-vps=<vps>;sprop-sps=<sps>;sprop-pps=<pps>` (several sets comma-separated). */
export function h265Fmtp(input: H265FmtpInput): string {
  const encode = (nals: Uint8Array | readonly Uint8Array[], type: number, what: string): string =>
    list(nals)
      .map((nal) => {
        if (h265NalType(nal) !== type) throw new RangeError(`${what} is not an H.265 ${what.toUpperCase()} NAL unit`);
        return toBase64(nal);
      })
      .join(',');
  return formatFmtpParameters({
    'sprop-vps': encode(input.vps, H265NalType.Vps, 'vps'),
    'sprop-sps': encode(input.sps, H265NalType.Sps, 'sps'),
    'sprop-pps': encode(input.pps, H265NalType.Pps, 'pps'),
  });
}

export interface H265FmtpParams {
  vps: Uint8Array[];
  sps: Uint8Array[];
  pps: Uint8Array[];
}

/** Reads sprop-vps/sps/pps; each NAL unit must have the type its parameter names. */
export function parseH265Fmtp(params: string | Map<string, string>): H265FmtpParams {
  const map = asParams(params);
  const decode = (key: string, type: number): Uint8Array[] =>
    decodeList(map.get(key), key).map((nal) => {
      if (nal.length < 2 || h265NalType(nal) !== type) {
        throw new ParseError('INVALID', `${key} holds a NAL unit of type ${h265NalType(nal)}`, { offset: 0 });
      }
      return nal;
    });
  return {
    vps: decode('sprop-vps', H265NalType.Vps),
    sps: decode('sprop-sps', H265NalType.Sps),
    pps: decode('sprop-pps', H265NalType.Pps),
  };
}

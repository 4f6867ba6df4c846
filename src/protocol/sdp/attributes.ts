/**
 * Readers for the SDP attributes an RTSP client or server needs: rtpmap and fmtp (RFC 4566 6),
 * control and range (RFC 2326 C.1), and the direction attributes. Malformed values throw
 * ParseError only when read, so one odd attribute does not make a whole description unusable.
 */
import { ParseError } from '../codec/errors.js';
import type { SdpAttribute } from './sdp.js';

function fail(message: string): never {
  throw new ParseError('INVALID', message, { offset: 0 });
}

/** A session or a media description. */
export interface WithAttributes {
  attributes: SdpAttribute[];
}

/** Value of the first attribute `name` (case-insensitive); '' for a property attribute. */
export function getAttribute(target: WithAttributes, name: string): string | undefined {
  const lower = name.toLowerCase();
  const found = target.attributes.find((a) => a.name.toLowerCase() === lower);
  return found === undefined ? undefined : (found.value ?? '');
}

/** Values of every attribute `name` (case-insensitive). */
export function getAttributes(target: WithAttributes, name: string): string[] {
  const lower = name.toLowerCase();
  return target.attributes.filter((a) => a.name.toLowerCase() === lower).map((a) => a.value ?? '');
}

export interface RtpMap {
  payloadType: number;
  /** Encoding name as written (compare case-insensitively: H264, h264). */
  encoding: string;
  clockRate: number;
  /** Audio channel count, when given. */
  channels?: number;
}

/** `a=rtpmap:<pt> <encoding>/<clock>[/<channels>]` entries of a media description, by payload type. */
export function getRtpMaps(media: WithAttributes): Map<number, RtpMap> {
  const maps = new Map<number, RtpMap>();
  for (const value of getAttributes(media, 'rtpmap')) {
    const match = /^\s*(\d{1,3})\s+([^/\s]+)\/(\d{1,10})(?:\/(\d{1,3}))?\s*$/.exec(value);
    const payloadType = Number(match?.[1]);
    if (!match || payloadType > 127) fail(`malformed rtpmap "${value}"`);
    const map: RtpMap = { payloadType, encoding: match[2] as string, clockRate: Number(match[3]) };
    if (match[4] !== undefined) map.channels = Number(match[4]);
    maps.set(payloadType, map);
  }
  return maps;
}

export function getRtpMap(media: WithAttributes, payloadType: number): RtpMap | undefined {
  return getRtpMaps(media).get(payloadType);
}

/**
 * Splits `k=v; k2=v2` format parameters. Keys are lowercased (media type parameters are case-
 * insensitive), values keep their case and any '=' after the first (base64 padding).
 */
export function parseFmtpParameters(text: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of text.split(';')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    const key = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase();
    if (key === '') fail(`fmtp parameter without a name: "${item}"`);
    params.set(key, eq < 0 ? '' : item.slice(eq + 1).trim());
  }
  return params;
}

/** Joins parameters as `k=v;k2=v2` (the form RFC 6184 examples use). */
export function formatFmtpParameters(params: Map<string, string> | Record<string, string>): string {
  const entries = params instanceof Map ? [...params] : Object.entries(params);
  return entries.map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join(';');
}

/** The format parameters of `a=fmtp:<pt> ...` for a payload type, or undefined. */
export function getFmtp(media: WithAttributes, payloadType: number): Map<string, string> | undefined {
  for (const value of getAttributes(media, 'fmtp')) {
    const match = /^\s*(\d{1,3})(?:\s+(.*))?$/.exec(value);
    if (!match) fail(`malformed fmtp "${value}"`);
    if (Number(match[1]) === payloadType) return parseFmtpParameters(match[2] ?? '');
  }
  return undefined;
}

/** `a=control:` value, trimmed. */
export function getControl(target: WithAttributes): string | undefined {
  return getAttribute(target, 'control')?.trim();
}

/**
 * Resolves a control attribute against the presentation URL (Content-Base or request URL) as
 * RTSP clients do: '*' is the base, absolute URLs stay, relative ones are appended with one '/'.
 */
export function resolveControlUrl(base: string, control: string | undefined): string {
  if (control === undefined || control === '' || control === '*') return base;
  if (/^[a-z][a-z0-9+.-]*:/i.test(control)) return control;
  return base.endsWith('/') ? base + control : `${base}/${control}`;
}

export interface SdpRange {
  /** npt, clock, smpte, smpte-30-drop, ... */
  unit: string;
  start: string;
  end?: string;
}

/** `a=range:` (RFC 2326 C.1.5 / 3.6), e.g. `npt=0-` or `clock=20240101T000000Z-`. */
export function getRange(target: WithAttributes): SdpRange | undefined {
  const value = getAttribute(target, 'range');
  if (value === undefined) return undefined;
  const match = /^\s*([a-z0-9-]+)=([^-\s]*)-([^\s;]*)/i.exec(value);
  if (!match) fail(`malformed range "${value}"`);
  const range: SdpRange = { unit: (match[1] as string).toLowerCase(), start: match[2] as string };
  if (match[3]) range.end = match[3];
  return range;
}

export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
const DIRECTIONS: readonly SdpDirection[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

/** The direction attribute of the media, else of the session, else sendrecv (RFC 4566 6). */
export function getDirection(session: WithAttributes, media?: WithAttributes): SdpDirection {
  for (const target of media ? [media, session] : [session]) {
    const found = target.attributes.find((a) => (DIRECTIONS as readonly string[]).includes(a.name.toLowerCase()));
    if (found) return found.name.toLowerCase() as SdpDirection;
  }
  return 'sendrecv';
}

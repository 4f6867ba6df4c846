/**
 * SDP (RFC 4566) parsing and serialization; readers for the attributes RTSP needs (rtpmap, fmtp,
 * control, range, direction) live in attributes.ts and are re-exported here. Parsing accepts LF as well as CRLF and tolerates missing
 * o=/s=/t= lines and unknown type letters (both occur in cameras' SDP), but rejects lines that are
 * not `<letter>=<value>`, malformed structured fields and oversized input with a ParseError.
 */
import { ParseError } from '../codec/errors.js';

export const SDP_MAX_BYTES = 64 * 1024;
export const SDP_MAX_MEDIA = 64;

export interface SdpOrigin {
  username: string;
  sessionId: string;
  sessionVersion: string;
  netType: string;
  addrType: string;
  address: string;
}

export interface SdpConnection {
  netType: string;
  addrType: string;
  /** The connection address as written, including any /ttl/count suffix. */
  address: string;
}

export interface SdpBandwidth {
  /** e.g. AS, CT, TIAS, RS, RR. */
  type: string;
  value: number;
}

export interface SdpTiming {
  start: string;
  stop: string;
  /** r= lines for this t=, as written. */
  repeats: string[];
}

export interface SdpAttribute {
  name: string;
  /** Absent for property attributes (`a=recvonly`); '' for `a=name:`. */
  value?: string;
}

export interface SdpMedia {
  type: string;
  port: number;
  numberOfPorts?: number;
  proto: string;
  formats: string[];
  information?: string;
  connections: SdpConnection[];
  bandwidths: SdpBandwidth[];
  key?: string;
  attributes: SdpAttribute[];
}

export interface SessionDescription {
  version: number;
  /** Absent only when parsed SDP had no o= line; serialize() then writes a placeholder. */
  origin?: SdpOrigin;
  sessionName: string;
  information?: string;
  uri?: string;
  emails: string[];
  phones: string[];
  connection?: SdpConnection;
  bandwidths: SdpBandwidth[];
  timings: SdpTiming[];
  /** z= as written. */
  timeZones?: string;
  key?: string;
  attributes: SdpAttribute[];
  media: SdpMedia[];
}

const LINE = /^([a-z])=(.*)$/;
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
const SESSION_ONLY = new Set(['v', 'o', 's', 'u', 'e', 'p', 't', 'r', 'z']);
/** Session-level fields that may appear at most once. */
const SESSION_ONCE = new Set(['v', 'o', 's', 'i', 'u', 'c', 'z', 'k']);

function fail(offset: number, message: string, code = 'INVALID'): never {
  throw new ParseError(code, message, { offset });
}

function fields(value: string, count: number, what: string, offset: number): string[] {
  const parts = value.split(' ').filter((p) => p !== '');
  if (parts.length !== count) fail(offset, `${what} needs ${count} fields, got ${parts.length}`);
  return parts;
}

function parseConnection(value: string, offset: number): SdpConnection {
  const [netType, addrType, address] = fields(value, 3, 'c=', offset) as [string, string, string];
  return { netType, addrType, address };
}

function parseBandwidth(value: string, offset: number): SdpBandwidth {
  const match = /^([A-Za-z0-9\-_.]+):(\d{1,10})$/.exec(value.trim());
  if (!match) fail(offset, `malformed b= line "${value}"`);
  return { type: match[1] as string, value: Number(match[2]) };
}

function parseAttribute(value: string, offset: number): SdpAttribute {
  const colon = value.indexOf(':');
  const name = colon < 0 ? value : value.slice(0, colon);
  if (!TOKEN.test(name)) fail(offset, `malformed attribute name "${name}"`);
  return colon < 0 ? { name } : { name, value: value.slice(colon + 1) };
}

function parseMediaLine(value: string, offset: number): SdpMedia {
  const parts = value.split(' ').filter((p) => p !== '');
  if (parts.length < 3) fail(offset, 'm= needs media, port and proto');
  const [type, portField, proto, ...formats] = parts as [string, string, string, ...string[]];
  const portMatch = /^(\d{1,5})(?:\/(\d{1,5}))?$/.exec(portField);
  const port = Number(portMatch?.[1]);
  if (!portMatch || port > 65535) fail(offset, `bad port "${portField}"`);
  if (!TOKEN.test(type)) fail(offset, `bad media type "${type}"`);
  const media: SdpMedia = { type, port, proto, formats, connections: [], bandwidths: [], attributes: [] };
  if (portMatch[2] !== undefined) {
    const count = Number(portMatch[2]);
    if (count < 1) fail(offset, 'number of ports 0');
    media.numberOfPorts = count;
  }
  return media;
}

/** Parses an SDP session description (string, or UTF-8 bytes). */
export function parseSdp(input: string | Uint8Array): SessionDescription {
  const byteLength = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (byteLength > SDP_MAX_BYTES) fail(SDP_MAX_BYTES, `SDP larger than ${SDP_MAX_BYTES} bytes`, 'TOO_LARGE');
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
  if (text.includes('\0')) fail(text.indexOf('\0'), 'NUL character in SDP');

  const session: SessionDescription = {
    version: -1, sessionName: '', emails: [], phones: [], bandwidths: [], timings: [], attributes: [], media: [],
  };
  let media: SdpMedia | undefined;
  const seen = new Set<string>();
  let offset = 0;
  for (const rawLine of text.split('\n')) {
    const lineOffset = offset;
    offset += rawLine.length + 1;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') continue;
    const match = LINE.exec(line);
    if (!match) fail(lineOffset, `not an SDP line: "${line.slice(0, 40)}"`);
    const letter = match[1] as string;
    const value = match[2] as string;
    if (session.version < 0) {
      if (letter !== 'v') fail(lineOffset, 'SDP must start with v=');
      if (value.trim() !== '0') fail(lineOffset, `unsupported SDP version "${value}"`);
      session.version = 0;
      seen.add('v');
      continue;
    }
    if (letter === 'm') {
      media = startMedia(session, value, lineOffset);
      continue;
    }
    if (media) {
      if (SESSION_ONLY.has(letter)) fail(lineOffset, `${letter}= is not allowed in a media description`);
      readMediaField(media, letter, value, lineOffset);
      continue;
    }
    if (SESSION_ONCE.has(letter)) {
      if (seen.has(letter)) fail(lineOffset, `duplicate ${letter}= line`);
      seen.add(letter);
    }
    readSessionField(session, letter, value, lineOffset);
  }
  if (session.version < 0) fail(0, 'empty SDP');
  return session;
}

function startMedia(session: SessionDescription, value: string, offset: number): SdpMedia {
  if (session.media.length >= SDP_MAX_MEDIA) fail(offset, `more than ${SDP_MAX_MEDIA} media descriptions`, 'TOO_LARGE');
  const media = parseMediaLine(value, offset);
  session.media.push(media);
  return media;
}

function readSessionField(session: SessionDescription, letter: string, value: string, offset: number): void {
  switch (letter) {
    case 'o': {
      const [username, sessionId, sessionVersion, netType, addrType, address] = fields(value, 6, 'o=', offset) as [
        string, string, string, string, string, string,
      ];
      session.origin = { username, sessionId, sessionVersion, netType, addrType, address };
      return;
    }
    case 's':
      session.sessionName = value;
      return;
    case 'i':
      session.information = value;
      return;
    case 'u':
      session.uri = value;
      return;
    case 'e':
      session.emails.push(value);
      return;
    case 'p':
      session.phones.push(value);
      return;
    case 'c':
      session.connection = parseConnection(value, offset);
      return;
    case 'b':
      session.bandwidths.push(parseBandwidth(value, offset));
      return;
    case 't': {
      const [start, stop] = fields(value, 2, 't=', offset) as [string, string];
      if (!/^\d+$/.test(start) || !/^\d+$/.test(stop)) fail(offset, `bad t= times "${value}"`);
      session.timings.push({ start, stop, repeats: [] });
      return;
    }
    case 'r': {
      const timing = session.timings[session.timings.length - 1];
      if (!timing) fail(offset, 'r= without a preceding t=');
      timing.repeats.push(value);
      return;
    }
    case 'z':
      session.timeZones = value;
      return;
    case 'k':
      session.key = value;
      return;
    case 'a':
      session.attributes.push(parseAttribute(value, offset));
      return;
    default:
      // RFC 4566 5: unknown type letters are ignored here rather than rejecting the whole SDP.
      return;
  }
}

function readMediaField(media: SdpMedia, letter: string, value: string, offset: number): void {
  switch (letter) {
    case 'i':
      if (media.information !== undefined) fail(offset, 'duplicate i= line in media');
      media.information = value;
      return;
    case 'c':
      media.connections.push(parseConnection(value, offset));
      return;
    case 'b':
      media.bandwidths.push(parseBandwidth(value, offset));
      return;
    case 'k':
      if (media.key !== undefined) fail(offset, 'duplicate k= line in media');
      media.key = value;
      return;
    case 'a':
      media.attributes.push(parseAttribute(value, offset));
      return;
    default:
      return;
  }
}

/** Throws RangeError for values that would break the line structure (header injection). */
function clean(value: string, what: string): string {
  if (/[\r\n\0]/.test(value)) throw new RangeError(`${what} contains CR, LF or NUL`);
  return value;
}

function attributeLine(attribute: SdpAttribute): string {
  if (!TOKEN.test(attribute.name)) throw new RangeError(`bad attribute name "${attribute.name}"`);
  return attribute.value === undefined ? `a=${attribute.name}` : `a=${attribute.name}:${clean(attribute.value, 'a=')}`;
}

function connectionLine(c: SdpConnection): string {
  return clean(`c=${c.netType} ${c.addrType} ${c.address}`, 'c=');
}

function bandwidthLine(b: SdpBandwidth): string {
  if (!Number.isInteger(b.value) || b.value < 0) throw new RangeError(`bandwidth ${b.value}`);
  return clean(`b=${b.type}:${b.value}`, 'b=');
}

/** Writes SDP in RFC 4566 field order with CRLF line ends. Defaults o= and t=0 0 when absent. */
export function serializeSdp(sdp: SessionDescription): string {
  const o = sdp.origin ?? { username: '-', sessionId: '0', sessionVersion: '0', netType: 'IN', addrType: 'IP4', address: '0.0.0.0' };
  const lines = [
    `v=${sdp.version}`,
    clean(`o=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`, 'o='),
    // s= must not be empty (RFC 4566 5.3); a single space stands for "no name".
    `s=${clean(sdp.sessionName, 's=') || ' '}`,
  ];
  if (sdp.information !== undefined) lines.push(`i=${clean(sdp.information, 'i=')}`);
  if (sdp.uri !== undefined) lines.push(`u=${clean(sdp.uri, 'u=')}`);
  for (const e of sdp.emails) lines.push(`e=${clean(e, 'e=')}`);
  for (const p of sdp.phones) lines.push(`p=${clean(p, 'p=')}`);
  if (sdp.connection) lines.push(connectionLine(sdp.connection));
  for (const b of sdp.bandwidths) lines.push(bandwidthLine(b));
  const timings = sdp.timings.length > 0 ? sdp.timings : [{ start: '0', stop: '0', repeats: [] }];
  for (const t of timings) {
    lines.push(clean(`t=${t.start} ${t.stop}`, 't='));
    for (const r of t.repeats) lines.push(`r=${clean(r, 'r=')}`);
  }
  if (sdp.timeZones !== undefined) lines.push(`z=${clean(sdp.timeZones, 'z=')}`);
  if (sdp.key !== undefined) lines.push(`k=${clean(sdp.key, 'k=')}`);
  for (const a of sdp.attributes) lines.push(attributeLine(a));
  for (const m of sdp.media) {
    const port = m.numberOfPorts === undefined ? `${m.port}` : `${m.port}/${m.numberOfPorts}`;
    lines.push(clean(['m=' + m.type, port, m.proto, ...m.formats].join(' '), 'm='));
    if (m.information !== undefined) lines.push(`i=${clean(m.information, 'i=')}`);
    for (const c of m.connections) lines.push(connectionLine(c));
    for (const b of m.bandwidths) lines.push(bandwidthLine(b));
    if (m.key !== undefined) lines.push(`k=${clean(m.key, 'k=')}`);
    for (const a of m.attributes) lines.push(attributeLine(a));
  }
  return lines.join('\r\n') + '\r\n';
}

// Readers for rtpmap, fmtp, control, range and direction attributes.
export * from './attributes.js';

// Transport header (RFC 2326 §12.39): a comma-separated list of transport specs the client
// accepts, in order of preference; the server answers with exactly one. Specs with a protocol
// we do not speak are skipped (the client may offer them first); if none is left the server
// answers 461 Unsupported Transport. Malformed parameters of a known spec are BAD_TRANSPORT.
import { RtspParseError } from '../errors.js';
import { isToken, parseDigits, quote, splitOutsideQuotes, splitParameter, unquote } from './tokens.js';

export type TransportProfile = 'RTP/AVP' | 'RTP/SAVP';
export type LowerTransport = 'UDP' | 'TCP';

/** `n` or `n-m`. */
export interface NumberRange {
  start: number;
  end?: number;
}

export interface TransportExtension {
  name: string;
  /** Raw text after '=' (quotes kept), undefined for a flag. */
  value?: string;
}

export interface TransportSpec {
  profile: TransportProfile;
  /** As written; undefined means the default, UDP. */
  lowerTransport?: LowerTransport;
  delivery?: 'unicast' | 'multicast';
  destination?: string;
  source?: string;
  /** Channels of RTP and RTCP on the RTSP connection (0..255). */
  interleaved?: NumberRange;
  append?: boolean;
  ttl?: number;
  layers?: number;
  /** Multicast RTP/RTCP ports. */
  port?: NumberRange;
  clientPort?: NumberRange;
  serverPort?: NumberRange;
  /** 32-bit SSRC, written as 8 hex digits. */
  ssrc?: number;
  /** Methods this transport is for (upper case), e.g. ['PLAY']. */
  mode?: string[];
  /** Parameters not defined by RFC 2326, kept in order so they can be echoed. */
  extensions?: TransportExtension[];
}

export function isTcpTransport(spec: TransportSpec): boolean {
  return spec.lowerTransport === 'TCP';
}

const PROTOCOL_SYNTAX = /^[A-Za-z0-9_.+-]+\/[A-Za-z0-9_.+-]+(?:\/[A-Za-z0-9_.+-]+)?$/;
const ADDRESS_FORBIDDEN = /[\s",;]/;
const HEX_SSRC = /^[0-9A-Fa-f]{1,8}$/;

function bad(message: string): never {
  throw new RtspParseError('BAD_TRANSPORT', message);
}

/** All supported specs of a Transport header, in the client's order of preference. */
export function parseTransports(value: string): TransportSpec[] {
  const specs: TransportSpec[] = [];
  let sawAny = false;
  for (const part of splitOutsideQuotes(value, ',', 'BAD_TRANSPORT')) {
    if (part === '') bad('empty transport spec');
    sawAny = true;
    const spec = parseSpec(part);
    if (spec !== undefined) specs.push(spec);
  }
  if (!sawAny) bad('empty Transport header');
  if (specs.length === 0) throw new RtspParseError('UNSUPPORTED_TRANSPORT', 'no supported transport offered');
  return specs;
}

/** Exactly one spec (the Transport of a SETUP response). */
export function parseTransport(value: string): TransportSpec {
  const specs = parseTransports(value);
  if (specs.length !== 1) bad('expected exactly one transport spec');
  return specs[0]!;
}

function parseProtocol(text: string): Pick<TransportSpec, 'profile' | 'lowerTransport'> | undefined {
  if (!PROTOCOL_SYNTAX.test(text)) bad(`malformed transport protocol ${JSON.stringify(text.substring(0, 32))}`);
  const [protocol, profile, lower] = text.toUpperCase().split('/');
  if (protocol !== 'RTP' || (profile !== 'AVP' && profile !== 'SAVP')) return undefined;
  if (lower !== undefined && lower !== 'UDP' && lower !== 'TCP') return undefined;
  const result: Pick<TransportSpec, 'profile' | 'lowerTransport'> = { profile: `RTP/${profile}` };
  if (lower !== undefined) result.lowerTransport = lower;
  return result;
}

function parseSpec(text: string): TransportSpec | undefined {
  const [protocolText, ...params] = splitOutsideQuotes(text, ';', 'BAD_TRANSPORT');
  const protocol = parseProtocol(protocolText!);
  if (protocol === undefined) return undefined;
  const spec: TransportSpec = { ...protocol };
  const seen = new Set<string>();
  for (const param of params) {
    if (param === '') continue; // tolerate "a;;b" and a trailing ';'
    const { name: rawName, value } = splitParameter(param);
    if (!isToken(rawName)) bad(`malformed transport parameter ${JSON.stringify(param.substring(0, 32))}`);
    const name = rawName.toLowerCase();
    const isDelivery = name === 'unicast' || name === 'multicast';
    const key = isDelivery ? 'delivery' : name;
    if (KNOWN.has(name)) {
      if (seen.has(key)) bad(`repeated transport parameter ${name}`);
      seen.add(key);
    }
    applyParameter(spec, name, rawName, value);
  }
  return spec;
}

const KNOWN = new Set([
  'unicast',
  'multicast',
  'destination',
  'source',
  'interleaved',
  'append',
  'ttl',
  'layers',
  'port',
  'client_port',
  'server_port',
  'ssrc',
  'mode',
]);

function applyParameter(spec: TransportSpec, name: string, rawName: string, value: string | undefined): void {
  switch (name) {
    case 'unicast':
    case 'multicast':
      flag(name, value);
      spec.delivery = name;
      return;
    case 'append':
      flag(name, value);
      spec.append = true;
      return;
    case 'destination':
      // "destination" without a value means "the server's default", i.e. the same as absent.
      if (value !== undefined) spec.destination = address(name, value);
      return;
    case 'source':
      spec.source = address(name, required(name, value));
      return;
    case 'interleaved':
      spec.interleaved = range(name, required(name, value), 255);
      return;
    case 'ttl':
      spec.ttl = integer(name, required(name, value), 255);
      return;
    case 'layers':
      spec.layers = integer(name, required(name, value), 0xffff);
      return;
    case 'port':
      spec.port = range(name, required(name, value), 0xffff);
      return;
    case 'client_port':
      spec.clientPort = range(name, required(name, value), 0xffff);
      return;
    case 'server_port':
      spec.serverPort = range(name, required(name, value), 0xffff);
      return;
    case 'ssrc': {
      const hex = required(name, value);
      if (!HEX_SSRC.test(hex)) bad('ssrc is not 1-8 hex digits');
      spec.ssrc = Number.parseInt(hex, 16) >>> 0;
      return;
    }
    case 'mode':
      spec.mode = modes(required(name, value));
      return;
    default:
      if (value !== undefined && !isSafeExtensionValue(value)) bad(`malformed value of ${rawName}`);
      (spec.extensions ??= []).push(value === undefined ? { name: rawName } : { name: rawName, value });
  }
}

function flag(name: string, value: string | undefined): void {
  if (value !== undefined) bad(`${name} takes no value`);
}

function required(name: string, value: string | undefined): string {
  if (value === undefined || value === '') bad(`${name} needs a value`);
  return value;
}

function address(name: string, raw: string): string {
  const text = unquote(raw, 'BAD_TRANSPORT');
  if (text === '' || ADDRESS_FORBIDDEN.test(text)) bad(`malformed ${name} address`);
  return text;
}

function integer(name: string, text: string, max: number): number {
  const n = parseDigits(text, 5);
  if (n === undefined || n > max) bad(`${name} is not an integer 0..${max}`);
  return n;
}

function range(name: string, text: string, max: number): NumberRange {
  const dash = text.indexOf('-');
  if (dash < 0) return { start: integer(name, text, max) };
  return { start: integer(name, text.substring(0, dash), max), end: integer(name, text.substring(dash + 1), max) };
}

function modes(raw: string): string[] {
  const list = unquote(raw, 'BAD_TRANSPORT')
    .split(',')
    .map((m) => m.trim().toUpperCase());
  if (list.some((m) => !isToken(m))) bad('malformed mode');
  return list;
}

function formatRange(r: NumberRange): string {
  return r.end === undefined ? `${r.start}` : `${r.start}-${r.end}`;
}

/** One transport spec, parameters in a fixed order that matches RFC 2326 and ONVIF examples. */
export function serializeTransport(spec: TransportSpec): string {
  const parts: string[] = [spec.lowerTransport === undefined ? spec.profile : `${spec.profile}/${spec.lowerTransport}`];
  if (spec.delivery !== undefined) parts.push(spec.delivery);
  if (spec.destination !== undefined) parts.push(`destination=${checkedAddress(spec.destination)}`);
  if (spec.source !== undefined) parts.push(`source=${checkedAddress(spec.source)}`);
  if (spec.interleaved !== undefined) parts.push(`interleaved=${formatRange(checkedRange(spec.interleaved, 255))}`);
  if (spec.append === true) parts.push('append');
  if (spec.port !== undefined) parts.push(`port=${formatRange(checkedRange(spec.port, 0xffff))}`);
  if (spec.clientPort !== undefined) parts.push(`client_port=${formatRange(checkedRange(spec.clientPort, 0xffff))}`);
  if (spec.serverPort !== undefined) parts.push(`server_port=${formatRange(checkedRange(spec.serverPort, 0xffff))}`);
  if (spec.ttl !== undefined) parts.push(`ttl=${checkedInteger(spec.ttl, 255)}`);
  if (spec.layers !== undefined) parts.push(`layers=${checkedInteger(spec.layers, 0xffff)}`);
  if (spec.ssrc !== undefined) {
    parts.push(`ssrc=${(checkedInteger(spec.ssrc, 0xffffffff) >>> 0).toString(16).toUpperCase().padStart(8, '0')}`);
  }
  if (spec.mode !== undefined) {
    if (spec.mode.length === 0 || spec.mode.some((m) => !isToken(m))) throw new TypeError('invalid transport mode');
    parts.push(`mode=${quote(spec.mode.join(','))}`);
  }
  for (const ext of spec.extensions ?? []) {
    if (!isToken(ext.name) || (ext.value !== undefined && !isSafeExtensionValue(ext.value))) {
      throw new TypeError(`invalid transport extension ${ext.name}`);
    }
    parts.push(ext.value === undefined ? ext.name : `${ext.name}=${ext.value}`);
  }
  return parts.join(';');
}

export function serializeTransports(specs: readonly TransportSpec[]): string {
  return specs.map(serializeTransport).join(',');
}

/** A token-like value without separators, or one complete quoted string. */
function isSafeExtensionValue(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) return false;
  if (!value.startsWith('"')) return !/[",;]/.test(value);
  try {
    unquote(value, 'BAD_TRANSPORT');
    return true;
  } catch {
    return false;
  }
}

function checkedInteger(n: number, max: number): number {
  if (!Number.isInteger(n) || n < 0 || n > max) throw new RangeError(`transport value ${n} is not 0..${max}`);
  return n;
}

function checkedRange(r: NumberRange, max: number): NumberRange {
  checkedInteger(r.start, max);
  if (r.end !== undefined) checkedInteger(r.end, max);
  return r;
}

function checkedAddress(text: string): string {
  if (text === '' || ADDRESS_FORBIDDEN.test(text)) throw new TypeError(`invalid transport address ${text}`);
  return text;
}

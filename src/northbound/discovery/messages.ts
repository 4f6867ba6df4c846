/**
 * WS-Discovery (2005/04, as profiled by the ONVIF Core spec "Device discovery") without I/O:
 * parsing received datagrams, deciding whether a Probe is answered, scope matching, and building
 * the SOAP 1.2 envelopes we send (ProbeMatches, Hello, Bye, the MatchingRuleNotSupported fault).
 * The UDP socket lives in responder.ts.
 */
import { ParseError } from '../../protocol/codec/errors.js';
import { attr, child, resolveQName, type XmlElement } from '../../xml/dom.js';
import { NS, xmlnsDecls, type Prefix } from '../../xml/ns.js';
import { parseXml, XmlParseError, type XmlLimits } from '../../xml/parse.js';
import { el, type Xml } from '../../xml/write.js';

export const DISCOVERY_MULTICAST_ADDRESS = '239.255.255.250';
export const DISCOVERY_PORT = 3702;
/** SOAP-over-UDP APP_MAX_DELAY: replies to multicast probes are spread over this window. */
export const APP_MAX_DELAY_MS = 500;
/** Largest datagram we look at; a UDP payload cannot be larger anyway. */
export const MAX_DATAGRAM_BYTES = 64 * 1024;
/** MessageIDs are urn:uuid:… in practice; a bound keeps duplicate-suppression memory small. */
export const MAX_MESSAGE_ID_LENGTH = 512;

const D = 'http://schemas.xmlsoap.org/ws/2005/04/discovery';
export const DISCOVERY_ACTIONS = {
  probe: `${D}/Probe`,
  probeMatches: `${D}/ProbeMatches`,
  hello: `${D}/Hello`,
  bye: `${D}/Bye`,
  fault: `${D}/fault`,
} as const;
/** wsa:To of multicast messages (Hello, Bye, Probe). */
export const DISCOVERY_MULTICAST_TO = 'urn:schemas-xmlsoap-org:ws:2005:04:discovery';
export const WSA2004_ANONYMOUS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';

export const MATCH_BY_RFC3986 = `${D}/rfc3986`;
/** WS-Discovery's own default; ONVIF replaces RFC 2396 by RFC 3986, so both name the same rule here. */
export const MATCH_BY_RFC2396 = `${D}/rfc2396`;
export const MATCH_BY_STRCMP0 = `${D}/strcmp0`;
export const SUPPORTED_MATCHING_RULES: readonly string[] = [MATCH_BY_RFC3986, MATCH_BY_RFC2396, MATCH_BY_STRCMP0];

export interface QName {
  ns: string;
  name: string;
}

/** The types every ONVIF device announces (Core spec: tds:Device is mandatory). */
export const ONVIF_DEVICE_TYPES: readonly QName[] = [
  { ns: NS.dn, name: 'NetworkVideoTransmitter' },
  { ns: NS.tds, name: 'Device' },
];

export type DiscoveryParseErrorCode =
  | 'TOO_LARGE' // more than MAX_DATAGRAM_BYTES
  | 'NOT_UTF8'
  | 'MALFORMED_XML'
  | 'DOCTYPE' // refused outright: no entity expansion of any kind
  | 'XML_LIMIT'
  | 'NOT_SOAP12' // not a SOAP 1.2 Envelope with a Body
  | 'BAD_PROBE'; // a Probe we cannot answer: no/oversized MessageID, invalid QName in Types

export class DiscoveryParseError extends ParseError {
  declare readonly code: DiscoveryParseErrorCode;
  constructor(code: DiscoveryParseErrorCode, message: string) {
    // Byte offsets are not known below the XML layer; 0 says "the datagram as a whole".
    super(code, message, { offset: 0 });
    this.name = 'DiscoveryParseError';
  }
}

export interface ProbeCriteria {
  types: QName[];
  scopes: string[];
  /** The Scopes/@MatchBy URI, MATCH_BY_RFC3986 when absent. */
  matchBy: string;
}

export type DiscoveryMessage =
  | { kind: 'probe'; messageId: string; replyTo: string | undefined; criteria: ProbeCriteria }
  /** Anything else well-formed (Hello/Bye/ProbeMatches of other devices, Resolve): not answered. */
  | { kind: 'other'; action: string | undefined; body: QName };

/** Discovery messages are small; tighter than the SOAP defaults so junk costs little. */
const DISCOVERY_XML_LIMITS: XmlLimits = { maxDepth: 32, maxElements: 2_000, maxTextLength: MAX_DATAGRAM_BYTES, maxAttributes: 64 };
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const XML_CODES: Record<XmlParseError['code'], DiscoveryParseErrorCode> = { MALFORMED: 'MALFORMED_XML', DOCTYPE: 'DOCTYPE', LIMIT: 'XML_LIMIT' };
const QNAME_RE = /^(?:[^:\s]+:)?[^:\s]+$/;

/** Parses one received datagram. Throws only DiscoveryParseError. */
export function parseDiscoveryDatagram(data: Uint8Array | string): DiscoveryMessage {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  if (size > MAX_DATAGRAM_BYTES) throw new DiscoveryParseError('TOO_LARGE', `datagram of ${size} bytes`);
  let text: string;
  if (typeof data === 'string') text = data;
  else {
    try {
      text = UTF8.decode(data); // also drops a leading BOM
    } catch {
      throw new DiscoveryParseError('NOT_UTF8', 'datagram is not UTF-8');
    }
  }
  let root: XmlElement;
  try {
    root = parseXml(text, DISCOVERY_XML_LIMITS);
  } catch (err) {
    if (err instanceof XmlParseError) throw new DiscoveryParseError(XML_CODES[err.code], err.message);
    throw new DiscoveryParseError('MALFORMED_XML', 'malformed XML');
  }
  if (root.ns !== NS.env || root.name !== 'Envelope') throw new DiscoveryParseError('NOT_SOAP12', 'not a SOAP 1.2 Envelope');
  let header: XmlElement | undefined;
  let body: XmlElement | undefined;
  for (const c of root.children) {
    if (c.ns !== NS.env) continue;
    if (c.name === 'Header') header ??= c;
    else if (c.name === 'Body') body ??= c;
  }
  const op = body?.children[0];
  if (!op) throw new DiscoveryParseError('NOT_SOAP12', 'Envelope without a Body element');

  const action = addressingText(header, 'Action');
  if (op.ns !== NS.d || op.name !== 'Probe') return { kind: 'other', action, body: { ns: op.ns, name: op.name } };

  const messageId = addressingText(header, 'MessageID');
  if (!messageId) throw new DiscoveryParseError('BAD_PROBE', 'Probe without wsa:MessageID');
  if (messageId.length > MAX_MESSAGE_ID_LENGTH) throw new DiscoveryParseError('BAD_PROBE', 'wsa:MessageID too long');
  const replyToEl = child(header, 'ReplyTo', NS.wsa2004) ?? child(header, 'ReplyTo', NS.wsa);
  const replyTo = child(replyToEl, 'Address')?.text.trim() || undefined;

  const typesEl = child(op, 'Types', NS.d);
  const types: QName[] = [];
  for (const q of splitList(typesEl?.text)) {
    const resolved = QNAME_RE.test(q) ? resolveQName(typesEl!, q) : undefined;
    if (!resolved) throw new DiscoveryParseError('BAD_PROBE', `'${q.substring(0, 60)}' in Types is not a QName in scope`);
    types.push(resolved);
  }
  const scopesEl = child(op, 'Scopes', NS.d);
  const matchBy = attr(scopesEl, 'MatchBy')?.trim() || MATCH_BY_RFC3986;
  return { kind: 'probe', messageId, replyTo, criteria: { types, scopes: splitList(scopesEl?.text), matchBy } };
}

/** Header blocks in WS-Addressing 2004/08 (what WS-Discovery uses); 2005/08 accepted from sloppy clients. */
function addressingText(header: XmlElement | undefined, name: string): string | undefined {
  const e = child(header, name, NS.wsa2004) ?? child(header, name, NS.wsa);
  return e?.text.trim();
}

function splitList(text: string | undefined): string[] {
  return text ? text.split(/\s+/).filter((s) => s !== '') : [];
}

// ---------------------------------------------------------------------------------------------
// Matching

export interface TargetMetadata {
  types: readonly QName[];
  scopes: readonly string[];
}

export type ProbeDecision =
  | { action: 'answer' }
  /** Unicast probe with a MatchBy we do not implement: answer with the MatchingRuleNotSupported fault. */
  | { action: 'fault' }
  | { action: 'ignore'; reason: 'non-discoverable' | 'no-match' | 'unsupported-rule' };

/**
 * What to do with a Probe. Multicast probes are never faulted (Core spec: packet storms) and are
 * ignored entirely in NonDiscoverable mode; unicast probes are answered in either mode.
 */
export function decideProbe(criteria: ProbeCriteria, target: TargetMetadata, path: { multicast: boolean; discoverable: boolean }): ProbeDecision {
  if (path.multicast && !path.discoverable) return { action: 'ignore', reason: 'non-discoverable' };
  if (!SUPPORTED_MATCHING_RULES.includes(criteria.matchBy)) {
    return path.multicast ? { action: 'ignore', reason: 'unsupported-rule' } : { action: 'fault' };
  }
  return probeMatches(criteria, target) ? { action: 'answer' } : { action: 'ignore', reason: 'no-match' };
}

/** WS-Discovery: every probed type is one of ours, and every probed scope matches one of ours. */
export function probeMatches(criteria: ProbeCriteria, target: TargetMetadata): boolean {
  for (const t of criteria.types) {
    if (!target.types.some((o) => o.ns === t.ns && o.name === t.name)) return false;
  }
  if (criteria.scopes.length === 0) return true;
  if (criteria.matchBy === MATCH_BY_STRCMP0) {
    return criteria.scopes.every((s) => target.scopes.includes(s));
  }
  if (criteria.matchBy !== MATCH_BY_RFC3986 && criteria.matchBy !== MATCH_BY_RFC2396) return false;
  const ours = target.scopes.map(parseScope);
  return criteria.scopes.every((s) => {
    const probed = parseScope(s);
    return probed !== undefined && ours.some((o) => o !== undefined && rfc3986Prefix(probed, o));
  });
}

/** The RFC 3986 rule for one pair: `probe` (S1) matches `scope` (S2). */
export function scopeMatchesRfc3986(probe: string, scope: string): boolean {
  const a = parseScope(probe);
  const b = parseScope(scope);
  return a !== undefined && b !== undefined && rfc3986Prefix(a, b);
}

interface ScopeParts {
  scheme: string;
  authority: string;
  segments: string[];
}

// RFC 3986 appendix B; query and fragment are captured only to be left out of the comparison.
const URI_RE = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?[^#]*)?(?:#.*)?$/s;

/**
 * WS-Discovery: scheme and authority compared case-insensitively, path segments case-sensitively
 * after unescaping, S1's segments a segment-wise prefix of S2's; "." and ".." segments never match.
 * Normalized here: "" ≡ "/" and a trailing "/" is ignored, so `onvif://www.onvif.org` matches all.
 */
function parseScope(uri: string): ScopeParts | undefined {
  const m = URI_RE.exec(uri);
  if (!m || m[1] === undefined) return undefined;
  const path = m[3] ?? '';
  const raw = path === '' ? [] : (path.startsWith('/') ? path.substring(1) : path).split('/');
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  const segments: string[] = [];
  for (const r of raw) {
    let s: string;
    try {
      s = decodeURIComponent(r);
    } catch {
      return undefined; // broken percent-encoding: cannot be canonicalized, so it matches nothing
    }
    if (s === '.' || s === '..') return undefined;
    segments.push(s);
  }
  return { scheme: m[1].toLowerCase(), authority: (m[2] ?? '').toLowerCase(), segments };
}

function rfc3986Prefix(s1: ScopeParts, s2: ScopeParts): boolean {
  if (s1.scheme !== s2.scheme || s1.authority !== s2.authority) return false;
  if (s1.segments.length > s2.segments.length) return false;
  return s1.segments.every((seg, i) => seg === s2.segments[i]);
}

/** XAddrs for a reply: those naming `localAddress` when there are any, otherwise all of them. */
export function selectXAddrs(xaddrs: readonly string[], localAddress: string | undefined): string[] {
  if (localAddress === undefined) return [...xaddrs];
  const mine = xaddrs.filter((x) => {
    try {
      return new URL(x).hostname.replace(/^\[|\]$/g, '') === localAddress;
    } catch {
      return false;
    }
  });
  return mine.length > 0 ? mine : [...xaddrs];
}

/** What address selection needs of os.networkInterfaces(). */
export interface InterfaceAddress {
  address: string;
  netmask: string;
  family: string;
  internal: boolean;
}
export type InterfaceList = Partial<Record<string, readonly InterfaceAddress[]>>;

/** The local IPv4 address on the same subnet as `remote` (longest netmask wins), if any. */
export function localAddressFor(remote: string, interfaces: InterfaceList): string | undefined {
  const r = ipv4ToUint(remote);
  if (r === undefined) return undefined;
  let best: string | undefined;
  let bestMask = -1;
  for (const list of Object.values(interfaces)) {
    for (const i of list ?? []) {
      if (i.family !== 'IPv4') continue;
      const a = ipv4ToUint(i.address);
      const m = ipv4ToUint(i.netmask);
      if (a === undefined || m === undefined) continue;
      if (((a & m) >>> 0) === ((r & m) >>> 0) && m > bestMask) {
        best = i.address;
        bestMask = m;
      }
    }
  }
  return best;
}

function ipv4ToUint(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Building

export interface AppSequence {
  instanceId: number;
  messageNumber: number;
}

export interface TargetDescription extends TargetMetadata {
  endpointReference: string;
  xaddrs: readonly string[];
  metadataVersion: number;
}

const ENVELOPE_PREFIXES: Prefix[] = ['env', 'wsa2004', 'd'];
const ENVELOPE_OPEN = `<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope${xmlnsDecls(ENVELOPE_PREFIXES)}>`;
const PREFIX_OF_NS = new Map<string, string>(Object.entries(NS).map(([p, uri]) => [uri, p]));
const NCNAME_RE = /^[A-Za-z_][\w.-]*$/;

function envelope(headers: (Xml | undefined)[], body: Xml): string {
  return `${ENVELOPE_OPEN}${el('env:Header', headers).s}<env:Body>${body.s}</env:Body></env:Envelope>`;
}

function appSequence(seq: AppSequence): Xml {
  return el('d:AppSequence', undefined, { InstanceId: seq.instanceId, MessageNumber: seq.messageNumber });
}

/** `<d:Types>` with a prefix declared for every namespace used (our envelope declares few). */
function typesElement(types: readonly QName[]): Xml | undefined {
  if (types.length === 0) return undefined;
  const declared = new Map<string, string>(); // ns → prefix declared on this element
  const items: string[] = [];
  for (const t of types) {
    if (!NCNAME_RE.test(t.name)) throw new TypeError(`type name '${t.name}' is not an NCName`);
    if (t.ns === '') {
      items.push(t.name); // no default namespace is in scope, so an unprefixed QName has none
      continue;
    }
    let prefix = PREFIX_OF_NS.get(t.ns) ?? declared.get(t.ns);
    if (prefix === undefined) prefix = `t${declared.size}`;
    if (!ENVELOPE_PREFIXES.includes(prefix as Prefix)) declared.set(t.ns, prefix);
    items.push(`${prefix}:${t.name}`);
  }
  const attrs: Record<string, string> = {};
  for (const [ns, prefix] of declared) attrs[`xmlns:${prefix}`] = ns;
  return el('d:Types', items.join(' '), attrs);
}

/**
 * A configured type: a QName, `prefix:local` with a prefix from xml/ns.ts (e.g. 'dn:NetworkVideoTransmitter'),
 * or Clark notation `{uri}local`. Undefined when it names no namespace we know.
 */
export function toQName(t: QName | string): QName | undefined {
  if (typeof t !== 'string') return t;
  const clark = /^\{([^}]*)\}(.+)$/.exec(t);
  if (clark) return { ns: clark[1]!, name: clark[2]! };
  const i = t.indexOf(':');
  if (i < 0) return undefined;
  const prefix = t.substring(0, i);
  if (!Object.hasOwn(NS, prefix)) return undefined;
  return { ns: NS[prefix as Prefix], name: t.substring(i + 1) };
}

function targetFields(t: TargetDescription, withAddresses: boolean): Xml[] {
  const out: Xml[] = [el('wsa2004:EndpointReference', el('wsa2004:Address', t.endpointReference))];
  if (!withAddresses) return out;
  const types = typesElement(t.types);
  if (types) out.push(types);
  if (t.scopes.length > 0) out.push(el('d:Scopes', t.scopes.join(' ')));
  if (t.xaddrs.length > 0) out.push(el('d:XAddrs', t.xaddrs.join(' ')));
  out.push(el('d:MetadataVersion', t.metadataVersion));
  return out;
}

export interface ReplyAddressing {
  /** The probe's MessageID. */
  relatesTo: string;
  /** The probe's ReplyTo address, if it gave one. */
  replyTo: string | undefined;
  /** Our new MessageID (urn:uuid:…). */
  messageId: string;
}

export function buildProbeMatches(target: TargetDescription, reply: ReplyAddressing, seq: AppSequence): string {
  return envelope(
    [
      el('wsa2004:Action', DISCOVERY_ACTIONS.probeMatches),
      el('wsa2004:MessageID', reply.messageId),
      el('wsa2004:RelatesTo', reply.relatesTo),
      el('wsa2004:To', reply.replyTo ?? WSA2004_ANONYMOUS),
      appSequence(seq),
    ],
    el('d:ProbeMatches', el('d:ProbeMatch', targetFields(target, true))),
  );
}

export function buildHello(target: TargetDescription, messageId: string, seq: AppSequence): string {
  return envelope(
    [el('wsa2004:Action', DISCOVERY_ACTIONS.hello), el('wsa2004:MessageID', messageId), el('wsa2004:To', DISCOVERY_MULTICAST_TO), appSequence(seq)],
    el('d:Hello', targetFields(target, true)),
  );
}

/** Bye carries only the endpoint reference: the device is leaving, its metadata no longer matters. */
export function buildBye(endpointReference: string, messageId: string, seq: AppSequence): string {
  const target: TargetDescription = { endpointReference, types: [], scopes: [], xaddrs: [], metadataVersion: 0 };
  return envelope(
    [el('wsa2004:Action', DISCOVERY_ACTIONS.bye), el('wsa2004:MessageID', messageId), el('wsa2004:To', DISCOVERY_MULTICAST_TO), appSequence(seq)],
    el('d:Bye', targetFields(target, false)),
  );
}

/** Core spec "SOAP Fault Messages": unicast probe with a matching rule we do not support. */
export function buildMatchingRuleFault(reply: ReplyAddressing): string {
  return envelope(
    [
      el('wsa2004:Action', DISCOVERY_ACTIONS.fault),
      el('wsa2004:MessageID', reply.messageId),
      el('wsa2004:RelatesTo', reply.relatesTo),
      el('wsa2004:To', reply.replyTo ?? WSA2004_ANONYMOUS),
    ],
    el('env:Fault', [
      el('env:Code', [el('env:Value', 'env:Sender'), el('env:Subcode', el('env:Value', 'd:MatchingRuleNotSupported'))]),
      el('env:Reason', el('env:Text', 'the matching rule specified is not supported', { 'xml:lang': 'en' })),
      el('env:Detail', el('d:SupportedMatchingRules', SUPPORTED_MATCHING_RULES.join(' '))),
    ]),
  );
}

/** A Probe as a client sends it (tests, and a future client-side discovery). */
export function buildProbe(messageId: string, criteria: Partial<ProbeCriteria> = {}): string {
  const scopes = criteria.scopes ?? [];
  const matchBy = criteria.matchBy === undefined || criteria.matchBy === MATCH_BY_RFC3986 ? undefined : criteria.matchBy;
  return envelope(
    [el('wsa2004:Action', DISCOVERY_ACTIONS.probe), el('wsa2004:MessageID', messageId), el('wsa2004:To', DISCOVERY_MULTICAST_TO)],
    el('d:Probe', [
      typesElement(criteria.types ?? []),
      scopes.length > 0 || matchBy !== undefined ? el('d:Scopes', scopes.join(' '), { MatchBy: matchBy }) : undefined,
    ]),
  );
}

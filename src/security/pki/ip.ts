/**
 * IP address literals for subjectAltName iPAddress entries: strict parsing to the 4- or 16-byte
 * form X.509 stores, and one canonical text form (RFC 5952 for IPv6) so addresses given as
 * "::1", "0:0::1" or read back from a certificate compare equal as strings.
 *
 * Deliberately strict: no zone ids ("fe80::1%eth0"), no brackets, no octal/hex/short IPv4
 * forms ("010.1.1.1", "127.1") — those are ambiguous and never belong in a certificate.
 */
import { PkiError } from './errors.js';

const MAX_IP_TEXT_LENGTH = 45; // longest IPv6 text with an embedded IPv4 tail

function invalid(text: string, why: string): PkiError {
  return new PkiError('PKI_INVALID_IP', `invalid IP address ${JSON.stringify(text)}: ${why}`);
}

function parseIpv4Into(text: string, whole: string, out: Uint8Array, offset: number): void {
  const parts = text.split('.');
  if (parts.length !== 4) throw invalid(whole, 'IPv4 needs four dotted parts');
  parts.forEach((part, index) => {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) throw invalid(whole, `bad IPv4 part ${JSON.stringify(part)}`);
    const value = Number(part);
    if (value > 255) throw invalid(whole, `IPv4 part ${value} > 255`);
    out[offset + index] = value;
  });
}

function parseGroups(text: string, whole: string): number[] {
  if (text === '') return [];
  return text.split(':').map((group) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) throw invalid(whole, `bad IPv6 group ${JSON.stringify(group)}`);
    return parseInt(group, 16);
  });
}

function parseIpv6(text: string): Uint8Array {
  const out = new Uint8Array(16);
  let body = text;
  let tailIpv4: Uint8Array | undefined;
  // An embedded IPv4 tail ("::ffff:192.0.2.1") stands for the last two groups.
  const lastColon = body.lastIndexOf(':');
  if (body.indexOf('.', lastColon) !== -1) {
    tailIpv4 = new Uint8Array(4);
    parseIpv4Into(body.substring(lastColon + 1), text, tailIpv4, 0);
    // Keep a trailing "::" intact ("::1.2.3.4" → "::"), otherwise drop the separator colon.
    body = body.endsWith('::', lastColon + 1) ? body.substring(0, lastColon + 1) : body.substring(0, lastColon);
  }
  const groupSlots = tailIpv4 ? 6 : 8;
  const halves = body.split('::');
  let groups: number[];
  if (halves.length > 2) throw invalid(text, '"::" may appear only once');
  if (halves.length === 2) {
    const head = parseGroups(halves[0] ?? '', text);
    const tail = parseGroups(halves[1] ?? '', text);
    const missing = groupSlots - head.length - tail.length;
    // RFC 4291: "::" stands for one or more zero groups.
    if (missing < 1) throw invalid(text, 'too many groups around "::"');
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    groups = parseGroups(body, text);
    if (groups.length !== groupSlots) throw invalid(text, `expected ${groupSlots} groups, got ${groups.length}`);
  }
  groups.forEach((group, index) => {
    out[index * 2] = group >> 8;
    out[index * 2 + 1] = group & 0xff;
  });
  if (tailIpv4) out.set(tailIpv4, 12);
  return out;
}

/** Parses an IPv4 or IPv6 literal to its 4- or 16-byte network form. Throws PkiError PKI_INVALID_IP. */
export function parseIpAddress(text: string): Uint8Array {
  if (typeof text !== 'string' || text.length === 0) throw invalid(String(text), 'empty');
  if (text.length > MAX_IP_TEXT_LENGTH) throw invalid(text.substring(0, MAX_IP_TEXT_LENGTH), 'too long');
  if (text.includes(':')) return parseIpv6(text);
  const out = new Uint8Array(4);
  parseIpv4Into(text, text, out, 0);
  return out;
}

function isIpv4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/** Formats 4 or 16 bytes as canonical text (dotted quad; RFC 5952 IPv6, "::ffff:a.b.c.d" for mapped IPv4). */
export function formatIpAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) throw new PkiError('PKI_INVALID_IP', `an IP address has 4 or 16 bytes, not ${bytes.length}`);
  if (isIpv4Mapped(bytes)) return `::ffff:${Array.from(bytes.subarray(12)).join('.')}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  // RFC 5952 4.2: compress the longest run of two or more zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; ) {
    if (groups[start] !== 0) {
      start++;
      continue;
    }
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** parse + format: the canonical spelling of an IP literal. */
export function canonicalIpAddress(text: string): string {
  return formatIpAddress(parseIpAddress(text));
}

/**
 * The spelling @peculiar/asn1-x509's IP converter decodes correctly: dotted IPv4, or all eight
 * IPv6 groups (its parser mishandles embedded IPv4 tails such as "::ffff:1.2.3.4").
 */
export function peculiarIpText(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}

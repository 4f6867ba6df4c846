/**
 * WS-Security UsernameToken (OASIS UsernameToken Profile 1.0) as the ONVIF Core spec uses it:
 * PasswordDigest = Base64(SHA-1(nonce + created + password)), with a freshness window on
 * Created and a replay cache of nonces; PasswordText only over TLS.
 */
import { hash } from 'node:crypto';
import { attr, child, type XmlElement } from '../xml/dom.js';
import { NS } from '../xml/ns.js';
import type { NonceCache } from './nonce-cache.js';
import { safeEqual } from './secrets.js';

const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';

export interface UsernameToken {
  username: string;
  password: string;
  type: 'digest' | 'text';
  nonce: Buffer | undefined;
  created: string | undefined;
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

export type TokenProblem = 'malformed' | 'unknown-password-type';

/** Extracts the UsernameToken from a SOAP Header; undefined when there is none. */
export function readUsernameToken(header: XmlElement | undefined): UsernameToken | TokenProblem | undefined {
  const security = child(header, 'Security', NS.wsse);
  if (!security) return undefined;
  const token = child(security, 'UsernameToken', NS.wsse);
  if (!token) return undefined;
  const username = child(token, 'Username', NS.wsse)?.text.trim();
  const pw = child(token, 'Password', NS.wsse);
  if (!username || !pw) return 'malformed';
  const typeAttr = attr(pw, 'Type') ?? PASSWORD_TEXT;
  let type: UsernameToken['type'];
  // By fragment: the rest is the UsernameToken Profile's URI, which some clients vary.
  if (typeAttr.endsWith('#PasswordDigest')) type = 'digest';
  else if (typeAttr.endsWith('#PasswordText')) type = 'text';
  else return 'unknown-password-type';
  const nonceText = child(token, 'Nonce', NS.wsse)?.text.trim();
  const created = child(token, 'Created', NS.wsu)?.text.trim();
  let nonce: Buffer | undefined;
  if (nonceText !== undefined) {
    if (!BASE64_RE.test(nonceText)) return 'malformed';
    nonce = Buffer.from(nonceText, 'base64');
  }
  return { username, password: pw.text.trim(), type, nonce, created };
}

/** Digits s[i, i + len) as a number; NaN if any is not a digit. */
function digits(s: string, i: number, len: number): number {
  let v = 0;
  for (let k = i; k < i + len; k++) {
    const d = s.charCodeAt(k) - 0x30;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * wsu:Created (xs:dateTime) in ms since the epoch. The form nearly every client sends,
 * `YYYY-MM-DDTHH:MM:SS[.mmm]Z`, is read directly (several times faster than Date.parse, and on
 * every request); anything else goes to Date.parse.
 */
export function parseTimestamp(s: string): number {
  const n = s.length;
  if ((n === 20 || n === 24) && s.charCodeAt(n - 1) === 0x5a /* Z */ && s[4] === '-' && s[7] === '-' && s[10] === 'T' && s[13] === ':' && s[16] === ':' && (n === 20 || s[19] === '.')) {
    const month = digits(s, 5, 2);
    const day = digits(s, 8, 2);
    const hour = digits(s, 11, 2);
    const minute = digits(s, 14, 2);
    const second = digits(s, 17, 2);
    const year = digits(s, 0, 4);
    if (year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59) {
      return Date.UTC(year, month - 1, day, hour, minute, second, n === 24 ? digits(s, 20, 3) : 0);
    }
  }
  return Date.parse(s);
}

export function passwordDigest(nonce: Buffer, created: string, password: string): string {
  // One-shot hash: a Hash object per request costs more than the SHA-1 itself.
  return hash('sha1', Buffer.concat([nonce, Buffer.from(created + password, 'utf8')]), 'base64');
}

export { NonceCache, type NonceCacheOptions } from './nonce-cache.js';

export type TokenVerdict = 'ok' | 'bad-password' | 'stale' | 'replay' | 'text-needs-tls' | 'malformed';

export function verifyUsernameToken(
  token: UsernameToken,
  password: string,
  opts: { secure: boolean; nonces: NonceCache; now: number },
): TokenVerdict {
  if (token.type === 'text') {
    if (!opts.secure) return 'text-needs-tls';
    return safeEqual(token.password, password) ? 'ok' : 'bad-password';
  }
  if (!token.nonce || token.created === undefined || token.nonce.length === 0) return 'malformed';
  const createdMs = parseTimestamp(token.created);
  if (!safeEqual(passwordDigest(token.nonce, token.created, password), token.password)) return 'bad-password';
  // Checked after the digest so an attacker cannot burn a victim's nonces with bad passwords.
  const freshness = opts.nonces.check(token.nonce, createdMs, opts.now);
  return freshness;
}

/**
 * WS-Security UsernameToken (OASIS UsernameToken Profile 1.0) as the ONVIF Core spec uses it:
 * PasswordDigest = Base64(SHA-1(nonce + created + password)), with a freshness window on
 * Created and a replay cache of nonces; PasswordText only over TLS.
 */
import { createHash } from 'node:crypto';
import { attr, child, type XmlElement } from '../xml/dom.js';
import { NS } from '../xml/ns.js';
import { safeEqual } from './secrets.js';

const PASSWORD_DIGEST = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';

export interface UsernameToken {
  username: string;
  password: string;
  type: 'digest' | 'text';
  nonce: Buffer | undefined;
  created: string | undefined;
}

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
  if (typeAttr === PASSWORD_DIGEST || typeAttr.endsWith('#PasswordDigest')) type = 'digest';
  else if (typeAttr === PASSWORD_TEXT || typeAttr.endsWith('#PasswordText')) type = 'text';
  else return 'unknown-password-type';
  const nonceText = child(token, 'Nonce', NS.wsse)?.text.trim();
  const created = child(token, 'Created', NS.wsu)?.text.trim();
  let nonce: Buffer | undefined;
  if (nonceText !== undefined) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(nonceText)) return 'malformed';
    nonce = Buffer.from(nonceText, 'base64');
  }
  return { username, password: pw.text.trim(), type, nonce, created };
}

export function passwordDigest(nonce: Buffer, created: string, password: string): string {
  return createHash('sha1').update(nonce).update(created, 'utf8').update(password, 'utf8').digest('base64');
}

export interface NonceCacheOptions {
  /** Accepted |now − Created|, in ms. */
  windowMs: number;
  maxEntries: number;
}

/**
 * Remembers nonces seen within the freshness window. When full, the oldest entry is evicted and
 * the window's lower edge moves up to its Created time, so an evicted nonce can never be replayed:
 * any token created at or before that edge is refused as stale.
 */
export class NonceCache {
  readonly #opts: NonceCacheOptions;
  readonly #seen = new Map<string, number>();
  #floor = -Infinity;
  constructor(opts: Partial<NonceCacheOptions> = {}) {
    this.#opts = { windowMs: 5 * 60_000, maxEntries: 200_000, ...opts };
  }
  get windowMs(): number {
    return this.#opts.windowMs;
  }
  /** Returns 'ok' and remembers the nonce, or why it is refused. */
  check(nonce: Buffer, createdMs: number, now: number): 'ok' | 'stale' | 'replay' {
    if (!Number.isFinite(createdMs) || Math.abs(now - createdMs) > this.#opts.windowMs || createdMs <= this.#floor) {
      return 'stale';
    }
    this.#expire(now);
    const key = nonce.toString('base64');
    if (this.#seen.has(key)) return 'replay';
    if (this.#seen.size >= this.#opts.maxEntries) {
      const first = this.#seen.entries().next();
      if (!first.done) {
        this.#seen.delete(first.value[0]);
        this.#floor = Math.max(this.#floor, first.value[1]);
      }
    }
    this.#seen.set(key, createdMs);
    return 'ok';
  }
  #expire(now: number): void {
    // Entries are not strictly ordered by Created, so sweep a bounded number from the front.
    let n = 0;
    for (const [k, created] of this.#seen) {
      if (n++ > 64) break;
      if (now - created > this.#opts.windowMs * 2) this.#seen.delete(k);
    }
  }
}

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
  const createdMs = Date.parse(token.created);
  if (!safeEqual(passwordDigest(token.nonce, token.created, password), token.password)) return 'bad-password';
  // Checked after the digest so an attacker cannot burn a victim's nonces with bad passwords.
  const freshness = opts.nonces.check(token.nonce, createdMs, opts.now);
  return freshness;
}

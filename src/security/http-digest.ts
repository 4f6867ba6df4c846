/**
 * HTTP Digest access authentication, server side (RFC 7616): MD5 and SHA-256, qop=auth.
 * Nonces are stateless (timestamp + random + HMAC under a per-process key) so they cannot be
 * forged; nonce-count values are tracked per nonce (bounded) so a captured request cannot be
 * replayed. Used for SOAP over HTTP and, with the same parser, for RTSP.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from './secrets.js';

export type DigestAlgorithm = 'MD5' | 'SHA-256';

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: DigestAlgorithm;
  qop: string | undefined;
  nc: string | undefined;
  cnonce: string | undefined;
  opaque: string | undefined;
}

/** Parses `Digest k=v, k="v"` (RFC 7616 §3.4); undefined when not a well-formed Digest header. */
export function parseDigestAuthorization(header: string): DigestCredentials | undefined {
  const m = /^\s*Digest\s+/i.exec(header);
  if (!m) return undefined;
  const params = parseAuthParams(header.substring(m[0].length));
  if (!params) return undefined;
  const username = params.get('username');
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  const uri = params.get('uri');
  const response = params.get('response');
  if (username === undefined || realm === undefined || nonce === undefined || uri === undefined || response === undefined) {
    return undefined;
  }
  const algRaw = (params.get('algorithm') ?? 'MD5').toUpperCase();
  let algorithm: DigestAlgorithm;
  if (algRaw === 'MD5') algorithm = 'MD5';
  else if (algRaw === 'SHA-256') algorithm = 'SHA-256';
  else return undefined;
  return {
    username, realm, nonce, uri, response: response.toLowerCase(), algorithm,
    qop: params.get('qop'), nc: params.get('nc'), cnonce: params.get('cnonce'), opaque: params.get('opaque'),
  };
}

/** auth-param list parser: token=token or token="quoted \"string\"", comma separated. */
export function parseAuthParams(s: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  let i = 0;
  const n = s.length;
  if (n > 4096) return undefined;
  while (i < n) {
    while (i < n && (s[i] === ' ' || s[i] === '\t' || s[i] === ',')) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n && /[A-Za-z0-9_\-*]/.test(s[i]!)) i++;
    const key = s.substring(keyStart, i).toLowerCase();
    while (i < n && (s[i] === ' ' || s[i] === '\t')) i++;
    if (!key || s[i] !== '=') return undefined;
    i++;
    while (i < n && (s[i] === ' ' || s[i] === '\t')) i++;
    let value = '';
    if (s[i] === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const ch = s[i]!;
        if (ch === '\\' && i + 1 < n) {
          value += s[i + 1];
          i += 2;
        } else if (ch === '"') {
          i++;
          closed = true;
          break;
        } else {
          value += ch;
          i++;
        }
      }
      if (!closed) return undefined;
    } else {
      const vs = i;
      while (i < n && s[i] !== ',' && s[i] !== ' ' && s[i] !== '\t') i++;
      value = s.substring(vs, i);
    }
    if (out.has(key)) return undefined;
    out.set(key, value);
  }
  return out;
}

function h(alg: DigestAlgorithm, s: string): string {
  return createHash(alg === 'MD5' ? 'md5' : 'sha256').update(s, 'utf8').digest('hex');
}

/** The expected `response` value for the credentials and a known password (RFC 7616 §3.4.1). */
export function expectedDigestResponse(c: DigestCredentials, password: string, method: string): string {
  const ha1 = h(c.algorithm, `${c.username}:${c.realm}:${password}`);
  const ha2 = h(c.algorithm, `${method}:${c.uri}`);
  if (c.qop === 'auth') return h(c.algorithm, `${ha1}:${c.nonce}:${c.nc}:${c.cnonce}:auth:${ha2}`);
  return h(c.algorithm, `${ha1}:${c.nonce}:${ha2}`);
}

export type DigestVerdict = 'ok' | 'bad-password' | 'stale-nonce' | 'bad-nonce' | 'replay' | 'bad-request';

export interface DigestAuthOptions {
  realm: string;
  nonceLifetimeMs: number;
  maxTrackedNonces: number;
}

export class DigestAuthority {
  readonly realm: string;
  readonly #key = randomBytes(32);
  readonly #opaque = randomBytes(16).toString('hex');
  readonly #lifetime: number;
  readonly #max: number;
  /** nonce → highest nonce-count seen. */
  readonly #counts = new Map<string, number>();
  /** Nonces issued at or before this time were evicted from #counts and are treated as stale. */
  #floor = -Infinity;

  constructor(opts: Partial<DigestAuthOptions> = {}) {
    this.realm = opts.realm ?? 'vigil';
    this.#lifetime = opts.nonceLifetimeMs ?? 5 * 60_000;
    this.#max = opts.maxTrackedNonces ?? 100_000;
  }

  newNonce(now = Date.now()): string {
    const body = Buffer.alloc(16);
    body.writeBigUInt64BE(BigInt(now), 0);
    randomBytes(8).copy(body, 8);
    const mac = createHmac('sha256', this.#key).update(body).digest().subarray(0, 16);
    return Buffer.concat([body, mac]).toString('base64url');
  }

  /** `WWW-Authenticate` values: SHA-256 first (preferred), then MD5 for older clients. */
  challenges(stale = false, now = Date.now()): string[] {
    const nonce = this.newNonce(now);
    const common = `realm="${this.realm}", qop="auth", nonce="${nonce}", opaque="${this.#opaque}"${stale ? ', stale=true' : ''}`;
    return [`Digest ${common}, algorithm=SHA-256`, `Digest ${common}, algorithm=MD5`];
  }

  #checkNonce(nonce: string, now: number): 'ok' | 'stale-nonce' | 'bad-nonce' {
    const raw = Buffer.from(nonce, 'base64url');
    if (raw.length !== 32) return 'bad-nonce';
    const mac = createHmac('sha256', this.#key).update(raw.subarray(0, 16)).digest().subarray(0, 16);
    if (!safeEqual(mac.toString('hex'), raw.subarray(16).toString('hex'))) return 'bad-nonce';
    const issued = Number(raw.readBigUInt64BE(0));
    if (now - issued > this.#lifetime || issued - now > 60_000 || issued <= this.#floor) return 'stale-nonce';
    return 'ok';
  }

  /**
   * Verifies credentials for `method` and request target `requestUri`. `passwordOf` returns the
   * user's password or undefined for an unknown user (checked in constant shape either way).
   */
  verify(c: DigestCredentials, method: string, requestUri: string, passwordOf: (u: string) => string | undefined, now = Date.now()): DigestVerdict {
    if (c.realm !== this.realm) return 'bad-request';
    if (c.qop !== undefined && c.qop !== 'auth') return 'bad-request';
    if (c.qop === 'auth' && (c.nc === undefined || c.cnonce === undefined || !/^[0-9a-fA-F]{8}$/.test(c.nc))) return 'bad-request';
    if (!uriMatches(c.uri, requestUri)) return 'bad-request';
    const nonceState = this.#checkNonce(c.nonce, now);
    if (nonceState === 'bad-nonce') return 'bad-nonce';
    const password = passwordOf(c.username);
    const expected = expectedDigestResponse(c, password ?? '\u0000no-such-user', method);
    if (!safeEqual(expected, c.response) || password === undefined) return 'bad-password';
    if (nonceState === 'stale-nonce') return 'stale-nonce';
    // Replay protection: every request on a nonce must carry a higher nonce-count.
    const nc = c.nc === undefined ? 0 : parseInt(c.nc, 16);
    const last = this.#counts.get(c.nonce);
    if (last !== undefined && nc <= last) return 'replay';
    if (c.qop === undefined && last !== undefined) return 'replay';
    if (last === undefined && this.#counts.size >= this.#max) {
      const first = this.#counts.keys().next();
      if (!first.done) {
        this.#counts.delete(first.value);
        const raw = Buffer.from(first.value, 'base64url');
        this.#floor = Math.max(this.#floor, Number(raw.readBigUInt64BE(0)));
      }
    }
    this.#counts.set(c.nonce, nc);
    return 'ok';
  }
}

/** The digest `uri` must name the request target (absolute-form or origin-form). */
function uriMatches(digestUri: string, requestUri: string): boolean {
  if (digestUri === requestUri) return true;
  try {
    const a = new URL(digestUri, 'http://x');
    const b = new URL(requestUri, 'http://x');
    return a.pathname === b.pathname && a.search === b.search;
  } catch {
    return false;
  }
}

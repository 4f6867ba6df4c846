/**
 * Establishes who is calling, from (in order) a WS-Security UsernameToken, an HTTP Digest
 * Authorization header, or a verified client certificate; otherwise the caller is Anonymous.
 * Repeated failures from one source are throttled before any credential is checked.
 */
import type { RequestContext } from '../core/context.js';
import type { XmlElement } from '../xml/dom.js';
import type { UserStore } from '../storage/users.js';
import { ANONYMOUS, type Principal } from './access.js';
import { DigestAuthority, parseDigestAuthorization } from './http-digest.js';
import { AuthThrottle, type ThrottleOptions } from './throttle.js';
import { NonceCache, readUsernameToken, verifyUsernameToken } from './usernametoken.js';

export type AuthFailureReason =
  | 'locked-out'
  | 'bad-credentials'
  | 'unknown-user'
  | 'stale'
  | 'replay'
  | 'text-password-needs-tls'
  | 'malformed'
  | 'stale-nonce';

const GUESSES: ReadonlySet<AuthFailureReason> = new Set(['bad-credentials', 'unknown-user', 'malformed']);

export type AuthResult =
  | { ok: true; principal: Principal }
  | {
      ok: false;
      reason: AuthFailureReason;
      /** The username the client claimed, for the audit log. */
      claimed: string;
      /** Which mechanism failed: WS-Security failures are SOAP faults, HTTP ones are 401s. */
      via: 'ws-security' | 'http';
    };

export interface AuthenticatorOptions {
  realm: string;
  /** Accepted clock difference for UsernameToken Created, ms. */
  usernameTokenWindowMs: number;
  throttle: Partial<ThrottleOptions>;
}

export class Authenticator {
  readonly digest: DigestAuthority;
  readonly #users: UserStore;
  readonly #nonces: NonceCache;
  readonly #throttle: AuthThrottle;
  readonly #now: () => number;

  /** `now` is the node's clock (UsernameToken Created is compared with what GetSystemDateAndTime reports). */
  constructor(users: UserStore, opts: Partial<AuthenticatorOptions> = {}, now: () => number = Date.now) {
    this.#users = users;
    this.#now = now;
    this.digest = new DigestAuthority({ realm: opts.realm ?? 'vigil' });
    this.#nonces = new NonceCache({ windowMs: opts.usernameTokenWindowMs ?? 5 * 60_000 });
    this.#throttle = new AuthThrottle(opts.throttle);
  }

  authenticate(ctx: RequestContext, soapHeader: XmlElement | undefined, now = this.#now()): AuthResult {
    const token = readUsernameToken(soapHeader);
    const authz = ctx.headers.authorization;
    if (token === undefined && authz === undefined) {
      if (ctx.peerCertificate) {
        const user = this.#users.userForCertificate(ctx.peerCertificate.subject, ctx.peerCertificate.commonName);
        if (user) return { ok: true, principal: { username: user.username, level: user.level, method: 'mtls' } };
      }
      return { ok: true, principal: ANONYMOUS };
    }
    const source = ctx.remoteAddress;
    if (this.#throttle.lockedFor(source) > 0) {
      const claimed = typeof token === 'object' ? token.username : '';
      return { ok: false, reason: 'locked-out', claimed, via: token !== undefined ? 'ws-security' : 'http' };
    }
    const result = token !== undefined ? this.#fromToken(ctx, token, now) : this.#fromDigest(ctx, authz!);
    if (result.ok) this.#throttle.recordSuccess(source);
    // Only guesses count towards a lockout. Stale/replayed tokens and expired digest nonces are
    // only reported after the password itself checked out, so they reveal nothing to a guesser,
    // and counting them would lock out honest clients whose clocks are off.
    else if (GUESSES.has(result.reason)) this.#throttle.recordFailure(source);
    return result;
  }

  #fromToken(ctx: RequestContext, token: ReturnType<typeof readUsernameToken>, now: number): AuthResult {
    if (token === undefined || typeof token === 'string') return { ok: false, reason: 'malformed', claimed: '', via: 'ws-security' };
    const user = this.#users.get(token.username);
    const password = this.#users.passwordOf(token.username);
    const verdict = verifyUsernameToken(token, password ?? '\u0000no-such-user', { secure: ctx.secure, nonces: this.#nonces, now });
    const fail = (reason: AuthFailureReason): AuthResult => ({ ok: false, reason, claimed: token.username, via: 'ws-security' });
    if (!user) return fail('unknown-user');
    switch (verdict) {
      case 'ok':
        return { ok: true, principal: { username: user.username, level: user.level, method: 'ws-usernametoken' } };
      case 'bad-password':
        return fail('bad-credentials');
      case 'text-needs-tls':
        return fail('text-password-needs-tls');
      default:
        return fail(verdict);
    }
  }

  #fromDigest(ctx: RequestContext, authz: string): AuthResult {
    const creds = parseDigestAuthorization(authz);
    if (!creds) return { ok: false, reason: 'malformed', claimed: '', via: 'http' };
    // Digest nonces carry host time (they are ours, not the client's), so the host clock checks them.
    const verdict = this.digest.verify(creds, ctx.method, ctx.url, (u) => this.#users.passwordOf(u));
    const fail = (reason: AuthFailureReason): AuthResult => ({ ok: false, reason, claimed: creds.username, via: 'http' });
    switch (verdict) {
      case 'ok': {
        const user = this.#users.get(creds.username)!;
        return { ok: true, principal: { username: user.username, level: user.level, method: 'http-digest' } };
      }
      case 'stale-nonce':
        return fail('stale-nonce');
      case 'replay':
        return fail('replay');
      case 'bad-password':
        return fail('bad-credentials');
      default:
        return fail('malformed');
    }
  }
}

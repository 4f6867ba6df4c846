/**
 * RTSP authentication (ONVIF Core "RTSP authentication": digest at the RTSP level, also inside
 * HTTP and WebSocket tunnels; ONVIF Streaming: the access class of streams is READ_MEDIA). The
 * node's Authenticator checks the credentials (users, throttling, nonce replay) exactly as for
 * HTTP; anonymous callers are challenged with the node's digest challenges.
 *
 * One allowance: clients that implement RFC 2069-style digest (no qop/nc, e.g. GStreamer)
 * reuse one nonce for every request of a connection. The authority reports such a reuse as a
 * replay only after the response itself verified, so a reuse is accepted when this very
 * connection was the one that first used the nonce; a replay from anywhere else still fails.
 */
import type { PeerCertificate, RequestContext } from '../../core/context.js';
import { isAllowed, type Principal } from '../../security/access.js';
import type { AuthFailureReason, Authenticator } from '../../security/authenticator.js';
import { parseDigestAuthorization } from '../../security/http-digest.js';
import type { RtspRequest } from '../../protocol/rtsp/message.js';

/** Per-connection memory of the nonces it authenticated with (bounded). */
export class ConnectionNonces {
  readonly #byNonce = new Map<string, Principal>();

  remember(nonce: string, principal: Principal): void {
    if (this.#byNonce.size >= 8 && !this.#byNonce.has(nonce)) {
      const oldest = this.#byNonce.keys().next().value;
      if (oldest !== undefined) this.#byNonce.delete(oldest);
    }
    this.#byNonce.set(nonce, principal);
  }

  get(nonce: string): Principal | undefined {
    return this.#byNonce.get(nonce);
  }
}

export type RtspAuthResult =
  | { ok: true; principal: Principal }
  | { ok: false; status: 401 | 403; challenges: string[]; reason: AuthFailureReason | 'anonymous' | 'access-denied'; claimed: string };

export interface AuthRequestInfo {
  remoteAddress: string;
  secure: boolean;
  peerCertificate: PeerCertificate | undefined;
}

export class RtspAuth {
  readonly #authenticator: Authenticator;

  constructor(authenticator: Authenticator) {
    this.#authenticator = authenticator;
  }

  /** Authenticates and checks READ_MEDIA. */
  check(req: RtspRequest, info: AuthRequestInfo, nonces: ConnectionNonces): RtspAuthResult {
    const authorization = req.headers.get('Authorization');
    const ctx: RequestContext = {
      transport: info.secure ? 'https' : 'http',
      secure: info.secure,
      remoteAddress: info.remoteAddress,
      method: req.method,
      url: req.uri,
      authority: undefined,
      headers: authorization === undefined ? {} : { authorization },
      peerCertificate: info.peerCertificate,
    };
    const result = this.#authenticator.authenticate(ctx, undefined);
    let principal: Principal;
    if (result.ok) {
      principal = result.principal;
      const creds = authorization !== undefined ? parseDigestAuthorization(authorization) : undefined;
      if (creds && principal.method === 'http-digest') nonces.remember(creds.nonce, principal);
    } else {
      const creds = result.reason === 'replay' && authorization !== undefined ? parseDigestAuthorization(authorization) : undefined;
      const known = creds ? nonces.get(creds.nonce) : undefined;
      if (!known || known.username !== creds!.username) {
        return { ok: false, status: 401, challenges: this.#authenticator.digest.challenges(result.reason === 'stale-nonce'), reason: result.reason, claimed: result.claimed };
      }
      principal = known;
    }
    if (principal.method === 'anonymous') {
      return { ok: false, status: 401, challenges: this.#authenticator.digest.challenges(), reason: 'anonymous', claimed: '' };
    }
    if (!isAllowed(principal.level, 'READ_MEDIA')) {
      return { ok: false, status: 403, challenges: [], reason: 'access-denied', claimed: principal.username };
    }
    return { ok: true, principal };
  }
}

/**
 * What every northbound request carries regardless of how it arrived: HTTP/1.1, HTTPS (HTTP/1.1
 * or HTTP/2 via ALPN), or HTTP/2 served over an uplink tunnel. Services see only this.
 */
import type { IncomingHttpHeaders } from 'node:http';

export type Transport = 'http' | 'https' | 'h2' | 'h2c' | 'uplink';

export interface PeerCertificate {
  subject: string;
  commonName: string | undefined;
  fingerprint256: string;
}

export interface RequestContext {
  transport: Transport;
  /** True when the bytes were protected by TLS end to end (HTTPS, or an uplink over TLS). */
  secure: boolean;
  remoteAddress: string;
  method: string;
  /** Request target: path and query. */
  url: string;
  /** The authority the client used (Host or :authority), for building absolute URLs. */
  authority: string | undefined;
  headers: IncomingHttpHeaders;
  /** A client certificate that verified against the configured client CA. */
  peerCertificate: PeerCertificate | undefined;
}

/** scheme://authority the client reached us on, for XAddrs and stream URIs in responses. */
export function baseUrl(ctx: RequestContext, fallbackHost: string): string {
  const scheme = ctx.secure ? 'https' : 'http';
  return `${scheme}://${ctx.authority ?? fallbackHost}`;
}

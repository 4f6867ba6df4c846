/**
 * Listening servers for the one request handler: plain HTTP/1.1, and TLS with ALPN choosing
 * HTTP/2 or HTTP/1.1. `serveHttp2OnSocket` serves HTTP/2 on any already-connected duplex
 * stream, which is how an uplink (IEC 62676-2-33 §8, h2c-reverse) hands us its connection.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createSecureServer, createServer as createH2Server, type Http2SecureServer, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { ConnectionInfo, HttpFrontend } from './frontend.js';

/** Bounds against slow or flooding clients, shared by every listener. */
export const LIMITS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxHeaderSize: 16 * 1024,
  maxHeadersCount: 100,
  /**
   * Idle time after which a TLS connection is closed. Long enough for event long polls
   * (PullMessages may wait minutes: the Core spec asks for at least one) to stay quiet that long.
   */
  idleTimeoutMs: 11 * 60_000,
};

export async function listenHttp(frontend: HttpFrontend, host: string, port: number): Promise<HttpServer> {
  const server = createHttpServer(
    { maxHeaderSize: LIMITS.maxHeaderSize, requestTimeout: LIMITS.requestTimeoutMs, headersTimeout: LIMITS.headersTimeoutMs },
    frontend.listener({ transport: 'http', secure: false }),
  );
  server.keepAliveTimeout = LIMITS.keepAliveTimeoutMs;
  // One more than allowed, so the front end can tell "too many" from "exactly the limit".
  server.maxHeadersCount = LIMITS.maxHeadersCount + 1;
  sniffConnections(server, 'connection', frontend, { transport: 'http', secure: false });
  trackConnections(server);
  await listen(server, host, port);
  return server;
}

export interface TlsSettings {
  certPem: string;
  keyPem: string;
  /** CA bundle that client certificates must chain to; enables mTLS. */
  clientCaPem: string | undefined;
  /** 'required': handshake fails without a valid client cert. 'optional': one may be presented. */
  clientCertMode: 'off' | 'optional' | 'required';
}

export async function listenHttps(frontend: HttpFrontend, host: string, port: number, tls: TlsSettings): Promise<Http2SecureServer> {
  const mtls = tls.clientCertMode !== 'off' && tls.clientCaPem !== undefined;
  const server = createSecureServer(
    {
      allowHTTP1: true,
      cert: tls.certPem,
      key: tls.keyPem,
      minVersion: 'TLSv1.2',
      maxSessionMemory: 64,
      peerMaxConcurrentStreams: 128,
      maxHeaderListPairs: LIMITS.maxHeadersCount,
      ...(mtls ? { ca: tls.clientCaPem, requestCert: true, rejectUnauthorized: tls.clientCertMode === 'required' } : {}),
    },
    frontend.listener({ transport: 'https', secure: true }),
  );
  sniffConnections(server, 'secureConnection', frontend, { transport: 'https', secure: true });
  if (mtls && tls.clientCertMode === 'optional') {
    // A presented certificate that does not verify is refused outright, not ignored.
    server.on('secureConnection', (socket: TLSSocket) => {
      if (!socket.authorized && socket.getPeerCertificate()?.subject) socket.destroy();
    });
  }
  server.setTimeout(LIMITS.idleTimeoutMs);
  trackConnections(server);
  await listen(server, host, port);
  return server;
}

/**
 * Lets the front end's sniffer see each connection before the server's own protocol listener
 * (RTSP tunnels and WebSockets share these ports): that listener is moved behind the sniffer.
 */
function sniffConnections(server: HttpServer | Http2SecureServer, event: 'connection' | 'secureConnection', frontend: HttpFrontend, conn: ConnectionInfo): void {
  const [protocolListener] = server.listeners(event) as ((socket: Duplex) => void)[];
  if (!protocolListener) return;
  server.removeListener(event, protocolListener);
  server.on(event, (socket: Duplex) => frontend.sniff(conn, socket, () => protocolListener.call(server, socket)));
}

const OPEN = Symbol('open connections');
type Tracked = { [OPEN]?: Set<{ destroy(): void }> };

/** Remembers every connection so that shutdown can end keep-alive and HTTP/2 sessions. */
function trackConnections(server: HttpServer | Http2SecureServer): void {
  const open = new Set<{ destroy(): void }>();
  (server as Tracked)[OPEN] = open;
  server.on('secureConnection', (s: TLSSocket) => {
    open.add(s);
    s.once('close', () => open.delete(s));
  });
  server.on('connection', (s: { destroy(): void; once(e: string, f: () => void): void }) => {
    open.add(s);
    s.once('close', () => open.delete(s));
  });
}

export function closeConnections(server: HttpServer | Http2SecureServer): void {
  for (const s of (server as Tracked)[OPEN] ?? []) s.destroy();
}

/**
 * Serves HTTP/2 on a connected duplex (no TLS handshake here: the caller owns the transport,
 * e.g. the TLS socket an uplink dialled out on). All such connections share one h2 server.
 */
export function createTunnelHttp2Server(frontend: HttpFrontend, conn: ConnectionInfo): Http2Server {
  return createH2Server({ maxHeaderListPairs: LIMITS.maxHeadersCount, peerMaxConcurrentStreams: 128 }, frontend.listener(conn));
}

export function serveHttp2OnSocket(server: Http2Server, socket: Duplex): void {
  server.emit('connection', socket);
}

function listen(server: HttpServer | Http2SecureServer, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export function boundPort(server: HttpServer | Http2SecureServer): number {
  return (server.address() as AddressInfo).port;
}

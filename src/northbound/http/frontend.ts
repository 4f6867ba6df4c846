/**
 * The one HTTP request handler. HTTP/1.1, HTTPS (HTTP/1.1 or HTTP/2 by ALPN) and HTTP/2 served
 * over an uplink tunnel all end up in `handle`, through Node's compatibility API that gives
 * HTTP/1 and HTTP/2 requests the same shape. Everything transport-specific is turned into a
 * RequestContext here; routes and the SOAP engine never look at sockets.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { PeerCertificate, RequestContext, Transport } from '../../core/context.js';
import { VigilError } from '../../core/errors.js';
import type { SoapEngine } from '../../soap/engine.js';

/** Header fields accepted per request (HTTP/2 enforces the same through maxHeaderListPairs). */
export const MAX_HEADERS = 100;

export type AnyRequest = IncomingMessage | Http2ServerRequest;
export type AnyResponse = ServerResponse | Http2ServerResponse;

/** A non-SOAP route (snapshots, RTSP-over-HTTP tunnel, …). Returns false to pass. */
export type Route = (ctx: RequestContext, req: AnyRequest, res: AnyResponse) => boolean | Promise<boolean>;

export interface FrontendOptions {
  maxBodyBytes: number;
}

/**
 * Looks at a new connection on the HTTP(S) ports before the HTTP server does, to claim the ones
 * that carry another protocol there (RTSP-over-HTTP tunnels, RTSP over WebSocket). It either
 * keeps the socket or calls `passOn` with every byte it read put back.
 */
export type ConnectionSniffer = (conn: ConnectionInfo, socket: Duplex, passOn: () => void) => void;

/** How the connection a request came on was established; decided by the server that accepted it. */
export interface ConnectionInfo {
  transport: Transport;
  secure: boolean;
  /** For tunnels: who is at the far end (the socket's own address is the tunnel's). */
  remoteAddress?: string;
}

export class HttpFrontend {
  readonly #engine: SoapEngine;
  readonly #log: Logger;
  readonly #opts: FrontendOptions;
  readonly #routes: { prefix: string; route: Route }[] = [];
  #sniffer: ConnectionSniffer | undefined;

  constructor(engine: SoapEngine, log: Logger, opts: Partial<FrontendOptions> = {}) {
    this.#engine = engine;
    this.#log = log;
    this.#opts = { maxBodyBytes: 1024 * 1024, ...opts };
  }

  /**
   * Adds a route for requests whose path starts with `pathPrefix`. Routes are tried in the order
   * added; only matching ones run, so SOAP requests pay nothing for them.
   */
  addRoute(pathPrefix: string, route: Route): void {
    this.#routes.push({ prefix: pathPrefix, route });
  }

  setConnectionSniffer(sniffer: ConnectionSniffer | undefined): void {
    this.#sniffer = sniffer;
  }

  /** Offers a new connection to the sniffer (servers.ts), else hands it straight to HTTP. */
  sniff(conn: ConnectionInfo, socket: Duplex, passOn: () => void): void {
    const sniffer = this.#sniffer;
    if (!sniffer) return passOn();
    sniffer(conn, socket, passOn);
  }

  /** A request listener for a server whose connections are all of one kind. */
  listener(conn: ConnectionInfo): (req: AnyRequest, res: AnyResponse) => void {
    return (req, res) => {
      try {
        this.handle(conn, req, res)?.catch((err: unknown) => this.#failed(res, err));
      } catch (err) {
        this.#failed(res, err);
      }
    };
  }

  #failed(res: AnyResponse, err: unknown): void {
    this.#log.error({ err }, 'unhandled error in request handler');
    if (!res.headersSent) sendText(res, 500, 'internal error\n');
    else res.destroy();
  }

  contextOf(conn: ConnectionInfo, req: AnyRequest): RequestContext {
    const h2 = req.httpVersionMajor === 2;
    const transport: Transport = conn.transport === 'https' && h2 ? 'h2' : conn.transport;
    const headers = req.headers;
    const authority = (headers.host ?? (headers[':authority'] as string | undefined)) || undefined;
    return {
      transport,
      secure: conn.secure,
      remoteAddress: conn.remoteAddress ?? req.socket?.remoteAddress ?? 'unknown',
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      authority,
      headers,
      peerCertificate: conn.secure && conn.transport !== 'uplink' ? verifiedPeer(req.socket as TLSSocket) : undefined,
    };
  }

  /**
   * Serves one request. SOAP requests are handled without promises when the operation is
   * synchronous (the body arrives by callback, the engine answers in place); a promise is
   * returned only when something asynchronous is still running.
   */
  handle(conn: ConnectionInfo, req: AnyRequest, res: AnyResponse): Promise<void> | undefined {
    if (req.rawHeaders.length / 2 > MAX_HEADERS) {
      // node:http truncates rather than refuses a header flood; refuse it here.
      if (req.httpVersionMajor === 1) res.setHeader('connection', 'close');
      sendText(res, 431, `more than ${MAX_HEADERS} header fields\n`);
      return undefined;
    }
    const ctx = this.contextOf(conn, req);
    const q = ctx.url.indexOf('?');
    const path = q < 0 ? ctx.url : ctx.url.substring(0, q);
    const routes = this.#routes;
    for (let i = 0; i < routes.length; i++) {
      if (path.startsWith(routes[i]!.prefix)) return this.#routeFrom(i, path, ctx, req, res);
    }
    return this.#soap(path, ctx, req, res);
  }

  /** Tries the routes matching `path` from index `i` on, then SOAP. */
  async #routeFrom(i: number, path: string, ctx: RequestContext, req: AnyRequest, res: AnyResponse): Promise<void> {
    const routes = this.#routes;
    for (; i < routes.length; i++) {
      if (path.startsWith(routes[i]!.prefix) && (await routes[i]!.route(ctx, req, res))) return;
    }
    this.#soap(path, ctx, req, res);
  }

  /** The SOAP path: no promise unless the operation is asynchronous; errors end in a 500 here. */
  #soap(path: string, ctx: RequestContext, req: AnyRequest, res: AnyResponse): undefined {
    if (!this.#engine.servesPath(path)) {
      sendText(res, 404, `no such endpoint: ${path}\n`);
      return undefined;
    }
    if (ctx.method !== 'POST') {
      res.setHeader('allow', 'POST');
      sendText(res, 405, 'ONVIF services accept SOAP 1.2 over HTTP POST\n');
      return undefined;
    }
    readBodyThen(req, this.#opts.maxBodyBytes, (err, text) => {
      try {
        if (err) return this.#refuseBody(err, req, res);
        const reply = this.#engine.handle(ctx, text!);
        if (reply instanceof Promise) {
          reply.then((r) => sendReply(res, r.status, r.headers, r.body)).catch((e: unknown) => this.#failed(res, e));
        } else {
          sendReply(res, reply.status, reply.headers, reply.body);
        }
      } catch (e) {
        this.#failed(res, e);
      }
    });
    return undefined;
  }

  #refuseBody(err: unknown, req: AnyRequest, res: AnyResponse): void {
    const e = err instanceof VigilError ? err : new VigilError('WellFormed', 'could not read request body');
    const reply = this.#engine.fault(e);
    // The rest of an oversized body is not read: close the connection after answering.
    if (req.httpVersionMajor === 1) res.setHeader('connection', 'close');
    sendReply(res, reply.status, reply.headers, reply.body);
    if (req.httpVersionMajor === 1) res.once('finish', () => req.socket?.destroy());
  }
}

export function sendText(res: AnyResponse, status: number, text: string): void {
  sendReply(res, status, { 'content-type': 'text/plain; charset=utf-8' }, text);
}

/**
 * Writes a complete response with Content-Length (no chunked encoding: one write for small
 * replies). A string body goes to the socket as a string: Node encodes it straight into the write
 * request, which is cheaper than making a Buffer of it first.
 *
 * The header fields go to writeHead as a flat [name, value, …] list (both HTTP/1 and the HTTP/2
 * compatibility API take one). Not as an object spread with the length: under the SOAP
 * benchmark, that per-request copy headed what survived young-generation collections (V8's
 * sampling heap profiler), and without it the bytes promoted per scavenge fell from ~48 KB to
 * ~11 KB and full collections from four to one in four seconds.
 */
export function sendReply(res: AnyResponse, status: number, headers: Readonly<Record<string, string | string[]>>, body: string | Buffer): void {
  const length = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
  const fields: string[] = [];
  for (const name in headers) {
    const value = headers[name]!;
    if (typeof value === 'string') fields.push(name, value);
    else for (const v of value) fields.push(name, v);
  }
  fields.push('content-length', String(length));
  // The typings only know the object form; both implementations accept a flat list.
  res.writeHead(status, fields as unknown as Record<string, string>);
  if (typeof body === 'string') (res as ServerResponse).end(body, 'utf8');
  else res.end(body);
}

/**
 * Reads a request body up to `limit` bytes (checked against Content-Length up front too) and
 * calls `done` exactly once. A callback rather than a promise: this is on every SOAP request.
 */
export function readBodyThen(req: AnyRequest, limit: number, done: (err: Error | undefined, text?: string) => void): void {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    done(new VigilError('BodyTooLarge', `request body of ${declared} bytes exceeds the ${limit}-byte limit`));
    return;
  }
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let size = 0;
  let settled = false;
  req.on('data', (chunk: Buffer) => {
    if (settled) return;
    size += chunk.length;
    if (size > limit) {
      settled = true;
      first = more = undefined;
      req.pause();
      done(new VigilError('BodyTooLarge', `request body exceeds the ${limit}-byte limit`));
      return;
    }
    if (first === undefined) first = chunk;
    else (more ??= [first]).push(chunk);
  });
  req.on('end', () => {
    if (settled) return;
    settled = true;
    // A SOAP request usually arrives in one chunk: decode it without copying.
    done(undefined, more ? Buffer.concat(more, size).toString('utf8') : (first?.toString('utf8') ?? ''));
  });
  req.on('error', (err) => {
    if (settled) return;
    settled = true;
    done(err);
  });
}

function verifiedPeer(socket: TLSSocket | undefined): PeerCertificate | undefined {
  if (!socket || typeof socket.getPeerCertificate !== 'function' || !socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.subject) return undefined;
  const subject = Object.entries(cert.subject).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`).join(',');
  const cn = cert.subject.CN;
  return { subject, commonName: Array.isArray(cn) ? cn[0] : cn, fingerprint256: cert.fingerprint256 };
}

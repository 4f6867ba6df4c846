/**
 * RTSP on the HTTP and HTTPS ports (ONVIF Streaming RTP/RTSP/HTTP/TCP and RTP/RTSP/TCP/WebSocket).
 * The HTTP front end offers each new connection here first (`sniff`); the first request decides
 * (gortsplib's model, protocol/rtsp/tunnel.ts detectConnection):
 *
 * - Apple tunnel GET (x-sessioncookie, Accept application/x-rtsp-tunnelled): answered 200, then
 *   the socket carries RTSP responses and interleaved media down;
 * - Apple tunnel POST with the same cookie (and from the same address): its body is base64 RTSP
 *   requests up. The pair becomes one TunnelTransport: an ordinary RTSP connection.
 *   A new POST may replace a closed one, as QuickTime-style clients do;
 * - `GET /rtsp-over-websocket` with Upgrade: websocket: handed to `ws` (subprotocol
 *   rtsp.onvif.org), then a WebSocketTransport;
 * - anything else goes back, untouched, to the HTTP server.
 *
 * Node's HTTP parser cannot serve these itself: a tunnel POST never ends, and its declared
 * Content-Length (often 32767) is not a real body length.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { PeerCertificate } from '../../core/context.js';
import type { ConnectionInfo } from '../http/frontend.js';
import { serializeResponse, type RtspRequest } from '../../protocol/rtsp/message.js';
import { Base64Decoder, detectConnection, ONVIF_WEBSOCKET_SUBPROTOCOL, tunnelResponse } from '../../protocol/rtsp/tunnel.js';
import { SocketTransport, WebSocketTransport, type RtspTransport, type RtspTransportKind, type TransportHandlers } from './transport.js';

/** Path of RTSP over WebSocket on the HTTP(S) ports (Media2 capabilities announce `ws:/rtsp-over-websocket`). */
export const RTSP_WEBSOCKET_PATH = '/rtsp-over-websocket';

const SNIFF_TIMEOUT_MS = 10_000;
/** A tunnel whose POST half never came, or a POST whose GET never came, is dropped after this. */
const PAIRING_TIMEOUT_MS = 30_000;
const MAX_PARKED_POST_BYTES = 64 * 1024;
const GET = Buffer.from('GET ', 'latin1');
const POST = Buffer.from('POST ', 'latin1');

export class HttpTunnels {
  readonly #accept: (transport: RtspTransport) => void;
  readonly #log: Pick<Logger, 'debug'>;
  readonly #tunnels = new Map<string, TunnelTransport>();
  readonly #parked = new Map<string, { socket: Socket; chunks: Uint8Array[]; bytes: number; since: number }>();
  readonly #wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
    maxPayload: 256 * 1024,
    handleProtocols: (protocols) => (protocols.has(ONVIF_WEBSOCKET_SUBPROTOCOL) ? ONVIF_WEBSOCKET_SUBPROTOCOL : false),
  });

  constructor(accept: (transport: RtspTransport) => void, log: Pick<Logger, 'debug'>) {
    this.#accept = accept;
    this.#log = log;
  }

  /** The HTTP front end's connection sniffer: claims tunnel and WebSocket connections, passes the rest on. */
  readonly sniff = (conn: ConnectionInfo, duplex: Duplex, passOn: () => void): void => {
    const socket = duplex as Socket;
    if ((socket as TLSSocket).alpnProtocol === 'h2') {
      passOn();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const ignore = (): void => undefined;
    const finish = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', ignore);
    };
    const handOff = (): void => {
      finish();
      socket.pause();
      if (size > 0) socket.unshift(Buffer.concat(chunks, size));
      passOn();
      socket.resume();
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      const all = chunks.length === 1 ? chunk : Buffer.concat(chunks, size);
      if (!mayBeOurs(all)) return handOff();
      let kind;
      try {
        kind = detectConnection(all);
      } catch {
        return handOff();
      }
      if (kind === null) return;
      if (kind.kind === 'tunnel-get') {
        finish();
        this.#onGet(conn, socket, kind.sessionCookie);
      } else if (kind.kind === 'tunnel-post') {
        finish();
        this.#onPost(socket, kind.sessionCookie, all.subarray(kind.headLength));
      } else if (kind.kind === 'http' && isRtspWebSocket(kind.request)) {
        finish();
        this.#onWebSocket(conn, socket, kind.request, all.subarray(kind.headLength));
      } else {
        handOff();
      }
    };
    const timer = setTimeout(handOff, SNIFF_TIMEOUT_MS);
    timer.unref();
    socket.on('error', ignore);
    socket.on('data', onData);
  };

  /** Drops tunnels and parked POSTs that never found their other half. */
  sweep(now: number): void {
    for (const [cookie, parked] of this.#parked) {
      if (now - parked.since < PAIRING_TIMEOUT_MS) continue;
      this.#parked.delete(cookie);
      parked.socket.destroy();
    }
    for (const tunnel of this.#tunnels.values()) if (!tunnel.paired && now - tunnel.openedAt > PAIRING_TIMEOUT_MS) tunnel.close();
  }

  close(): void {
    for (const tunnel of this.#tunnels.values()) tunnel.close();
    for (const parked of this.#parked.values()) parked.socket.destroy();
    this.#parked.clear();
    this.#wss.close();
  }

  /** A GET has no body: whatever follows its head is ignored. */
  #onGet(conn: ConnectionInfo, socket: Socket, cookie: string): void {
    if (this.#tunnels.has(cookie)) {
      socket.end(serializeResponse(tunnelResponse(400)));
      return;
    }
    socket.write(serializeResponse(tunnelResponse(200)));
    const down = new SocketTransport(socket, conn.secure ? 'rtsp-https' : 'rtsp-http', { readInput: false });
    const tunnel = new TunnelTransport(down, Date.now(), () => {
      if (this.#tunnels.get(cookie) === tunnel) this.#tunnels.delete(cookie);
    });
    this.#tunnels.set(cookie, tunnel);
    this.#log.debug({ remote: tunnel.remoteAddress }, 'RTSP-over-HTTP tunnel opened');
    this.#accept(tunnel);
    const parked = this.#parked.get(cookie);
    if (parked) {
      this.#parked.delete(cookie);
      parked.socket.removeAllListeners('data');
      tunnel.attachPost(parked.socket, Buffer.concat(parked.chunks, parked.bytes));
    }
  }

  #onPost(socket: Socket, cookie: string, rest: Uint8Array): void {
    const tunnel = this.#tunnels.get(cookie);
    if (tunnel) {
      tunnel.attachPost(socket, rest);
      return;
    }
    // The GET may still be on its way (clients open both at once): park the POST for a while.
    if (this.#parked.has(cookie)) {
      socket.destroy();
      return;
    }
    const parked: { socket: Socket; chunks: Uint8Array[]; bytes: number; since: number } = { socket, chunks: [rest], bytes: rest.length, since: Date.now() };
    this.#parked.set(cookie, parked);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      parked.chunks.push(chunk);
      parked.bytes += chunk.length;
      if (parked.bytes > MAX_PARKED_POST_BYTES) socket.destroy();
    });
    socket.once('close', () => {
      if (this.#parked.get(cookie) === parked) this.#parked.delete(cookie);
    });
  }

  #onWebSocket(conn: ConnectionInfo, socket: Socket, request: RtspRequest, rest: Uint8Array): void {
    const headers: Record<string, string> = {};
    for (const [name, value] of request.headers) {
      const key = name.toLowerCase();
      headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
    }
    // ws reads method, url and headers of the upgrade request; the head was parsed above.
    const req = { method: request.method, url: request.uri, headers, socket } as unknown as IncomingMessage;
    this.#wss.handleUpgrade(req, socket, Buffer.from(rest), (ws) => {
      this.#log.debug({ remote: socket.remoteAddress, protocol: ws.protocol }, 'RTSP over WebSocket opened');
      this.#accept(new WebSocketTransport(ws, socket, conn.secure));
    });
  }
}

/** Only GET and POST requests can open a tunnel or a WebSocket. */
function mayBeOurs(bytes: Buffer): boolean {
  return startsLike(bytes, GET) || startsLike(bytes, POST);
}

/** True when `bytes` and `prefix` agree on their common length. */
function startsLike(bytes: Buffer, prefix: Buffer): boolean {
  const n = Math.min(bytes.length, prefix.length);
  return bytes.subarray(0, n).equals(prefix.subarray(0, n));
}

function isRtspWebSocket(request: RtspRequest): boolean {
  if (request.method !== 'GET') return false;
  const path = request.uri.split('?')[0];
  const upgrade = request.headers.getAll('Upgrade').join(',').toLowerCase();
  return path === RTSP_WEBSOCKET_PATH && upgrade.includes('websocket');
}

/** The two halves of an Apple RTSP-over-HTTP tunnel, seen as one RTSP transport. */
class TunnelTransport implements RtspTransport {
  readonly kind: RtspTransportKind;
  readonly secure: boolean;
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly peerCertificate: PeerCertificate | undefined;
  readonly allowsUdp = false;
  readonly openedAt: number;
  readonly #down: SocketTransport;
  readonly #onGone: () => void;
  #post: Socket | undefined;
  #paired = false;
  #handlers: TransportHandlers | undefined;
  #closed = false;

  constructor(down: SocketTransport, openedAt: number, onGone: () => void) {
    this.#down = down;
    this.kind = down.kind;
    this.secure = down.secure;
    this.remoteAddress = down.remoteAddress;
    this.localAddress = down.localAddress;
    this.peerCertificate = down.peerCertificate;
    this.openedAt = openedAt;
    this.#onGone = onGone;
    down.attach({ data: () => undefined, close: () => this.#onClose() });
  }

  /** True once a POST half has been attached. */
  get paired(): boolean {
    return this.#paired;
  }

  attachPost(socket: Socket, rest: Uint8Array): void {
    if (this.#closed || socket.remoteAddress !== this.remoteAddress) {
      socket.destroy();
      return;
    }
    this.#post?.destroy();
    this.#post = socket;
    this.#paired = true;
    const decoder = new Base64Decoder();
    const feed = (chunk: Uint8Array): void => {
      if (this.#post !== socket) return;
      let bytes: Uint8Array;
      try {
        bytes = decoder.push(chunk);
      } catch {
        this.close();
        return;
      }
      if (bytes.length > 0) this.#handlers?.data(bytes);
    };
    socket.on('error', () => undefined);
    socket.on('data', feed);
    socket.on('end', () => socket.end());
    socket.once('close', () => {
      if (this.#post === socket) this.#post = undefined;
    });
    if (rest.length > 0) feed(rest);
  }

  get queuedBytes(): number {
    return this.#down.queuedBytes;
  }

  attach(handlers: TransportHandlers): void {
    this.#handlers = handlers;
    if (this.#closed) handlers.close();
  }

  send(bytes: Uint8Array): void {
    this.#down.send(bytes);
  }

  cork(): void {
    this.#down.cork();
  }

  uncork(): void {
    this.#down.uncork();
  }

  close(): void {
    this.#down.close();
    this.#post?.destroy();
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#post?.destroy();
    this.#onGone();
    this.#handlers?.close();
  }
}

/**
 * What an RTSP connection runs on. Plain TCP, TLS, the two halves of an HTTP tunnel and a
 * WebSocket all present this one shape, so connection and session code never know the
 * transport (gortsplib's server_conn / server_tunnel_* split).
 *
 * Writes never block: `queuedBytes` tells how much the transport still holds, and the media
 * plane decides from it whether to skip packets. Shared buffers are written as they are (never
 * copied per connection); `cork`/`uncork` around a burst turn it into one writev.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { WebSocket } from 'ws';
import type { PeerCertificate } from '../../core/context.js';

export type RtspTransportKind = 'rtsp' | 'rtsps' | 'rtsp-http' | 'rtsp-https' | 'rtsp-ws' | 'rtsp-wss';

export interface TransportHandlers {
  data(chunk: Uint8Array): void;
  /** Called once, when the transport is gone (either side closed it). */
  close(): void;
}

export interface RtspTransport {
  readonly kind: RtspTransportKind;
  readonly secure: boolean;
  readonly remoteAddress: string;
  /** The local address the client reached (for SDP o= and UDP server ports). */
  readonly localAddress: string;
  readonly peerCertificate: PeerCertificate | undefined;
  /** Bytes accepted but not yet handed to the operating system. */
  readonly queuedBytes: number;
  /** True when RTP may be sent over UDP to this client (plain and TLS RTSP only). */
  readonly allowsUdp: boolean;
  attach(handlers: TransportHandlers): void;
  /** Bytes for the client: a response, or interleaved frames (a WebSocket message each). */
  send(bytes: Uint8Array): void;
  cork(): void;
  uncork(): void;
  close(): void;
}

function verifiedPeer(socket: Socket): PeerCertificate | undefined {
  const tls = socket as TLSSocket;
  if (typeof tls.getPeerCertificate !== 'function' || !tls.authorized) return undefined;
  const cert = tls.getPeerCertificate();
  if (!cert?.subject) return undefined;
  const subject = Object.entries(cert.subject).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`).join(',');
  const cn = cert.subject.CN;
  return { subject, commonName: Array.isArray(cn) ? cn[0] : cn, fingerprint256: cert.fingerprint256 };
}

/** RTSP (or RTSPS) directly on a socket; also the downstream half of an HTTP tunnel. */
export class SocketTransport implements RtspTransport {
  readonly kind: RtspTransportKind;
  readonly secure: boolean;
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly peerCertificate: PeerCertificate | undefined;
  readonly allowsUdp: boolean;
  readonly #socket: Socket;
  #handlers: TransportHandlers | undefined;
  #closed = false;
  #ending = false;

  /** `readInput` false: the socket only writes (tunnel GET); data arrives elsewhere. */
  constructor(socket: Socket, kind: RtspTransportKind, opts: { readInput?: boolean } = {}) {
    this.#socket = socket;
    this.kind = kind;
    this.secure = kind === 'rtsps' || kind === 'rtsp-https' || kind === 'rtsp-wss';
    this.remoteAddress = socket.remoteAddress ?? 'unknown';
    this.localAddress = socket.localAddress ?? '0.0.0.0';
    this.peerCertificate = this.secure ? verifiedPeer(socket) : undefined;
    this.allowsUdp = kind === 'rtsp' || kind === 'rtsps';
    socket.setNoDelay(true);
    // A write-only socket (tunnel GET) is still read, and the bytes dropped, so its end is seen.
    if (opts.readInput !== false) socket.on('data', (chunk: Buffer) => this.#handlers?.data(chunk));
    else socket.on('data', () => undefined);
    socket.on('error', () => undefined); // 'close' follows
    // Sockets from the HTTP server allow half-open connections: a client's end is ours too.
    socket.on('end', () => socket.end());
    socket.once('close', () => this.#onClose());
  }

  get queuedBytes(): number {
    return this.#socket.writableLength;
  }

  attach(handlers: TransportHandlers): void {
    this.#handlers = handlers;
    if (this.#closed) handlers.close();
  }

  send(bytes: Uint8Array): void {
    if (!this.#closed && !this.#ending) this.#socket.write(bytes);
  }

  cork(): void {
    this.#socket.cork();
  }

  uncork(): void {
    this.#socket.uncork();
  }

  close(): void {
    if (this.#closed || this.#ending) return;
    this.#ending = true;
    // end() lets a final response go out; destroy after a grace period if the peer lingers.
    this.#socket.end();
    setTimeout(() => this.#socket.destroy(), 2_000).unref();
  }

  /** For tunnels: end when the other half ends. */
  destroy(): void {
    this.#socket.destroy();
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#handlers?.close();
  }
}

/** RTSP over WebSocket (ONVIF `rtsp.onvif.org`): binary messages both ways. */
export class WebSocketTransport implements RtspTransport {
  readonly kind: RtspTransportKind;
  readonly secure: boolean;
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly peerCertificate: PeerCertificate | undefined;
  readonly allowsUdp = false;
  readonly #ws: WebSocket;
  readonly #socket: Socket | undefined;
  #handlers: TransportHandlers | undefined;
  #closed = false;

  constructor(ws: WebSocket, socket: Socket, secure: boolean) {
    this.#ws = ws;
    this.#socket = socket;
    this.kind = secure ? 'rtsp-wss' : 'rtsp-ws';
    this.secure = secure;
    this.remoteAddress = socket.remoteAddress ?? 'unknown';
    this.localAddress = socket.localAddress ?? '0.0.0.0';
    this.peerCertificate = secure ? verifiedPeer(socket) : undefined;
    socket.setNoDelay(true);
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer | Buffer[], _isBinary: boolean) => {
      // Text frames are accepted too: some clients send RTSP requests as text.
      if (Array.isArray(data)) for (const d of data) this.#handlers?.data(d);
      else this.#handlers?.data(data);
    });
    ws.on('error', () => undefined);
    ws.once('close', () => this.#onClose());
  }

  get queuedBytes(): number {
    return this.#ws.bufferedAmount;
  }

  attach(handlers: TransportHandlers): void {
    this.#handlers = handlers;
    if (this.#closed) handlers.close();
  }

  send(bytes: Uint8Array): void {
    if (!this.#closed && this.#ws.readyState === this.#ws.OPEN) this.#ws.send(bytes, { binary: true });
  }

  // Corking the socket under ws merges the messages of a burst into one write.
  cork(): void {
    this.#socket?.cork();
  }

  uncork(): void {
    this.#socket?.uncork();
  }

  close(): void {
    if (this.#closed) return;
    this.#ws.close(1000);
    setTimeout(() => this.#ws.terminate(), 2_000).unref();
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#handlers?.close();
  }
}

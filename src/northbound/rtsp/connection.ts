/**
 * One RTSP connection (gortsplib server_conn), on any transport: bytes in → RtspReader →
 * requests (answered in order), interleaved frames (RTCP from the client) and stray responses
 * (ignored). Framing errors are answered with the status the protocol layer assigns and end the
 * connection (the stream cannot be re-synchronized); anything unexpected inside a handler is a
 * 500 for that request only. Nothing here knows whether the bytes came over TCP, TLS, an HTTP
 * tunnel or a WebSocket.
 */
import type { Logger } from 'pino';
import { ParseError } from '../../protocol/codec/errors.js';
import { canEchoCSeq, statusForParseError } from '../../protocol/rtsp/errors.js';
import { createResponse, serializeResponse, type RtspRequest, type RtspResponse } from '../../protocol/rtsp/message.js';
import { RtspReader } from '../../protocol/rtsp/reader.js';
import { parseRtcp } from '../../protocol/rtp/rtcp.js';
import type { Principal } from '../../security/access.js';
import type { HubRegistry } from '../../media/hub/registry.js';
import { ConnectionNonces, type RtspAuth } from './auth.js';
import type { MulticastStreams } from './multicast.js';
import type { RtspSession, SessionOwner, TrackTransport } from './session.js';
import type { RtspTransport } from './transport.js';
import type { UdpPair } from './udp.js';
import { handleRequest, type Reply } from './methods.js';

/** What connections and request handlers need from the server. */
export interface ServerContext extends SessionOwner {
  readonly registry: HubRegistry;
  readonly auth: RtspAuth;
  readonly udp: UdpPair | undefined;
  readonly multicast: MulticastStreams;
  readonly serverName: string;
  readonly sessionTimeoutSeconds: number;
  readonly log: Pick<Logger, 'warn' | 'debug' | 'error'>;
  now(): number;
  session(id: string): RtspSession | undefined;
  /** A new session, or undefined when the session limit is reached. */
  createSession(init: { profileToken: string; path: string; hub: RtspSession['hub']; principal: Principal; connection: RtspConnection }): RtspSession | undefined;
  /** Makes UDP RTCP from this client address reach the session. */
  indexUdpTrack(session: RtspSession, track: number, transport: TrackTransport): void;
  audit(conn: RtspConnection, principal: Principal, operation: string, tokens: string[], outcome: string): void;
}

export interface ConnectionLimits {
  /** Responses queued for a client that does not read them. */
  maxQueuedResponseBytes: number;
  /** A request must be complete this long after its first byte. */
  requestTimeoutMs: number;
  /** A connection without a playing interleaved session closes after this long without input. */
  idleTimeoutMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxQueuedResponseBytes: 4 * 1024 * 1024,
  requestTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
};

export class RtspConnection {
  readonly transport: RtspTransport;
  readonly nonces = new ConnectionNonces();
  /** Sessions whose media is interleaved on this connection. */
  readonly sessions = new Set<RtspSession>();
  /** Interleaved frames that belonged to no session or did not parse as RTCP. */
  garbageFrames = 0;
  readonly #server: ServerContext;
  readonly #limits: ConnectionLimits;
  readonly #reader = new RtspReader({ maxBodyBytes: 64 * 1024 });
  /** RTP channel → the session track it carries (RTCP is the next channel). */
  readonly #channels = new Map<number, { session: RtspSession; track: number }>();
  #lastInputAt: number;
  #partialSince: number | undefined;
  #closed = false;
  readonly #onClosed: (conn: RtspConnection) => void;

  constructor(server: ServerContext, transport: RtspTransport, onClosed: (conn: RtspConnection) => void, limits: ConnectionLimits = DEFAULT_CONNECTION_LIMITS) {
    this.#server = server;
    this.transport = transport;
    this.#limits = limits;
    this.#onClosed = onClosed;
    this.#lastInputAt = server.now();
    transport.attach({ data: (chunk) => this.receive(chunk), close: () => this.#teardown() });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Feeds bytes as they arrive (public so tests and fuzzers can drive a connection directly). */
  receive(chunk: Uint8Array): void {
    if (this.#closed) return;
    const now = this.#server.now();
    this.#lastInputAt = now;
    this.#reader.push(chunk);
    for (;;) {
      let item;
      try {
        item = this.#reader.next();
      } catch (err) {
        this.#failFraming(err);
        return;
      }
      if (item === null) break;
      if (item.kind === 'request') this.#onRequest(item.msg);
      else if (item.kind === 'interleaved') this.#onInterleaved(item.channel, item.payload);
      if (this.#closed) return;
    }
    this.#partialSince = this.#reader.buffered > 0 ? (this.#partialSince ?? now) : undefined;
    if (this.transport.queuedBytes > this.#limits.maxQueuedResponseBytes && this.sessions.size === 0) this.close();
  }

  channelInUse(channel: number): boolean {
    return this.#channels.has(channel);
  }

  bindChannel(session: RtspSession, track: number, channel: number): void {
    for (const [c, entry] of this.#channels) if (entry.session === session && entry.track === track) this.#channels.delete(c);
    this.#channels.set(channel, { session, track });
    this.sessions.add(session);
  }

  /** Forgets a session that ended. */
  unbindSession(session: RtspSession): void {
    for (const [c, entry] of this.#channels) if (entry.session === session) this.#channels.delete(c);
    this.sessions.delete(session);
  }

  /** Server sweep: closes connections that stall a request or sit idle. */
  sweep(now: number): void {
    if (this.#closed) return;
    if (this.#partialSince !== undefined && now - this.#partialSince > this.#limits.requestTimeoutMs) {
      this.close();
      return;
    }
    const streaming = [...this.sessions].some((s) => s.state === 'playing');
    if (!streaming && now - this.#lastInputAt > this.#limits.idleTimeoutMs) this.close();
  }

  close(): void {
    if (this.#closed) return;
    this.transport.close();
    this.#teardown();
  }

  #teardown(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const session of [...this.sessions]) session.end('connection-closed');
    this.sessions.clear();
    this.#channels.clear();
    this.#onClosed(this);
  }

  #onRequest(req: RtspRequest): void {
    const cseq = req.headers.get('CSeq');
    let reply: Reply;
    try {
      reply = handleRequest(this.#server, this, req);
    } catch (err) {
      if (err instanceof ParseError) {
        reply = { status: statusForParseError(err), headers: [] };
      } else {
        this.#server.log.error({ err, method: req.method }, 'RTSP request failed');
        reply = { status: 500, headers: [] };
      }
    }
    this.#write(this.#response(reply, cseq));
    reply.after?.();
    if (reply.close) this.close();
  }

  #onInterleaved(channel: number, payload: Uint8Array): void {
    if (this.#channels.has(channel)) return; // RTP from the client: there is no back channel
    const entry = this.#channels.get(channel - 1);
    if (!entry) {
      this.garbageFrames++;
      return;
    }
    let packets;
    try {
      packets = parseRtcp(payload);
    } catch {
      this.garbageFrames++;
      return;
    }
    entry.session.touch(this.#server.now());
    entry.session.hub.onReceiverRtcp(entry.track, packets);
  }

  #failFraming(err: unknown): void {
    const status = err instanceof ParseError ? statusForParseError(err) : 400;
    const cseq = canEchoCSeq(err) ? this.#reader.failedCSeq : undefined;
    this.#write(this.#response({ status, headers: [] }, cseq));
    this.close();
  }

  #response(reply: Reply, cseq: string | undefined): RtspResponse {
    const res = createResponse(reply.status, undefined, reply.body);
    if (cseq !== undefined) res.headers.append('CSeq', cseq);
    res.headers.append('Server', this.#server.serverName);
    for (const [name, value] of reply.headers) res.headers.append(name, value);
    return res;
  }

  #write(res: RtspResponse): void {
    this.transport.send(serializeResponse(res));
  }
}

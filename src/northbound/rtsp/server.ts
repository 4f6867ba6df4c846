/**
 * The node's RTSP server: listeners (RTSP on TCP, optionally RTSPS), the UDP port pair, the
 * session table with expiry, multicast, and the entry points through which the HTTP(S) ports
 * hand over RTSP-over-HTTP tunnels and RTSP-over-WebSocket connections. All of them become an
 * RtspConnection on an RtspTransport; the media comes from the HubRegistry.
 */
import { createServer as createTcpServer, type Server as TcpServer, type Socket, type AddressInfo } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import type { RemoteInfo } from 'node:dgram';
import type { Logger } from 'pino';
import type { AuditLog } from '../../storage/audit.js';
import type { Principal } from '../../security/access.js';
import type { Authenticator } from '../../security/authenticator.js';
import type { LiveSourceDirectory } from '../../media/live.js';
import type { PacketWriter } from '../../media/hub/reader.js';
import { HubRegistry } from '../../media/hub/registry.js';
import type { HubOptions } from '../../media/hub/stream-hub.js';
import { parseRtcp } from '../../protocol/rtp/rtcp.js';
import { RtspAuth } from './auth.js';
import { DEFAULT_CONNECTION_LIMITS, RtspConnection, type ConnectionLimits, type ServerContext } from './connection.js';
import { HttpTunnels } from './http-tunnel.js';
import { InterleavedWriter } from './interleaved-writer.js';
import { MulticastStreams, type MulticastLease } from './multicast.js';
import { normalizeAddress } from './negotiate.js';
import { RtspSession, type SessionEndReason, type TrackTransport } from './session.js';
import { SocketTransport, type RtspTransport } from './transport.js';
import { UdpPair, UdpWriter, type UdpDestination } from './udp.js';

export interface RtspServerOptions {
  authenticator: Authenticator;
  audit: AuditLog | undefined;
  log: Logger;
  /** `Server:` header value. */
  serverName: string;
  hub: Partial<HubOptions>;
  sessionTimeoutSeconds: number;
  maxSessions: number;
  maxConnections: number;
  connection: ConnectionLimits;
  /** Source address for multicast (an IPv4 address of the sending interface). */
  multicastInterface: string | undefined;
  now: () => number;
}

export interface RtspTlsSettings {
  port: number;
  certPem: string;
  keyPem: string;
  clientCaPem: string | undefined;
  clientCertMode: 'off' | 'optional' | 'required';
}

export interface RtspListenOptions {
  host: string;
  port: number;
  tls?: RtspTlsSettings | undefined;
}

export class RtspServer implements ServerContext {
  readonly registry: HubRegistry;
  readonly auth: RtspAuth;
  readonly multicast: MulticastStreams;
  readonly serverName: string;
  readonly sessionTimeoutSeconds: number;
  readonly log: Logger;
  /** Claims RTSP-over-HTTP tunnels and RTSP-over-WebSocket on the HTTP(S) ports. */
  readonly tunnels: HttpTunnels;
  udp: UdpPair | undefined;
  readonly #opts: RtspServerOptions;
  readonly #sessions = new Map<string, RtspSession>();
  readonly #udpTracks = new Map<string, { session: RtspSession; track: number }>();
  readonly #connections = new Set<RtspConnection>();
  /** Sockets of the RTSP/RTSPS listeners, destroyed on shutdown. */
  readonly #sockets = new Set<Socket>();
  #tcp: TcpServer | undefined;
  #tls: TlsServer | undefined;
  #sweep: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(opts: Partial<RtspServerOptions> & Pick<RtspServerOptions, 'authenticator' | 'log'>) {
    this.#opts = {
      audit: undefined,
      serverName: 'Vigil',
      hub: {},
      sessionTimeoutSeconds: 60,
      maxSessions: 4096,
      maxConnections: 4096,
      connection: DEFAULT_CONNECTION_LIMITS,
      multicastInterface: undefined,
      now: Date.now,
      ...opts,
    };
    this.log = this.#opts.log;
    this.serverName = this.#opts.serverName;
    this.sessionTimeoutSeconds = this.#opts.sessionTimeoutSeconds;
    this.auth = new RtspAuth(this.#opts.authenticator);
    this.registry = new HubRegistry({ log: this.log, ...this.#opts.hub });
    this.multicast = new MulticastStreams(this.registry, { interfaceAddress: this.#opts.multicastInterface, log: this.log });
    this.tunnels = new HttpTunnels((transport) => this.accept(transport), this.log);
  }

  setDirectory(directory: LiveSourceDirectory | undefined): void {
    this.registry.setDirectory(directory);
  }

  async listen(opts: RtspListenOptions): Promise<void> {
    this.#tcp = createTcpServer((socket) => {
      this.#track(socket);
      this.accept(new SocketTransport(socket, 'rtsp'));
    });
    this.#tcp.maxConnections = this.#opts.maxConnections;
    await listen(this.#tcp, opts.host, opts.port);
    if (opts.tls) {
      const t = opts.tls;
      const mtls = t.clientCertMode !== 'off' && t.clientCaPem !== undefined;
      this.#tls = createTlsServer(
        {
          cert: t.certPem,
          key: t.keyPem,
          minVersion: 'TLSv1.2',
          ...(mtls ? { ca: t.clientCaPem, requestCert: true, rejectUnauthorized: t.clientCertMode === 'required' } : {}),
        },
        (socket: TLSSocket) => {
          this.#track(socket);
          this.accept(new SocketTransport(socket, 'rtsps'));
        },
      );
      this.#tls.maxConnections = this.#opts.maxConnections;
      this.#tls.on('tlsClientError', () => undefined);
      await listen(this.#tls, opts.host, t.port);
    }
    this.udp = await UdpPair.open(opts.host, (msg, from) => this.#onUdpRtcp(msg, from));
    this.#sweep = setInterval(() => this.#housekeeping(), 1_000);
    this.#sweep.unref();
  }

  get port(): number | undefined {
    return this.#tcp?.listening ? (this.#tcp.address() as AddressInfo).port : undefined;
  }

  get tlsPort(): number | undefined {
    return this.#tls?.listening ? (this.#tls.address() as AddressInfo).port : undefined;
  }

  /** Serves RTSP on any transport (used by the listeners, the tunnels and tests). */
  accept(transport: RtspTransport): RtspConnection {
    const conn = new RtspConnection(this, transport, (c) => this.#connections.delete(c), this.#opts.connection);
    if (this.#closed) conn.close();
    else this.#connections.add(conn);
    return conn;
  }

  now(): number {
    return this.#opts.now();
  }

  session(id: string): RtspSession | undefined {
    return this.#sessions.get(id);
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  createSession(init: { profileToken: string; path: string; hub: RtspSession['hub']; principal: Principal; connection: RtspConnection }): RtspSession | undefined {
    if (this.#sessions.size >= this.#opts.maxSessions) return undefined;
    const session = new RtspSession({ ...init, timeoutSeconds: this.sessionTimeoutSeconds, owner: this, now: this.now() });
    this.#sessions.set(session.id, session);
    return session;
  }

  indexUdpTrack(session: RtspSession, track: number, transport: TrackTransport): void {
    if (transport.kind === 'udp') this.#udpTracks.set(udpKey(transport.address, transport.rtcpPort), { session, track });
  }

  // SessionOwner
  writerFor(session: RtspSession): PacketWriter | undefined {
    if (session.transportKind === 'tcp') {
      const conn = session.connection as RtspConnection;
      if (conn.closed) return undefined;
      const channels = new Map<number, number>();
      for (const [track, t] of session.tracks) if (t.kind === 'tcp') channels.set(track, t.channel);
      return new InterleavedWriter(conn.transport, channels, () => {
        this.log.debug({ session: session.id }, 'RTSP reader stalled; closing its connection');
        session.end('stalled');
        conn.close();
      });
    }
    if (session.transportKind === 'udp' && this.udp) {
      const destinations = new Map<number, UdpDestination>();
      for (const [track, t] of session.tracks) if (t.kind === 'udp') destinations.set(track, t);
      return new UdpWriter(this.udp, destinations);
    }
    return undefined;
  }

  multicastLease(session: RtspSession): MulticastLease | undefined {
    return this.multicast.acquire(session.profileToken);
  }

  onEnd(session: RtspSession, reason: SessionEndReason): void {
    this.#sessions.delete(session.id);
    for (const [key, entry] of this.#udpTracks) if (entry.session === session) this.#udpTracks.delete(key);
    (session.connection as RtspConnection).unbindSession(session);
    if (reason !== 'teardown') {
      this.#record(session.connection as RtspConnection, session.principal, 'SESSION-END', [session.profileToken], reason);
    }
  }

  audit(conn: RtspConnection, principal: Principal, operation: string, tokens: string[], outcome: string): void {
    this.#record(conn, principal, operation, tokens, outcome);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweep);
    for (const session of [...this.#sessions.values()]) session.end('shutdown');
    for (const conn of [...this.#connections]) conn.close();
    this.tunnels.close();
    this.multicast.close();
    this.registry.close();
    this.udp?.close();
    for (const socket of this.#sockets) socket.destroy();
    await Promise.all([closeServer(this.#tcp), closeServer(this.#tls)]);
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
  }

  #record(conn: RtspConnection, p: Principal, operation: string, tokens: string[], outcome: string): void {
    this.#opts.audit?.record({
      ts: new Date(),
      username: p.username,
      authMethod: p.method,
      source: conn.transport.remoteAddress,
      transport: conn.transport.kind,
      service: 'rtsp',
      operation,
      tokens,
      outcome,
    });
  }

  #onUdpRtcp(msg: Buffer, from: RemoteInfo): void {
    const entry = this.#udpTracks.get(udpKey(from.address, from.port));
    if (!entry) return;
    let packets;
    try {
      packets = parseRtcp(msg);
    } catch {
      return;
    }
    entry.session.touch(this.now());
    entry.session.hub.onReceiverRtcp(entry.track, packets);
  }

  #housekeeping(): void {
    const now = this.now();
    for (const session of [...this.#sessions.values()]) if (session.expired(now)) session.end('timeout');
    for (const conn of [...this.#connections]) conn.sweep(now);
    this.tunnels.sweep(now);
  }
}

function udpKey(address: string, port: number): string {
  return `${normalizeAddress(address)}:${port}`;
}

function listen(server: TcpServer | TlsServer, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: TcpServer | TlsServer | undefined): Promise<void> {
  if (!server?.listening) return Promise.resolve();
  return new Promise((resolve) => server.close(() => resolve()));
}


/**
 * The WS-Discovery target service: owns the UDP sockets, answers Probes, sends Hello and Bye.
 * Message parsing, matching and building are in messages.ts.
 *
 * Unicast and multicast arrive on different sockets because the rules differ (delay, faults,
 * NonDiscoverable) and Node cannot tell a datagram's destination address. Unicast sockets are
 * bound to unicast addresses, which never receive multicast; with a wildcard bindAddress there is
 * one per local IPv4 address (re-scanned periodically, so addresses from a late DHCP lease are
 * picked up). The multicast socket is bound to the group address itself (Linux/BSD semantics), so
 * it receives only datagrams sent to the group. IPv4 only: the IPv6 group (FF02::C) is not joined.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { randomInt, randomUUID } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import {
  APP_MAX_DELAY_MS, buildBye, buildHello, buildMatchingRuleFault, buildProbeMatches, decideProbe, DISCOVERY_MULTICAST_ADDRESS,
  DISCOVERY_PORT, DiscoveryParseError, localAddressFor, parseDiscoveryDatagram, selectXAddrs, toQName,
  type AppSequence, type InterfaceAddress, type InterfaceList, type QName, type TargetDescription, type TargetMetadata,
} from './messages.js';

export type { InterfaceList };

export interface DiscoveryLogger {
  info(...a: unknown[]): void;
  warn(...a: unknown[]): void;
  debug(...a: unknown[]): void;
}

export interface DiscoveryOptions {
  /** 'urn:uuid:…', stable across restarts and interfaces (Core spec "Endpoint reference"). */
  endpointReference: string;
  /**
   * Types announced and matched: QNames, or strings `prefix:local` with a prefix from xml/ns.ts
   * ('dn:NetworkVideoTransmitter', 'tds:Device'), or `{uri}local`. Unknown prefixes are skipped (logged once).
   */
  types(): (QName | string)[];
  /** Full scope URIs. */
  scopes(): string[];
  /**
   * Device service URLs. `localAddress` is the local IPv4 address the reply leaves from (the
   * address the probe arrived on, or the interface on the prober's subnet) when known; of the
   * URLs returned, those with that host are used if there are any, all of them otherwise.
   */
  xaddrs(localAddress?: string): string[];
  /** False in NonDiscoverable mode: multicast probes are ignored and no Hello/Bye is sent. */
  discoverable(): boolean;
  log: DiscoveryLogger;
  /** Default 3702; 0 picks a free port (tests). */
  port?: number;
  /** Default '0.0.0.0': one unicast socket per local IPv4 address. */
  bindAddress?: string;
  /** Join 239.255.255.250 (default true); failure is logged, not fatal. */
  multicast?: boolean;
  /** The interface list, os.networkInterfaces by default (tests substitute a loopback-only one). */
  interfaces?: () => InterfaceList;
}

/** Counters, for diagnostics and tests. */
export interface DiscoveryStats {
  received: number;
  /** Not UTF-8, not XML, DOCTYPE, over a limit, not SOAP 1.2, or a Probe without MessageID. */
  malformed: number;
  /** Well-formed but not a Probe (other devices' Hello/Bye/ProbeMatches, Resolve). */
  other: number;
  probes: number;
  duplicates: number;
  /** Probes not answered: no match, NonDiscoverable multicast, unsupported rule on multicast. */
  ignored: number;
  answered: number;
  faults: number;
  /** Multicast probes dropped because too many delayed replies were already waiting. */
  overload: number;
  sendErrors: number;
}

/** How long a probe MessageID is remembered for duplicate suppression (SOAP-over-UDP repeats come within ~1 s). */
const DUPLICATE_WINDOW_MS = 10_000;
const MAX_REMEMBERED_IDS = 1_024;
/** Bound on replies waiting out their APP_MAX_DELAY, so a probe flood cannot pile up timers. */
const MAX_PENDING_REPLIES = 256;
const RESCAN_INTERVAL_MS = 30_000;
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

type State = 'new' | 'starting' | 'running' | 'closing' | 'closed';

interface Arrival {
  multicast: boolean;
  /** The local address of the unicast socket the datagram arrived on. */
  localAddress: string | undefined;
}

export class DiscoveryResponder {
  readonly #o: DiscoveryOptions;
  readonly #bindAddress: string;
  readonly #perInterface: boolean;
  readonly #interfaces: () => InterfaceList;
  /** Unicast sockets by local address. */
  readonly #unicast = new Map<string, Socket>();
  #multicastSocket: Socket | undefined;
  /** Interface addresses on which the group is joined. */
  readonly #joined = new Set<string>();
  #port: number;
  #state: State = 'new';
  #started: Promise<void> | undefined;
  #closed: Promise<void> | undefined;
  readonly #seen = new Map<string, number>();
  readonly #pending = new Set<NodeJS.Timeout>();
  #rescanTimer: NodeJS.Timeout | undefined;
  /** AppSequence InstanceId: process start in seconds, so it grows across restarts. */
  readonly #instanceId = Math.floor(performance.timeOrigin / 1000) >>> 0;
  #messageNumber = 0;
  #metadataVersion = 1;
  #metadataFingerprint: string | undefined;
  readonly #badTypesLogged = new Set<string>();
  readonly #bindFailuresLogged = new Set<string>();
  readonly #stats: DiscoveryStats = {
    received: 0, malformed: 0, other: 0, probes: 0, duplicates: 0, ignored: 0, answered: 0, faults: 0, overload: 0, sendErrors: 0,
  };

  constructor(o: DiscoveryOptions) {
    this.#o = o;
    this.#port = o.port ?? DISCOVERY_PORT;
    this.#bindAddress = o.bindAddress ?? '0.0.0.0';
    this.#perInterface = WILDCARDS.has(this.#bindAddress);
    this.#interfaces = o.interfaces ?? networkInterfaces;
  }

  /** The bound UDP port (useful with port 0). */
  get port(): number {
    return this.#port;
  }

  /** WS-Discovery MetadataVersion: incremented whenever the announced types or scopes change. */
  get metadataVersion(): number {
    this.#metadata();
    return this.#metadataVersion;
  }

  get stats(): DiscoveryStats {
    return { ...this.#stats };
  }

  /** Binds the sockets (rejects if no unicast socket can be bound) and sends Hello. */
  start(): Promise<void> {
    if (this.#state !== 'new') return Promise.reject(new Error(`DiscoveryResponder.start() in state '${this.#state}'`));
    this.#state = 'starting';
    this.#started = this.#start();
    return this.#started;
  }

  async #start(): Promise<void> {
    try {
      if (this.#perInterface) {
        let firstError: unknown;
        for (const address of this.#localAddresses().map((a) => a.address)) {
          await this.#openUnicast(address).catch((err: unknown) => {
            firstError ??= err;
            this.#o.log.warn({ err, address }, 'cannot bind WS-Discovery on this address');
          });
        }
        if (this.#unicast.size === 0) throw firstError ?? new Error('no IPv4 address to bind WS-Discovery to');
        this.#rescanTimer = setInterval(() => this.#rescan(), RESCAN_INTERVAL_MS).unref();
      } else {
        await this.#openUnicast(this.#bindAddress);
      }
      if (this.#o.multicast ?? true) await this.#openMulticast();
    } catch (err) {
      await this.#shutdown();
      this.#state = 'closed';
      throw err;
    }
    this.#state = 'running';
    this.#metadata(); // fixes the fingerprint MetadataVersion 1 stands for
    this.#o.log.info({ port: this.#port, addresses: [...this.#unicast.keys()], multicast: this.#multicastReady }, 'WS-Discovery listening');
    await this.#announce('hello', [...this.#unicast.keys()]);
  }

  /** Announces (possibly changed) metadata with a multicast Hello; call after scope changes. */
  hello(): void {
    if (this.#state !== 'running') return;
    void this.#announce('hello', [...this.#unicast.keys()]);
  }

  /** Multicast Bye, e.g. before going NonDiscoverable (close() sends one too). */
  async bye(): Promise<void> {
    if (this.#state !== 'running') return;
    await this.#announce('bye', [...this.#unicast.keys()]);
  }

  /** Sends Bye (when discoverable), then closes every socket. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    if (this.#state === 'starting') await this.#started?.catch(() => undefined);
    const wasRunning = this.#state === 'running';
    this.#state = 'closing';
    for (const t of this.#pending) clearTimeout(t);
    this.#pending.clear();
    if (wasRunning) await this.#announce('bye', [...this.#unicast.keys()]);
    await this.#shutdown();
    this.#state = 'closed';
  }

  async #shutdown(): Promise<void> {
    clearInterval(this.#rescanTimer);
    const sockets = [...this.#unicast.values(), ...(this.#multicastSocket ? [this.#multicastSocket] : [])];
    this.#unicast.clear();
    this.#multicastSocket = undefined;
    this.#joined.clear();
    await Promise.all(sockets.map(closeSocket));
  }

  // -------------------------------------------------------------------------------------------
  // Sockets

  #localAddresses(): InterfaceAddress[] {
    const out: InterfaceAddress[] = [];
    for (const list of Object.values(this.#interfaces())) {
      for (const i of list ?? []) if (i.family === 'IPv4') out.push(i);
    }
    return out;
  }

  async #openUnicast(address: string): Promise<void> {
    const socket = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4' });
    socket.on('message', (msg, rinfo) => this.#onDatagram(msg, rinfo, { multicast: false, localAddress: address }));
    await bindSocket(socket, this.#port, address);
    if (this.#state === 'closing' || this.#state === 'closed') {
      await closeSocket(socket); // a rescan's bind that finished after close()
      return;
    }
    socket.on('error', (err) => this.#o.log.warn({ err, address }, 'WS-Discovery socket error'));
    if (this.#port === 0) this.#port = socket.address().port;
    this.#unicast.set(address, socket);
    if (!isIPv6(address)) {
      try {
        // Hello/Bye leave through this socket's interface, one hop only (SOAP-over-UDP).
        socket.setMulticastInterface(address);
        socket.setMulticastTTL(1);
      } catch (err) {
        this.#o.log.debug({ err, address }, 'cannot set multicast options');
      }
    }
  }

  async #openMulticast(): Promise<void> {
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    socket.on('message', (msg, rinfo) => this.#onDatagram(msg, rinfo, { multicast: true, localAddress: undefined }));
    try {
      await bindSocket(socket, this.#port, DISCOVERY_MULTICAST_ADDRESS);
    } catch (err) {
      this.#o.log.warn({ err }, 'cannot bind the WS-Discovery multicast socket; answering unicast probes only');
      return;
    }
    socket.on('error', (err) => this.#o.log.warn({ err }, 'WS-Discovery multicast socket error'));
    this.#multicastSocket = socket;
    this.#joinGroup();
  }

  /** Joins the group on every non-loopback IPv4 interface not joined yet (or on bindAddress only). */
  #joinGroup(): void {
    const socket = this.#multicastSocket;
    if (!socket) return;
    const candidates = this.#perInterface
      ? this.#localAddresses().filter((i) => !i.internal).map((i) => i.address)
      : isIPv6(this.#bindAddress) ? [] : [this.#bindAddress];
    for (const address of candidates) {
      if (this.#joined.has(address)) continue;
      try {
        socket.addMembership(DISCOVERY_MULTICAST_ADDRESS, address);
        this.#joined.add(address);
      } catch (err) {
        this.#o.log.warn({ err, address }, 'cannot join the WS-Discovery multicast group on this interface');
      }
    }
  }

  get #multicastReady(): boolean {
    return this.#multicastSocket !== undefined && this.#joined.size > 0;
  }

  /** Follows address changes: new addresses get a socket, a membership and a Hello. */
  #rescan(): void {
    if (this.#state !== 'running') return;
    const current = new Set(this.#localAddresses().map((i) => i.address));
    for (const [address, socket] of this.#unicast) {
      if (current.has(address)) continue;
      this.#unicast.delete(address);
      void closeSocket(socket);
      if (this.#joined.delete(address)) {
        try {
          this.#multicastSocket?.dropMembership(DISCOVERY_MULTICAST_ADDRESS, address);
        } catch {
          // the interface is gone, and its membership with it
        }
      }
    }
    for (const address of current) {
      if (this.#unicast.has(address)) continue;
      this.#openUnicast(address).then(
        () => {
          if (this.#state !== 'running') return;
          this.#joinGroup();
          void this.#announce('hello', [address]);
        },
        (err: unknown) => {
          // Retried at every rescan; said once.
          if (!this.#bindFailuresLogged.has(address)) this.#o.log.warn({ err, address }, 'cannot bind WS-Discovery on a new address');
          this.#bindFailuresLogged.add(address);
        },
      );
    }
  }

  // -------------------------------------------------------------------------------------------
  // Receiving

  #onDatagram(msg: Buffer, rinfo: RemoteInfo, arrival: Arrival): void {
    if (this.#state !== 'running') return;
    this.#stats.received++;
    try {
      this.#handle(msg, rinfo, arrival);
    } catch (err) {
      // Only our callbacks (types/scopes/xaddrs) can get here; a datagram must never crash the node.
      this.#o.log.warn({ err }, 'WS-Discovery failed to handle a datagram');
    }
  }

  #handle(msg: Buffer, rinfo: RemoteInfo, arrival: Arrival): void {
    const from = `${rinfo.address}:${rinfo.port}`;
    let message;
    try {
      message = parseDiscoveryDatagram(msg);
    } catch (err) {
      this.#stats.malformed++;
      const code = err instanceof DiscoveryParseError ? err.code : 'UNEXPECTED';
      this.#o.log.debug({ from, code, multicast: arrival.multicast }, 'dropped a malformed discovery datagram');
      return;
    }
    if (message.kind !== 'probe') {
      this.#stats.other++;
      return;
    }
    this.#stats.probes++;
    if (this.#isDuplicate(message.messageId)) {
      this.#stats.duplicates++;
      return;
    }
    const decision = decideProbe(message.criteria, this.#metadata(), { multicast: arrival.multicast, discoverable: this.#o.discoverable() });
    if (decision.action === 'ignore') {
      this.#stats.ignored++;
      this.#o.log.debug({ from, reason: decision.reason }, 'probe not answered');
      return;
    }
    if (rinfo.port === 0) return; // nowhere to reply to
    const localAddress = arrival.localAddress ?? localAddressFor(rinfo.address, this.#interfaces());
    const socket = (localAddress !== undefined ? this.#unicast.get(localAddress) : undefined) ?? this.#unicast.values().next().value;
    if (!socket) return;
    const reply = { relatesTo: message.messageId, replyTo: message.replyTo, messageId: `urn:uuid:${randomUUID()}` };
    if (decision.action === 'fault') {
      this.#stats.faults++;
      void this.#send(socket, buildMatchingRuleFault(reply), rinfo.address, rinfo.port);
      return;
    }
    const answer = (): void => {
      if (this.#state !== 'running') return;
      const text = buildProbeMatches(this.#target(localAddress), reply, this.#nextSequence());
      this.#stats.answered++;
      void this.#send(socket, text, rinfo.address, rinfo.port);
    };
    if (!arrival.multicast) {
      answer();
      return;
    }
    // Multicast: every device on the link answers; spreading replies avoids bursts at the client.
    if (this.#pending.size >= MAX_PENDING_REPLIES) {
      this.#stats.overload++;
      return;
    }
    const timer = setTimeout(() => {
      this.#pending.delete(timer);
      try {
        answer();
      } catch (err) {
        this.#o.log.warn({ err }, 'WS-Discovery failed to answer a multicast probe');
      }
    }, randomInt(0, APP_MAX_DELAY_MS + 1));
    this.#pending.add(timer);
  }

  /** Remembers MessageIDs for a while; entries expire in insertion order (constant window). */
  #isDuplicate(messageId: string): boolean {
    const now = performance.now();
    for (const [id, expires] of this.#seen) {
      if (expires > now && this.#seen.size < MAX_REMEMBERED_IDS) break;
      this.#seen.delete(id);
    }
    if (this.#seen.has(messageId)) return true;
    this.#seen.set(messageId, now + DUPLICATE_WINDOW_MS);
    return false;
  }

  // -------------------------------------------------------------------------------------------
  // Sending

  /** Current types and scopes; bumps MetadataVersion when they differ from the last seen. */
  #metadata(): TargetMetadata {
    const types: QName[] = [];
    for (const t of this.#o.types()) {
      const q = toQName(t);
      if (q) types.push(q);
      else if (typeof t === 'string' && !this.#badTypesLogged.has(t)) {
        this.#badTypesLogged.add(t);
        this.#o.log.warn({ type: t }, 'WS-Discovery type with an unknown prefix is not announced');
      }
    }
    const scopes = this.#o.scopes();
    const fingerprint = JSON.stringify([types.map((t) => `{${t.ns}}${t.name}`).sort(), [...scopes].sort()]);
    if (this.#metadataFingerprint !== undefined && fingerprint !== this.#metadataFingerprint) {
      this.#metadataVersion = (this.#metadataVersion + 1) >>> 0 || 1;
    }
    this.#metadataFingerprint = fingerprint;
    return { types, scopes };
  }

  #target(localAddress: string | undefined): TargetDescription {
    const metadata = this.#metadata();
    return {
      endpointReference: this.#o.endpointReference,
      ...metadata,
      xaddrs: selectXAddrs(this.#o.xaddrs(localAddress), localAddress),
      metadataVersion: this.#metadataVersion,
    };
  }

  #nextSequence(): AppSequence {
    this.#messageNumber = (this.#messageNumber + 1) >>> 0;
    return { instanceId: this.#instanceId, messageNumber: this.#messageNumber };
  }

  /** Hello or Bye out of each given unicast socket's interface, with that interface's XAddrs. */
  async #announce(kind: 'hello' | 'bye', addresses: string[]): Promise<void> {
    try {
      if (!this.#o.discoverable()) {
        this.#o.log.debug(`NonDiscoverable: no ${kind === 'hello' ? 'Hello' : 'Bye'} sent`);
        return;
      }
      if (!this.#multicastReady) {
        this.#o.log.info(`multicast unavailable: no ${kind === 'hello' ? 'Hello' : 'Bye'} sent`);
        return;
      }
      const internal = new Set(this.#localAddresses().filter((i) => i.internal).map((i) => i.address));
      for (const address of addresses) {
        const socket = this.#unicast.get(address);
        if (!socket || isIPv6(address) || (this.#perInterface && internal.has(address))) continue;
        const messageId = `urn:uuid:${randomUUID()}`;
        const text = kind === 'hello'
          ? buildHello(this.#target(address), messageId, this.#nextSequence())
          : buildBye(this.#o.endpointReference, messageId, this.#nextSequence());
        await this.#send(socket, text, DISCOVERY_MULTICAST_ADDRESS, this.#port);
      }
    } catch (err) {
      this.#o.log.warn({ err }, `WS-Discovery ${kind} failed`);
    }
  }

  /** Never rejects: a failed send is logged and counted. */
  #send(socket: Socket, text: string, address: string, port: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (err?: Error | null): void => {
        if (err) {
          this.#stats.sendErrors++;
          this.#o.log.warn({ err, to: `${address}:${port}` }, 'WS-Discovery send failed');
        }
        resolve();
      };
      try {
        socket.send(Buffer.from(text, 'utf8'), port, address, done);
      } catch (err) {
        done(err as Error); // socket closed meanwhile (address gone in a rescan)
      }
    });
  }
}

function bindSocket(socket: Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      void closeSocket(socket);
      reject(err);
    };
    socket.once('error', onError);
    socket.bind({ port, address }, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}

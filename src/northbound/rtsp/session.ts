/**
 * An RTSP session (RFC 2326 §3, gortsplib server_session): the tracks a client set up, how each
 * reaches it (interleaved channels, UDP ports or a multicast group — one kind per session), and
 * an explicit state machine: Init (no track) → Ready (SETUP done) ⇄ Playing (PLAY/PAUSE).
 *
 * The session holds its hub from the first SETUP, so the source is already running (and its GOP
 * cached) when PLAY arrives. A session on interleaved TCP lives as long as its connection; UDP
 * and multicast sessions live until TEARDOWN or `timeoutSeconds` without a keep-alive (any
 * request naming the session, or RTCP from the client).
 */
import { randomBytes } from 'node:crypto';
import type { Principal } from '../../security/access.js';
import type { HubReader, PacketWriter, ReaderStart } from '../../media/hub/reader.js';
import type { StreamHub } from '../../media/hub/stream-hub.js';
import type { MulticastLease } from './multicast.js';
import type { MulticastGroup } from './sdp.js';
import type { UdpDestination } from './udp.js';

export type SessionState = 'init' | 'ready' | 'playing';

export type TrackTransport =
  | { kind: 'tcp'; channel: number }
  | ({ kind: 'udp' } & UdpDestination)
  | { kind: 'multicast'; group: MulticastGroup };

export type SessionEndReason = 'teardown' | 'timeout' | 'connection-closed' | 'stalled' | 'shutdown';

/** What a session needs from whoever carries it (kept narrow: the server implements it). */
export interface SessionOwner {
  /** The writer for this session's transport kind, or undefined when it cannot be made. */
  writerFor(session: RtspSession): PacketWriter | undefined;
  multicastLease(session: RtspSession): MulticastLease | undefined;
  onEnd(session: RtspSession, reason: SessionEndReason): void;
}

export class RtspSession {
  readonly id = randomBytes(8).toString('hex').toUpperCase();
  readonly profileToken: string;
  /** Path of the presentation (`/live/<token>`), which every aggregate request must name. */
  readonly path: string;
  readonly hub: StreamHub;
  readonly principal: Principal;
  readonly timeoutSeconds: number;
  /** The connection an interleaved session is bound to (an opaque identity). */
  readonly connection: object;
  readonly tracks = new Map<number, TrackTransport>();
  #state: SessionState = 'init';
  #lastActivity: number;
  #release: (() => void) | undefined;
  #reader: HubReader | undefined;
  #lease: MulticastLease | undefined;
  #ended = false;
  readonly #owner: SessionOwner;

  constructor(init: {
    profileToken: string;
    path: string;
    hub: StreamHub;
    principal: Principal;
    timeoutSeconds: number;
    connection: object;
    owner: SessionOwner;
    now: number;
  }) {
    this.profileToken = init.profileToken;
    this.path = init.path;
    this.hub = init.hub;
    this.principal = init.principal;
    this.timeoutSeconds = init.timeoutSeconds;
    this.connection = init.connection;
    this.#owner = init.owner;
    this.#lastActivity = init.now;
  }

  get state(): SessionState {
    return this.#state;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** The lower transport every track of this session uses, once one is set up. */
  get transportKind(): TrackTransport['kind'] | undefined {
    return this.tracks.values().next().value?.kind;
  }

  get reader(): HubReader | undefined {
    return this.#reader;
  }

  touch(now: number): void {
    this.#lastActivity = now;
  }

  /** UDP and multicast sessions expire without keep-alives; interleaved ones end with their connection. */
  expired(now: number): boolean {
    if (this.transportKind === 'tcp') return false;
    return now - this.#lastActivity > this.timeoutSeconds * 1000;
  }

  /** Adds or replaces a track (allowed in Init and Ready). */
  setup(track: number, transport: TrackTransport): void {
    this.tracks.set(track, transport);
    if (this.#state === 'init') {
      this.#state = 'ready';
      this.#release = this.hub.hold();
    }
  }

  /**
   * Starts (or, when already playing, only describes) delivery. Returns where each track starts
   * and a function to call once the PLAY response is on the wire; undefined when the transport
   * could not be made.
   */
  play(): { start: ReaderStart; begin: () => void } | undefined {
    if (this.#state === 'playing') return { start: this.hub.liveStart(this.tracks.keys()), begin: () => undefined };
    if (this.transportKind === 'multicast') {
      const lease = this.#owner.multicastLease(this);
      if (!lease) return undefined;
      this.#lease = lease;
      this.#state = 'playing';
      return { start: this.hub.liveStart(this.tracks.keys()), begin: () => undefined };
    }
    const writer = this.#owner.writerFor(this);
    if (!writer) return undefined;
    const reader = this.hub.createReader(writer, this.tracks.keys());
    const start = this.hub.startInfo(reader);
    this.#reader = reader;
    this.#state = 'playing';
    return {
      start,
      begin: () => {
        if (this.#reader === reader && !this.#ended) this.hub.start(reader);
      },
    };
  }

  pause(): void {
    if (this.#state !== 'playing') return;
    this.#stopDelivery();
    this.#state = 'ready';
  }

  /** Ends the session (idempotent): stops delivery, releases the hub, tells the owner. */
  end(reason: SessionEndReason): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#stopDelivery();
    this.#release?.();
    this.#release = undefined;
    this.#owner.onEnd(this, reason);
  }

  #stopDelivery(): void {
    this.#reader?.stop();
    this.#reader = undefined;
    this.#lease?.release();
    this.#lease = undefined;
  }
}

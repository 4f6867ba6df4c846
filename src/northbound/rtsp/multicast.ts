/**
 * RTP multicast (ONVIF Streaming "Multicast streaming"; Media2 Start/StopMulticastStreaming).
 * Each profile in multicast use has one sender: a hub reader whose packets go to the group of
 * each track (RTP on the group port, RTCP on port + 1) from one socket per track carrying the
 * group's TTL. RTSP sessions that SETUP multicast and Media2's StartMulticastStreaming each hold
 * a lease; the sender stops when no lease is left (ONVIF: when no RTSP session uses the
 * configuration and it was not started through the media service).
 *
 * Groups come from the live directory when it implements `multicastGroup` and has one for the
 * track (the profile's MulticastConfiguration); otherwise each profile gets a stable group in
 * 239.255.0.0/16 derived from its token, ports 50000 + 2·track, TTL 1.
 */
import { createHash } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import type { Logger } from 'pino';
import { VigilError } from '../../core/errors.js';
import type { LiveSourceDirectory, MulticastControl } from '../../media/live.js';
import type { PacketBatch } from '../../media/hub/packet.js';
import type { HubReader, PacketWriter } from '../../media/hub/reader.js';
import type { HubRegistry } from '../../media/hub/registry.js';
import type { StreamHub } from '../../media/hub/stream-hub.js';
import type { MulticastGroup } from './sdp.js';

/** A live directory that also knows the profiles' multicast configurations. */
export interface MulticastDirectory extends LiveSourceDirectory {
  multicastGroup?(profileToken: string, track: number): MulticastGroup | undefined;
}

export function defaultMulticastGroup(profileToken: string, track: number): MulticastGroup {
  const h = createHash('sha256').update(profileToken).digest();
  return { address: `239.255.${h[0]}.${h[1] === 0 || h[1] === 255 ? 1 : h[1]}`, port: 50000 + 2 * track, ttl: 1 };
}

export interface MulticastOptions {
  /** Local IPv4 address whose interface sends multicast; OS default when undefined. */
  interfaceAddress: string | undefined;
  log: Pick<Logger, 'warn'> | undefined;
}

/** One profile's multicast sender (a hub reader writing to the groups). */
class GroupSender implements PacketWriter {
  readonly hub: StreamHub;
  readonly groups: ReadonlyMap<number, MulticastGroup>;
  readonly #sockets = new Map<number, Socket>();
  #reader: HubReader | undefined;
  leases = 0;
  media2 = false;

  constructor(hub: StreamHub, groups: ReadonlyMap<number, MulticastGroup>, opts: MulticastOptions) {
    this.hub = hub;
    this.groups = groups;
    for (const [track, group] of groups) {
      const socket = createSocket({ type: 'udp4' });
      socket.on('error', (err) => opts.log?.warn({ err, group }, 'multicast send failed'));
      socket.bind(0, opts.interfaceAddress, () => {
        socket.setMulticastTTL(group.ttl);
        socket.setMulticastLoopback(true);
        if (opts.interfaceAddress) socket.setMulticastInterface(opts.interfaceAddress);
      });
      this.#sockets.set(track, socket);
    }
  }

  start(): void {
    this.#reader = this.hub.createReader(this, this.groups.keys());
    this.hub.start(this.#reader);
  }

  get queuedBytes(): number {
    let total = 0;
    for (const s of this.#sockets.values()) total += s.getSendQueueSize();
    return total;
  }

  writeRtp(batch: PacketBatch): void {
    const socket = this.#sockets.get(batch.track);
    const group = this.groups.get(batch.track);
    if (!socket || !group) return;
    for (const packet of batch.packets) socket.send(packet.datagram as Uint8Array[], group.port, group.address);
  }

  writeRtcp(track: number, rtcp: Uint8Array): void {
    const socket = this.#sockets.get(track);
    const group = this.groups.get(track);
    if (socket && group) socket.send(rtcp, group.port + 1, group.address);
  }

  close(): void {
    // A multicast send queue does not stall on a receiver; nothing to do.
  }

  stop(): void {
    this.#reader?.stop();
    for (const s of this.#sockets.values()) {
      try {
        s.close();
      } catch {
        // closed before it bound
      }
    }
  }
}

export interface MulticastLease {
  readonly groups: ReadonlyMap<number, MulticastGroup>;
  release(): void;
}

export class MulticastStreams implements MulticastControl {
  readonly #registry: HubRegistry;
  readonly #opts: MulticastOptions;
  readonly #senders = new Map<string, GroupSender>();

  constructor(registry: HubRegistry, opts: MulticastOptions) {
    this.#registry = registry;
    this.#opts = opts;
  }

  /** The group of a profile's track: the directory's when it has one, else the default allocation. */
  groupFor(profileToken: string, track: number): MulticastGroup | undefined {
    const dir = this.#registry.directory as MulticastDirectory;
    if (typeof dir.multicastGroup === 'function') {
      try {
        const group = dir.multicastGroup(profileToken, track);
        if (group) return group;
      } catch {
        // fall back to the default below
      }
    }
    return defaultMulticastGroup(profileToken, track);
  }

  /** An RTSP session's lease on the profile's multicast stream (starts it if needed). */
  acquire(profileToken: string): MulticastLease | undefined {
    const sender = this.#sender(profileToken);
    if (!sender) return undefined;
    sender.leases++;
    let released = false;
    return {
      groups: sender.groups,
      release: () => {
        if (released) return;
        released = true;
        sender.leases--;
        this.#maybeStop(profileToken, sender);
      },
    };
  }

  async start(profileToken: string): Promise<void> {
    const sender = this.#sender(profileToken);
    if (!sender) throw new VigilError('NoProfile', `profile ${profileToken} has no live source to multicast`);
    sender.media2 = true;
  }

  async stop(profileToken: string): Promise<void> {
    const sender = this.#senders.get(profileToken);
    if (!sender) return;
    sender.media2 = false;
    this.#maybeStop(profileToken, sender);
  }

  isActive(profileToken: string): boolean {
    return this.#senders.has(profileToken);
  }

  close(): void {
    for (const sender of this.#senders.values()) sender.stop();
    this.#senders.clear();
  }

  #sender(profileToken: string): GroupSender | undefined {
    const existing = this.#senders.get(profileToken);
    if (existing && !existing.hub.closed) return existing;
    const hub = this.#registry.hubFor(profileToken);
    if (!hub) return undefined;
    const groups = new Map<number, MulticastGroup>();
    hub.senders.forEach((_s, track) => {
      const group = this.groupFor(profileToken, track);
      if (group) groups.set(track, group);
    });
    if (groups.size === 0) return undefined;
    const sender = new GroupSender(hub, groups, this.#opts);
    this.#senders.set(profileToken, sender);
    sender.start();
    return sender;
  }

  #maybeStop(profileToken: string, sender: GroupSender): void {
    if (sender.leases > 0 || sender.media2) return;
    sender.stop();
    if (this.#senders.get(profileToken) === sender) this.#senders.delete(profileToken);
  }
}

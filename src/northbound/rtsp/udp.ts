/**
 * RTP/AVP over UDP unicast (RFC 3550, ONVIF "RTP data transfer via UDP"): one pair of server
 * sockets (even RTP port, RTCP on the next) shared by every UDP session, like gortsplib's UDP
 * listeners. Each packet goes out with dgram.send([header, ...payload]) (sendmsg with an iovec:
 * the shared payload is not copied). Incoming RTCP (receiver reports, PLI) is routed by source
 * address; anything arriving on the RTP port (clients' NAT "punch" packets) is ignored.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { PacketBatch } from '../../media/hub/packet.js';
import type { PacketWriter } from '../../media/hub/reader.js';

export interface UdpDestination {
  address: string;
  rtpPort: number;
  rtcpPort: number;
}

export class UdpPair {
  readonly rtpPort: number;
  readonly rtcpPort: number;
  readonly #rtp: Socket;
  readonly #rtcp: Socket;

  private constructor(rtp: Socket, rtcp: Socket, port: number) {
    this.#rtp = rtp;
    this.#rtcp = rtcp;
    this.rtpPort = port;
    this.rtcpPort = port + 1;
    rtp.on('message', () => undefined);
  }

  /** Binds an even/odd port pair on `host` (wildcard or one address). */
  static async open(host: string, onRtcp: (msg: Buffer, from: RemoteInfo) => void): Promise<UdpPair> {
    const type = isIPv6(host) ? 'udp6' : 'udp4';
    let lastError: unknown;
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = 2 * randomInt(10_000, 30_000); // even, 20000..59998
      const rtp = createSocket({ type });
      const rtcp = createSocket({ type });
      try {
        await bind(rtp, port, host);
        await bind(rtcp, port + 1, host);
      } catch (err) {
        lastError = err;
        rtp.close();
        rtcp.close();
        continue;
      }
      for (const s of [rtp, rtcp]) s.on('error', () => undefined); // e.g. ICMP unreachable: nothing to do
      rtcp.on('message', onRtcp);
      return new UdpPair(rtp, rtcp, port);
    }
    throw new Error(`no free UDP port pair for RTP on ${host}: ${String(lastError)}`);
  }

  /** Bytes waiting in the RTP socket's send queue (shared by all UDP sessions). */
  get queuedBytes(): number {
    return this.#rtp.getSendQueueSize();
  }

  sendRtp(parts: readonly Uint8Array[], port: number, address: string): void {
    this.#rtp.send(parts as Uint8Array[], port, address);
  }

  sendRtcp(data: Uint8Array, port: number, address: string): void {
    this.#rtcp.send(data, port, address);
  }

  close(): void {
    for (const s of [this.#rtp, this.#rtcp]) {
      try {
        s.close();
      } catch {
        // already closed
      }
    }
  }
}

function bind(socket: Socket, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

/** A session's packets to its client's UDP ports. UDP cannot stall, so close() does nothing. */
export class UdpWriter implements PacketWriter {
  readonly #udp: UdpPair;
  readonly #destinations: ReadonlyMap<number, UdpDestination>;

  constructor(udp: UdpPair, destinations: ReadonlyMap<number, UdpDestination>) {
    this.#udp = udp;
    this.#destinations = destinations;
  }

  get queuedBytes(): number {
    return this.#udp.queuedBytes;
  }

  writeRtp(batch: PacketBatch): void {
    const to = this.#destinations.get(batch.track);
    if (!to) return;
    for (const packet of batch.packets) this.#udp.sendRtp(packet.datagram, to.rtpPort, to.address);
  }

  writeRtcp(track: number, rtcp: Uint8Array): void {
    const to = this.#destinations.get(track);
    if (to) this.#udp.sendRtcp(rtcp, to.rtcpPort, to.address);
  }

  close(): void {
    // Nothing queues per reader on UDP.
  }
}

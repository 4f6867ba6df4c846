/**
 * RTP/AVP/TCP interleaved (RFC 2326 §10.12) on the session's RTSP connection, whatever that
 * connection runs on. Each packet is its cached `$ch len` + RTP header prefix followed by the
 * shared payload pieces; one access unit is written inside one cork/uncork, i.e. one writev.
 */
import { interleavedRtcp, type HubPacket } from '../../media/hub/packet.js';
import type { PacketWriter } from '../../media/hub/reader.js';
import type { RtspTransport } from './transport.js';

export class InterleavedWriter implements PacketWriter {
  readonly #transport: RtspTransport;
  /** track → RTP channel (RTCP is the next channel). */
  readonly #channels: ReadonlyMap<number, number>;
  readonly #onStall: () => void;

  constructor(transport: RtspTransport, channels: ReadonlyMap<number, number>, onStall: () => void) {
    this.#transport = transport;
    this.#channels = channels;
    this.#onStall = onStall;
  }

  get queuedBytes(): number {
    return this.#transport.queuedBytes;
  }

  writeRtp(packets: readonly HubPacket[], from: number): void {
    const channel = this.#channels.get(packets[from]!.track);
    if (channel === undefined) return;
    const t = this.#transport;
    t.cork();
    for (let i = from; i < packets.length; i++) {
      const packet = packets[i]!;
      const payload = packet.payload;
      const last = payload.length - 1;
      t.sendPart(packet.interleavedPrefix(channel), last < 0);
      for (let j = 0; j <= last; j++) t.sendPart(payload[j]!, j === last);
    }
    t.uncork();
  }

  writeRtcp(track: number, rtcp: Uint8Array): void {
    const channel = this.#channels.get(track);
    if (channel !== undefined) this.#transport.send(interleavedRtcp(channel + 1, rtcp));
  }

  close(): void {
    this.#onStall();
  }
}

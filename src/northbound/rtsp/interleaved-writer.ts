/**
 * RTP/AVP/TCP interleaved (RFC 2326 §10.12) on the session's RTSP connection, whatever that
 * connection runs on. An access unit goes out as its batch's framed buffer for this channel,
 * built once and shared with every reader on the same channel: one write per frame, no copy.
 */
import { interleavedRtcp, type PacketBatch } from '../../media/hub/packet.js';
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

  writeRtp(batch: PacketBatch): void {
    const channel = this.#channels.get(batch.track);
    if (channel !== undefined) this.#transport.send(batch.interleaved(channel));
  }

  writeRtcp(track: number, rtcp: Uint8Array): void {
    const channel = this.#channels.get(track);
    if (channel !== undefined) this.#transport.send(interleavedRtcp(channel + 1, rtcp));
  }

  cork(): void {
    this.#transport.cork();
  }

  uncork(): void {
    this.#transport.uncork();
  }

  close(): void {
    this.#onStall();
  }
}

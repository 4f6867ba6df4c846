// JPEG over RTP, RFC 2435: baseline YCbCr 4:2:2 (type 0) or 4:2:0 (type 1) images, +64 when
// restart markers are used. The packetizer sends Q=255 with the image's own quantization tables
// in the first packet, so any quality setting survives unchanged; the receiver rebuilds the
// headers RFC 2435 leaves out (codec/jpeg.ts buildJpeg, Annex K Huffman tables).
// The ONVIF JPEG header extension (profile 0xFFD8/0xFFFF) is not interpreted.
import { ParseError } from '../codec/errors.js';
import { buildJpeg, parseJpeg, rfc2435QuantTables } from '../codec/jpeg.js';
import type { RtpPacket } from './packet.js';
import { checkMaxPayloadSize, DEFAULT_MAX_PAYLOAD_SIZE, type RtpPacketParts } from './packet-parts.js';
import { newDepacketizerStats, SequenceContinuity, type DepacketizerStats } from './continuity.js';

export const JPEG_PAYLOAD_TYPE = 26;
export const JPEG_CLOCK_RATE = 90000;
const MAIN_HEADER_SIZE = 8;
const RESTART_HEADER_SIZE = 4;
const QUANT_HEADER_SIZE = 4;
const MAX_FRAGMENT_OFFSET = 0xffffff;
/** Q values 128..255 carry tables in-band; 255 marks them as possibly changing every frame. */
const DYNAMIC_TABLES_Q = 255;

export interface JpegPacketizerOptions {
  /** Largest RTP payload (excluding the RTP header) to produce. Default 1400. */
  maxPayloadSize?: number;
}

export class JpegPacketizer {
  readonly maxPayloadSize: number;

  constructor(options: JpegPacketizerOptions = {}) {
    this.maxPayloadSize = checkMaxPayloadSize(options.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD_SIZE, 300);
  }

  /**
   * One JPEG image → packets (marker on the last). Throws the codec's ParseError for a broken
   * JPEG, and ParseError UNSUPPORTED for one RFC 2435 cannot carry (progressive, 4:4:4, custom
   * Huffman tables, larger than 2040 pixels): re-encode those first. Tables and scan data in the
   * payloads are views of the input.
   */
  packetize(image: Uint8Array, timestamp: number): RtpPacketParts[] {
    const info = parseJpeg(image);
    const params = info.rfc2435;
    if (!params) {
      throw new ParseError('UNSUPPORTED', `JPEG not sendable as RTP/JPEG: ${info.rfc2435Unsupported ?? 'unknown'}`, {
        offset: 0,
      });
    }
    const scan = endsWithEoi(info.scan) ? info.scan.subarray(0, info.scan.length - 2) : info.scan;
    if (scan.length > MAX_FRAGMENT_OFFSET) {
      throw new ParseError('TOO_LARGE', 'JPEG scan larger than RTP/JPEG fragment offsets can address', { offset: info.scanOffset });
    }
    const [luma, chroma] = params.quantTables;
    const tablesLength = luma.data.length + chroma.data.length;
    const restart = params.type >= 64;
    const packets: RtpPacketParts[] = [];
    let offset = 0;
    do {
      const first = offset === 0;
      const headerSize = MAIN_HEADER_SIZE + (restart ? RESTART_HEADER_SIZE : 0) + (first ? QUANT_HEADER_SIZE : 0);
      const room = this.maxPayloadSize - headerSize - (first ? tablesLength : 0);
      const end = Math.min(scan.length, offset + room);
      const header = new Uint8Array(headerSize);
      header[1] = offset >> 16; // header[0], type-specific: 0 = progressive frame
      header[2] = (offset >> 8) & 0xff;
      header[3] = offset & 0xff;
      header[4] = params.type;
      header[5] = DYNAMIC_TABLES_Q;
      header[6] = params.widthBlocks;
      header[7] = params.heightBlocks;
      let at = MAIN_HEADER_SIZE;
      if (restart) {
        // F=L=1, count 0x3FFF: packets are not aligned to restart intervals (RFC 2435 §3.1.7).
        header[at] = params.restartInterval >> 8;
        header[at + 1] = params.restartInterval & 0xff;
        header[at + 2] = 0xff;
        header[at + 3] = 0xff;
        at += RESTART_HEADER_SIZE;
      }
      const payload: Uint8Array[] = [header];
      if (first) {
        header[at + 1] = luma.precision | (chroma.precision << 1);
        header[at + 2] = tablesLength >> 8;
        header[at + 3] = tablesLength & 0xff;
        payload.push(luma.data, chroma.data);
      }
      payload.push(scan.subarray(offset, end));
      packets.push({ marker: end === scan.length, timestamp, payload });
      offset = end;
    } while (offset < scan.length);
    return packets;
  }
}

function endsWithEoi(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9;
}

export interface JpegFrame {
  timestamp: number;
  /** A complete, decodable JPEG (SOI … EOI). */
  image: Uint8Array;
  /** In pixels, as RFC 2435 conveys them (multiples of 8). */
  width: number;
  height: number;
}

interface JpegPacketHeader {
  fragmentOffset: number;
  type: number;
  q: number;
  width: number;
  height: number;
  restartInterval: number;
  /** For the first packet of a frame: tables (in-band or derived from Q); undefined = malformed. */
  tables?: Uint8Array[];
  data: Uint8Array;
}

/**
 * Rebuilds JPEG images. A frame is emitted at its marker packet when all fragments arrived in
 * offset order; frames with a gap are discarded and reception resumes at the next packet with
 * fragment offset 0. push() never throws: malformed packets are dropped and counted.
 */
export class JpegDepacketizer {
  readonly stats: DepacketizerStats = newDepacketizerStats();
  readonly #continuity = new SequenceContinuity();
  /** In-band tables by Q, reused when a later frame sends a zero-length table header. */
  readonly #tablesByQ = new Map<number, Uint8Array[]>();
  #frame: { timestamp: number; header: JpegPacketHeader; parts: Uint8Array[]; received: number } | undefined;

  push(packet: RtpPacket): JpegFrame[] {
    this.stats.packets++;
    const continuity = this.#continuity.check(packet.sequenceNumber, packet.ssrc, this.stats);
    if (continuity === 'stale') return [];
    if (continuity === 'gap') this.#discard();
    const header = this.#parseHeader(packet.payload);
    if (!header) {
      this.stats.malformedPackets++;
      this.#discard();
      return [];
    }
    if (this.#frame && this.#frame.timestamp !== packet.timestamp) this.#discard();
    if (header.fragmentOffset === 0) {
      this.#discard();
      this.#frame = { timestamp: packet.timestamp, header, parts: [], received: 0 };
    }
    const frame = this.#frame;
    if (!frame) return []; // waiting for the start of a frame
    if (header.fragmentOffset !== frame.received) {
      this.#discard();
      return [];
    }
    frame.parts.push(header.data);
    frame.received += header.data.length;
    if (!packet.marker) return [];
    this.#frame = undefined;
    return this.#build(frame.timestamp, frame.header, frame.parts);
  }

  #build(timestamp: number, header: JpegPacketHeader, parts: Uint8Array[]): JpegFrame[] {
    const last = parts[parts.length - 1];
    if (last && endsWithEoi(last)) parts[parts.length - 1] = last.subarray(0, last.length - 2);
    const params = {
      type: header.type,
      width: header.width,
      height: header.height,
      quantTables: header.tables ?? [],
      restartInterval: header.restartInterval,
    };
    try {
      return [{ timestamp, image: buildJpeg(params, parts), width: header.width, height: header.height }];
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      this.stats.malformedPackets++;
      this.stats.discardedUnits++;
      return [];
    }
  }

  #parseHeader(payload: Uint8Array): JpegPacketHeader | undefined {
    if (payload.length < MAIN_HEADER_SIZE) return undefined;
    const fragmentOffset = ((payload[1] as number) << 16) | ((payload[2] as number) << 8) | (payload[3] as number);
    const type = payload[4] as number;
    const q = payload[5] as number;
    const width = (payload[6] as number) * 8;
    const height = (payload[7] as number) * 8;
    // Types 0/1 (+64 with restart markers) only; a zero size is an ONVIF-extension case.
    if ((type & 0x3f) > 1 || type >= 128 || width === 0 || height === 0 || q === 0 || (q >= 100 && q < 128)) return undefined;
    let at = MAIN_HEADER_SIZE;
    let restartInterval = 0;
    if (type >= 64) {
      if (payload.length < at + RESTART_HEADER_SIZE) return undefined;
      restartInterval = ((payload[at] as number) << 8) | (payload[at + 1] as number);
      if (restartInterval === 0) return undefined;
      at += RESTART_HEADER_SIZE;
    }
    const header: JpegPacketHeader = { fragmentOffset, type, q, width, height, restartInterval, data: payload };
    if (fragmentOffset === 0) {
      if (q < 128) {
        header.tables = rfc2435QuantTables(q);
      } else {
        if (payload.length < at + QUANT_HEADER_SIZE) return undefined;
        const precision = payload[at + 1] as number;
        const length = ((payload[at + 2] as number) << 8) | (payload[at + 3] as number);
        at += QUANT_HEADER_SIZE;
        if (payload.length < at + length) return undefined;
        const tables = length === 0 ? this.#tablesByQ.get(q) : splitTables(payload.subarray(at, at + length), precision);
        if (!tables) return undefined;
        if (length > 0) this.#tablesByQ.set(q, tables);
        header.tables = tables;
        at += length;
      }
    }
    header.data = payload.subarray(at);
    return header;
  }

  #discard(): void {
    if (!this.#frame) return;
    this.#frame = undefined;
    this.stats.discardedUnits++;
  }
}

/** Luminance and chrominance tables from the quantization header data (bit i of precision: table i is 16-bit). */
function splitTables(data: Uint8Array, precision: number): Uint8Array[] | undefined {
  const lumaSize = precision & 1 ? 128 : 64;
  const chromaSize = precision & 2 ? 128 : 64;
  if (data.length < lumaSize + chromaSize) return undefined;
  // Copies: cached across frames, so they must not alias a packet buffer that gets reused.
  return [new Uint8Array(data.subarray(0, lumaSize)), new Uint8Array(data.subarray(lumaSize, lumaSize + chromaSize))];
}

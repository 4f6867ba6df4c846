// ONVIF metadata over RTP (ONVIF Streaming "RTP for Metadata stream"; SDP encoding name
// vnd.onvif.metadata, clock 90000): one XML document (tt:MetadataStream, possibly GZIP or EXI
// compressed) is cut at the payload limit, every piece carries the same timestamp and the marker
// bit closes the document.
import type { RtpPacket } from './packet.js';
import { checkMaxPayloadSize, concatParts, DEFAULT_MAX_PAYLOAD_SIZE, type RtpPacketParts } from './packet-parts.js';
import { newDepacketizerStats, SequenceContinuity, type DepacketizerStats } from './continuity.js';

export const ONVIF_METADATA_ENCODING = 'vnd.onvif.metadata';
export const ONVIF_METADATA_GZIP_ENCODING = 'vnd.onvif.metadata+gzip';
export const ONVIF_METADATA_CLOCK_RATE = 90000;
export const DEFAULT_MAX_METADATA_DOCUMENT_SIZE = 1024 * 1024;

export interface MetadataPacketizerOptions {
  /** Largest RTP payload (excluding the RTP header) to produce. Default 1400. */
  maxPayloadSize?: number;
}

export class MetadataPacketizer {
  readonly maxPayloadSize: number;

  constructor(options: MetadataPacketizerOptions = {}) {
    this.maxPayloadSize = checkMaxPayloadSize(options.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD_SIZE, 1);
  }

  /**
   * One complete document (UTF-8 bytes, or a string to encode) → packets, marker on the last.
   * Bytes are views of the input; a cut may fall inside a multi-byte character (the receiver
   * reassembles before decoding). An empty document produces no packets.
   */
  packetize(document: Uint8Array | string, timestamp: number): RtpPacketParts[] {
    const bytes = typeof document === 'string' ? Buffer.from(document, 'utf8') : document;
    const packets: RtpPacketParts[] = [];
    for (let offset = 0; offset < bytes.length; offset += this.maxPayloadSize) {
      const end = Math.min(offset + this.maxPayloadSize, bytes.length);
      packets.push({ marker: end === bytes.length, timestamp, payload: [bytes.subarray(offset, end)] });
    }
    return packets;
  }
}

export interface MetadataDocument {
  /** RTP timestamp of the document's first packet. */
  timestamp: number;
  /** The document's bytes; a view into the packet when it came in one packet. */
  document: Uint8Array;
  /** Starts with the GZIP magic (RFC 1952): decompress before parsing. */
  gzip: boolean;
}

export interface MetadataDepacketizerOptions {
  /** Documents larger than this are discarded (the ONVIF spec sets no limit; memory does). Default 1 MiB. */
  maxDocumentSize?: number;
}

// After a loss, a packet can only be trusted as a document start when it visibly is one.
const DOCUMENT_START = /^(?:\$EXI|<\?xml[\s?]|<(?:[A-Za-z_][\w.-]*:)?Meta[dD]ataStream[\s/>])/;

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function looksLikeDocumentStart(payload: Uint8Array): boolean {
  if (isGzip(payload)) return true;
  return DOCUMENT_START.test(Buffer.from(payload.buffer, payload.byteOffset, Math.min(payload.length, 64)).toString('latin1'));
}

/**
 * Reassembles documents by the marker bit alone: the spec recommends per-packet creation times as
 * timestamps, so a timestamp change does not delimit documents. After a sequence gap or an
 * oversized document, packets are skipped up to the next marker unless one visibly starts a new
 * document (XML declaration, MetadataStream root, GZIP magic or EXI cookie). The very first packet
 * is trusted to start a document (RTSP PLAY starts at a document boundary). push() never throws.
 */
export class MetadataDepacketizer {
  readonly stats: DepacketizerStats = newDepacketizerStats();
  readonly #maxDocumentSize: number;
  readonly #continuity = new SequenceContinuity();
  #pending: { timestamp: number; parts: Uint8Array[]; size: number } | undefined;
  #skipUntilMarker = false;

  constructor(options: MetadataDepacketizerOptions = {}) {
    this.#maxDocumentSize = options.maxDocumentSize ?? DEFAULT_MAX_METADATA_DOCUMENT_SIZE;
  }

  push(packet: RtpPacket): MetadataDocument[] {
    this.stats.packets++;
    const continuity = this.#continuity.check(packet.sequenceNumber, packet.ssrc, this.stats);
    if (continuity === 'stale') return [];
    if (continuity === 'gap') {
      this.#discard();
      this.#skipUntilMarker = true;
    }
    if (this.#skipUntilMarker && looksLikeDocumentStart(packet.payload)) this.#skipUntilMarker = false;
    if (this.#skipUntilMarker) {
      if (packet.marker) this.#skipUntilMarker = false;
      return [];
    }
    const pending = (this.#pending ??= { timestamp: packet.timestamp, parts: [], size: 0 });
    pending.parts.push(packet.payload);
    pending.size += packet.payload.length;
    if (pending.size > this.#maxDocumentSize) {
      this.#discard();
      this.#skipUntilMarker = !packet.marker;
      return [];
    }
    if (!packet.marker) return [];
    this.#pending = undefined;
    if (pending.size === 0) {
      this.stats.malformedPackets++;
      return [];
    }
    const document = concatParts(pending.parts, pending.size);
    return [{ timestamp: pending.timestamp, document, gzip: isGzip(document) }];
  }

  #discard(): void {
    if (!this.#pending) return;
    this.#pending = undefined;
    this.stats.discardedUnits++;
  }
}

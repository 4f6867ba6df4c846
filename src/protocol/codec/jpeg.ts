/**
 * JPEG (ITU-T T.81) parsing for RTP/JPEG (RFC 2435): the frame header, quantization and Huffman
 * tables, restart interval and the entropy-coded scan, plus the reverse: rebuilding decodable
 * JPEG headers from RFC 2435 parameters with the Annex K tables.
 */
import { ParseError } from './errors.js';
import { STANDARD_HUFFMAN, type HuffmanSpec } from './jpeg-tables.js';

export { rfc2435QuantTables, STANDARD_HUFFMAN, ZIGZAG } from './jpeg-tables.js';

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const DQT = 0xdb;
const DHT = 0xc4;
const DRI = 0xdd;
const SOF0 = 0xc0;
const SOF1 = 0xc1;
const RST0 = 0xd0;
const RST7 = 0xd7;
const TEM = 0x01;
const RFC2435_MAX_SIDE = 2040; // 255 blocks of 8 pixels

export interface JpegQuantTable {
  /** Table destination Tq 0..3. */
  id: number;
  /** 0: 8-bit values (64 bytes), 1: 16-bit big-endian values (128 bytes). */
  precision: 0 | 1;
  /** The table as stored in DQT (zig-zag order): a subarray of the input. */
  data: Uint8Array;
}

export interface JpegHuffmanTable {
  /** 0 = DC, 1 = AC. */
  tableClass: 0 | 1;
  id: number;
  /** Codes per length 1..16. */
  counts: Uint8Array;
  symbols: Uint8Array;
}

export interface JpegComponent {
  id: number;
  h: number;
  v: number;
  quantTableId: number;
}

export interface JpegScanComponent {
  id: number;
  dcTableId: number;
  acTableId: number;
}

/** What an RFC 2435 packetizer puts in the main and quantization headers. */
export interface Rfc2435Params {
  /** 0 (4:2:2), 1 (4:2:0), or 64/65 with restart markers. */
  type: number;
  /** Width and height in 8-pixel blocks (rounded up; the decoder shows the padding). */
  widthBlocks: number;
  heightBlocks: number;
  /** Luminance then chrominance table, as the quantization header carries them (Q 128..255). */
  quantTables: [JpegQuantTable, JpegQuantTable];
  restartInterval: number;
}

export interface JpegInfo {
  /** SOF marker minus 0xC0: 0 baseline, 1 extended sequential, 2 progressive, ... */
  frameType: number;
  precision: number;
  width: number;
  height: number;
  components: JpegComponent[];
  /** Tables in effect at the first scan, by ascending id. */
  quantTables: JpegQuantTable[];
  huffmanTables: JpegHuffmanTable[];
  /** True when no DHT is present or every DHT table equals the Annex K table with its id. */
  standardHuffmanTables: boolean;
  /** DRI value in MCUs, 0 when there are no restart markers. */
  restartInterval: number;
  scanComponents: JpegScanComponent[];
  /** Offset and bytes of the first scan's entropy-coded data (RST markers included, EOI not). */
  scanOffset: number;
  scan: Uint8Array;
  /** True when the first scan is followed directly by EOI. */
  singleScan: boolean;
  /** Set when the image can be sent as RTP/JPEG without re-encoding. */
  rfc2435?: Rfc2435Params;
  /** Why `rfc2435` is not set. */
  rfc2435Unsupported?: string;
}

function truncated(offset: number, needed: number, what: string): ParseError {
  return new ParseError('TRUNCATED', `JPEG truncated in ${what}`, { offset, needed });
}

function invalid(offset: number, message: string): ParseError {
  return new ParseError('INVALID', message, { offset });
}

function u16(buf: Uint8Array, offset: number): number {
  return ((buf[offset] as number) << 8) | (buf[offset + 1] as number);
}

/**
 * Parses a JPEG image up to the end of its first scan. Throws ParseError TRUNCATED when the data
 * ends before that, INVALID for malformed segments and UNSUPPORTED for a DNL-defined height.
 */
export function parseJpeg(buf: Uint8Array): JpegInfo {
  if (buf.length < 2) throw truncated(0, 2 - buf.length, 'SOI');
  if (buf[0] !== 0xff || buf[1] !== SOI) throw invalid(0, 'missing SOI marker');
  const quant = new Map<number, JpegQuantTable>();
  const huffman = new Map<number, JpegHuffmanTable>();
  let frame: JpegFrame | undefined;
  let restartInterval = 0;
  let pos = 2;
  for (;;) {
    // Markers may be preceded by any number of 0xFF fill bytes (T.81 B.1.1.2).
    if (pos >= buf.length) throw truncated(pos, 2, 'marker');
    if (buf[pos] !== 0xff) throw invalid(pos, `expected a marker, found 0x${(buf[pos] as number).toString(16)}`);
    while (pos < buf.length && buf[pos] === 0xff) pos++;
    if (pos >= buf.length) throw truncated(pos, 1, 'marker');
    const marker = buf[pos++] as number;
    if (marker === TEM || (marker >= RST0 && marker <= RST7)) continue;
    if (marker === SOI || marker === EOI) throw invalid(pos - 1, `unexpected marker 0x${marker.toString(16)} before the scan`);
    if (pos + 2 > buf.length) throw truncated(pos, pos + 2 - buf.length, 'segment length');
    const length = u16(buf, pos);
    if (length < 2) throw invalid(pos, `segment length ${length}`);
    if (pos + length > buf.length) throw truncated(pos, pos + length - buf.length, `segment 0x${marker.toString(16)}`);
    const body = buf.subarray(pos + 2, pos + length);
    const bodyOffset = pos + 2;
    pos += length;
    if (marker === DQT) readQuantTables(body, bodyOffset, quant);
    else if (marker === DHT) readHuffmanTables(body, bodyOffset, huffman);
    else if (marker === DRI) {
      if (body.length !== 2) throw invalid(bodyOffset, 'DRI segment must be 4 bytes');
      restartInterval = u16(body, 0);
    } else if (marker >= 0xc0 && marker <= 0xcf && marker !== DHT && marker !== 0xc8 && marker !== 0xcc) {
      if (frame) throw invalid(bodyOffset, 'second SOF marker');
      frame = readFrameHeader(body, bodyOffset, marker - SOF0);
    } else if (marker === SOS) {
      if (!frame) throw invalid(bodyOffset, 'SOS before SOF');
      const scanComponents = readScanHeader(body, bodyOffset, frame.components);
      const scanEnd = findScanEnd(buf, pos);
      const info: JpegInfo = {
        ...frame,
        quantTables: [...quant.values()].sort((a, b) => a.id - b.id),
        huffmanTables: [...huffman.values()].sort((a, b) => a.tableClass - b.tableClass || a.id - b.id),
        standardHuffmanTables: [...huffman.values()].every(isStandardTable),
        restartInterval,
        scanComponents,
        scanOffset: pos,
        scan: buf.subarray(pos, scanEnd.end),
        singleScan: scanEnd.marker === EOI,
      };
      const rfc = rfc2435Params(info);
      if (typeof rfc === 'string') info.rfc2435Unsupported = rfc;
      else info.rfc2435 = rfc;
      return info;
    }
    // APPn, COM and other segments are skipped.
  }
}

function readQuantTables(body: Uint8Array, offset: number, out: Map<number, JpegQuantTable>): void {
  let pos = 0;
  while (pos < body.length) {
    const pq = (body[pos] as number) >> 4;
    const id = (body[pos] as number) & 0x0f;
    if (pq > 1 || id > 3) throw invalid(offset + pos, `DQT precision ${pq} / id ${id}`);
    const size = pq === 0 ? 64 : 128;
    if (pos + 1 + size > body.length) throw invalid(offset + pos, 'DQT table longer than its segment');
    out.set(id, { id, precision: pq === 0 ? 0 : 1, data: body.subarray(pos + 1, pos + 1 + size) });
    pos += 1 + size;
  }
}

function readHuffmanTables(body: Uint8Array, offset: number, out: Map<number, JpegHuffmanTable>): void {
  let pos = 0;
  while (pos < body.length) {
    const tableClass = (body[pos] as number) >> 4;
    const id = (body[pos] as number) & 0x0f;
    if (tableClass > 1 || id > 3) throw invalid(offset + pos, `DHT class ${tableClass} / id ${id}`);
    if (pos + 17 > body.length) throw invalid(offset + pos, 'DHT counts longer than the segment');
    const counts = body.subarray(pos + 1, pos + 17);
    const total = counts.reduce((sum, n) => sum + n, 0);
    if (total > 256 || pos + 17 + total > body.length) throw invalid(offset + pos, `DHT with ${total} symbols`);
    const symbols = body.subarray(pos + 17, pos + 17 + total);
    out.set(tableClass * 4 + id, { tableClass: tableClass as 0 | 1, id, counts, symbols });
    pos += 17 + total;
  }
}

type JpegFrame = Pick<JpegInfo, 'frameType' | 'precision' | 'width' | 'height' | 'components'>;

function readFrameHeader(body: Uint8Array, offset: number, frameType: number): JpegFrame {
  if (body.length < 6) throw invalid(offset, 'SOF segment too short');
  const precision = body[0] as number;
  const height = u16(body, 1);
  const width = u16(body, 3);
  const count = body[5] as number;
  if (count < 1 || count > 4 || body.length !== 6 + 3 * count) throw invalid(offset + 5, `SOF with ${count} components`);
  if (width === 0) throw invalid(offset + 3, 'image width 0');
  if (height === 0) throw new ParseError('UNSUPPORTED', 'height defined by a DNL marker', { offset: offset + 1 });
  const components: JpegComponent[] = [];
  for (let i = 0; i < count; i++) {
    const at = 6 + 3 * i;
    const sampling = body[at + 1] as number;
    const component = { id: body[at] as number, h: sampling >> 4, v: sampling & 0x0f, quantTableId: body[at + 2] as number };
    if (component.h < 1 || component.h > 4 || component.v < 1 || component.v > 4 || component.quantTableId > 3) {
      throw invalid(offset + at, `component ${component.id}: sampling ${component.h}x${component.v}, table ${component.quantTableId}`);
    }
    components.push(component);
  }
  return { frameType, precision, width, height, components };
}

function readScanHeader(body: Uint8Array, offset: number, components: JpegComponent[]): JpegScanComponent[] {
  const count = body[0] ?? 0;
  if (count < 1 || count > 4 || body.length !== 4 + 2 * count) throw invalid(offset, `SOS with ${count} components`);
  const scan: JpegScanComponent[] = [];
  for (let i = 0; i < count; i++) {
    const id = body[1 + 2 * i] as number;
    const tables = body[2 + 2 * i] as number;
    if (!components.some((c) => c.id === id)) throw invalid(offset + 1 + 2 * i, `SOS names unknown component ${id}`);
    scan.push({ id, dcTableId: tables >> 4, acTableId: tables & 0x0f });
  }
  return scan;
}

/** Where the entropy-coded data starting at `from` ends, and the marker that ends it. */
function findScanEnd(buf: Uint8Array, from: number): { end: number; marker: number } {
  let pos = from;
  for (;;) {
    const ff = buf.indexOf(0xff, pos);
    let next = ff + 1;
    while (ff >= 0 && buf[next] === 0xff) next++; // fill bytes before a marker
    if (ff < 0 || next >= buf.length) throw truncated(buf.length, 2, 'scan data (no EOI)');
    const byte = buf[next] as number;
    // 0xFF00 is a stuffed 0xFF data byte and RSTn markers belong to the scan.
    if ((byte === 0x00 && next === ff + 1) || (byte >= RST0 && byte <= RST7)) pos = next + 1;
    else return { end: ff, marker: byte };
  }
}

function standardSpec(tableClass: number, id: number): HuffmanSpec | undefined {
  if (id === 0) return tableClass === 0 ? STANDARD_HUFFMAN.dcLuminance : STANDARD_HUFFMAN.acLuminance;
  if (id === 1) return tableClass === 0 ? STANDARD_HUFFMAN.dcChrominance : STANDARD_HUFFMAN.acChrominance;
  return undefined;
}

function isStandardTable(table: JpegHuffmanTable): boolean {
  const spec = standardSpec(table.tableClass, table.id);
  if (!spec) return false;
  return sameBytes(table.counts, spec.counts) && sameBytes(table.symbols, spec.symbols);
}

function sameBytes(a: Uint8Array, b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** RFC 2435 3.1.3 / 4.1: which images a receiver can rebuild from type, size, tables and DRI. */
function rfc2435Params(info: JpegInfo): Rfc2435Params | string {
  // SOF1 (extended sequential) is what encoders write for 16-bit quantization tables, which the
  // RTP/JPEG quantization header can carry; everything else about it decodes like baseline.
  if ((info.frameType !== 0 && info.frameType !== 1) || info.precision !== 8) return 'not a sequential 8-bit JPEG';
  const [y, cb, cr] = info.components;
  if (info.components.length !== 3 || !y || !cb || !cr) return `${info.components.length} components (RTP/JPEG needs YCbCr)`;
  if (y.h !== 2 || (y.v !== 1 && y.v !== 2) || cb.h !== 1 || cb.v !== 1 || cr.h !== 1 || cr.v !== 1) {
    return `sampling ${info.components.map((c) => `${c.h}x${c.v}`).join(',')} is neither 4:2:2 nor 4:2:0`;
  }
  if (cb.quantTableId !== cr.quantTableId) return 'chrominance components use different quantization tables';
  const luma = info.quantTables.find((t) => t.id === y.quantTableId);
  const chroma = info.quantTables.find((t) => t.id === cb.quantTableId);
  if (!luma || !chroma) return 'a quantization table is missing';
  if (!info.singleScan || info.scanComponents.length !== 3) return 'not a single interleaved scan';
  const ids = info.scanComponents.map((s) => `${s.dcTableId}${s.acTableId}`).join(',');
  if (!info.standardHuffmanTables || ids !== '00,11,11') return 'Huffman tables are not the Annex K ones';
  if (info.width > RFC2435_MAX_SIDE || info.height > RFC2435_MAX_SIDE) return `size ${info.width}x${info.height} above 2040`;
  return {
    type: (y.v === 1 ? 0 : 1) + (info.restartInterval > 0 ? 64 : 0),
    widthBlocks: Math.ceil(info.width / 8),
    heightBlocks: Math.ceil(info.height / 8),
    quantTables: [luma, chroma],
    restartInterval: info.restartInterval,
  };
}

export interface JpegHeaderParams {
  /** RFC 2435 type: 0 or 1, or 64/65 with restart markers. */
  type: number;
  /** In pixels (RFC 2435 width/height fields times 8), 1..65535. */
  width: number;
  height: number;
  /** Luminance and chrominance tables in zig-zag order, 64 bytes (8-bit) or 128 (16-bit) each;
   *  a single table is used for all components. */
  quantTables: readonly Uint8Array[];
  /** Restart interval in MCUs: required (> 0) for types 64..127, ignored for types 0 and 1. */
  restartInterval?: number;
}

/**
 * Builds SOI, DQT, [DRI], SOF0 (SOF1 with 16-bit tables), DHT (Annex K tables) and SOS for an
 * RFC 2435 frame, as in RFC 2435 Appendix B: append the reassembled scan data and EOI (0xFFD9) to
 * get a decodable JPEG. Components are numbered 1, 2, 3; chroma uses table 1 when two are given.
 */
export function buildJpegHeaders(params: JpegHeaderParams): Uint8Array {
  const { type, width, height, quantTables } = params;
  const restartInterval = params.restartInterval ?? 0;
  const baseType = type & 0x3f;
  if ((type !== baseType && type !== baseType + 64) || baseType > 1) throw new RangeError(`RTP/JPEG type ${type} not supported`);
  if (type >= 64 && (restartInterval < 1 || restartInterval > 0xffff)) throw new RangeError('types 64..127 need a restart interval');
  for (const side of [width, height]) {
    if (!Number.isInteger(side) || side < 1 || side > 0xffff) throw new RangeError(`image side ${side} out of range`);
  }
  if (quantTables.length < 1 || quantTables.length > 2) throw new RangeError('one or two quantization tables expected');
  for (const table of quantTables) {
    if (table.length !== 64 && table.length !== 128) throw new RangeError(`quantization table of ${table.length} bytes`);
  }
  const chromaTableId = quantTables.length === 2 ? 1 : 0;

  const segments: number[][] = [[0xff, SOI]];
  const dqt: number[] = [];
  quantTables.forEach((table, id) => dqt.push(((table.length === 128 ? 1 : 0) << 4) | id, ...table));
  segments.push(segment(DQT, dqt));
  if (type >= 64) segments.push(segment(DRI, [restartInterval >> 8, restartInterval & 0xff]));
  const lumaSampling = baseType === 0 ? 0x21 : 0x22;
  // T.81 baseline allows only 8-bit quantization tables; 16-bit ones need SOF1.
  const sof = quantTables.some((t) => t.length === 128) ? SOF1 : SOF0;
  segments.push(segment(sof, [
    8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3,
    1, lumaSampling, 0, 2, 0x11, chromaTableId, 3, 0x11, chromaTableId,
  ]));
  const dht: number[] = [];
  const tables: Array<[number, HuffmanSpec]> = [
    [0x00, STANDARD_HUFFMAN.dcLuminance], [0x10, STANDARD_HUFFMAN.acLuminance],
    [0x01, STANDARD_HUFFMAN.dcChrominance], [0x11, STANDARD_HUFFMAN.acChrominance],
  ];
  for (const [classAndId, spec] of tables) dht.push(classAndId, ...spec.counts, ...spec.symbols);
  segments.push(segment(DHT, dht));
  segments.push(segment(SOS, [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]));
  return Uint8Array.from(segments.flat());
}

function segment(marker: number, body: readonly number[]): number[] {
  const length = body.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...body];
}

/** A complete JPEG: buildJpegHeaders(params), the scan data parts in order, then EOI. */
export function buildJpeg(params: JpegHeaderParams, scanParts: readonly Uint8Array[]): Uint8Array {
  const headers = buildJpegHeaders(params);
  let total = headers.length + 2;
  for (const part of scanParts) total += part.length;
  const out = new Uint8Array(total);
  out.set(headers);
  let pos = headers.length;
  for (const part of scanParts) {
    out.set(part, pos);
    pos += part.length;
  }
  out[pos] = 0xff;
  out[pos + 1] = EOI;
  return out;
}

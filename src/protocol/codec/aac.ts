/**
 * MPEG-4 AAC framing: AudioSpecificConfig (ISO 14496-3 1.6.2.1, the SDP `config=` of RFC 3640 and
 * the MP4 `esds` payload) and ADTS headers (ISO 14496-3 1.A.2.2 / ISO 13818-7 6.2).
 */
import { BitReader, BitWriter } from './bitreader.js';
import { ParseError } from './errors.js';

/** samplingFrequencyIndex 0..12 (Table 1.18); 13, 14 are reserved, 15 means "explicit 24 bits". */
export const AAC_SAMPLING_FREQUENCIES: readonly number[] = [
  96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
];
const EXPLICIT_FREQUENCY_INDEX = 15;
const OBJECT_TYPE_ESCAPE = 31;
export const AAC_OBJECT_TYPE = { Main: 1, LC: 2, SSR: 3, LTP: 4, SBR: 5, PS: 29 } as const;

/** Object types whose AudioSpecificConfig continues with GASpecificConfig (Table 1.15). */
const GA_OBJECT_TYPES = new Set([1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23]);
/** GA types without error resilience, whose GASpecificConfig serializeAsc can write completely. */
const WRITABLE_GA_OBJECT_TYPES = new Set([1, 2, 3, 4, 7]);
const SYNC_EXTENSION_SBR = 0x2b7;
const SYNC_EXTENSION_PS = 0x548;

export interface AudioSpecificConfig {
  /** audioObjectType of the core codec (2 = AAC LC); 1..95. */
  objectType: number;
  /** Core sampling frequency in Hz. */
  samplingFrequency: number;
  /** channelConfiguration 0..15 (0: defined by a program_config_element, 1..7: standard layouts). */
  channelConfiguration: number;
  /** Samples per frame from GASpecificConfig's frameLengthFlag; present for GA object types. */
  frameLength?: 960 | 1024;
  /** SBR (HE-AAC) or PS (HE-AACv2) on top of the core codec, and the output sampling frequency. */
  extension?: { objectType: 5 | 29; samplingFrequency: number };
}

function readObjectType(r: BitReader): number {
  const type = r.readBits(5);
  return type === OBJECT_TYPE_ESCAPE ? 32 + r.readBits(6) : type;
}

function readSamplingFrequency(r: BitReader): number {
  const index = r.readBits(4);
  if (index === EXPLICIT_FREQUENCY_INDEX) {
    const frequency = r.readBits(24);
    if (frequency === 0) throw new ParseError('INVALID', 'explicit sampling frequency 0', { offset: r.bitPosition >> 3 });
    return frequency;
  }
  const frequency = AAC_SAMPLING_FREQUENCIES[index];
  if (frequency === undefined) {
    throw new ParseError('INVALID', `reserved samplingFrequencyIndex ${index}`, { offset: r.bitPosition >> 3 });
  }
  return frequency;
}

/**
 * Parses an AudioSpecificConfig: object type (with the escape for types >= 32), sampling frequency
 * (index or explicit 24-bit value), channel configuration, explicit SBR/PS signalling, the
 * GASpecificConfig frame length, and backward-compatible SBR/PS signalling when present.
 */
export function parseAsc(bytes: Uint8Array): AudioSpecificConfig {
  const r = new BitReader(bytes);
  let objectType = readObjectType(r);
  if (objectType === 0) throw new ParseError('INVALID', 'audioObjectType 0 (null object)', { offset: 0 });
  const samplingFrequency = readSamplingFrequency(r);
  const channelConfiguration = r.readBits(4);
  let extension: AudioSpecificConfig['extension'];
  if (objectType === AAC_OBJECT_TYPE.SBR || objectType === AAC_OBJECT_TYPE.PS) {
    // Explicit hierarchical signalling: the extension comes first, then the core object type.
    const extensionType = objectType;
    const extensionFrequency = readSamplingFrequency(r);
    objectType = readObjectType(r);
    if (objectType === 22) r.skipBits(4); // extensionChannelConfiguration (ER BSAC)
    if (objectType === 0 || objectType === AAC_OBJECT_TYPE.SBR || objectType === AAC_OBJECT_TYPE.PS) {
      throw new ParseError('INVALID', `core audioObjectType ${objectType} under SBR/PS`, { offset: r.bitPosition >> 3 });
    }
    extension = { objectType: extensionType, samplingFrequency: extensionFrequency };
  }
  const asc: AudioSpecificConfig = { objectType, samplingFrequency, channelConfiguration };
  if (GA_OBJECT_TYPES.has(objectType)) {
    asc.frameLength = r.readFlag() ? 960 : 1024;
    if (extension === undefined && channelConfiguration !== 0 && WRITABLE_GA_OBJECT_TYPES.has(objectType)) {
      extension = readBackwardCompatibleExtension(r);
    }
  }
  if (extension !== undefined) asc.extension = extension;
  return asc;
}

/**
 * After a plain GASpecificConfig (dependsOnCoreCoder, extensionFlag), an AudioSpecificConfig may
 * end with syncExtensionType 0x2b7 announcing SBR (and 0x548 for PS). Best-effort: a config that
 * does not match is simply a config without extension.
 */
function readBackwardCompatibleExtension(r: BitReader): AudioSpecificConfig['extension'] {
  try {
    if (r.readFlag()) r.skipBits(14); // dependsOnCoreCoder -> coreCoderDelay
    if (r.readFlag()) return undefined; // extensionFlag: not defined for these object types
    if (r.bitsLeft < 16 || r.readBits(11) !== SYNC_EXTENSION_SBR) return undefined;
    if (readObjectType(r) !== AAC_OBJECT_TYPE.SBR || !r.readFlag()) return undefined;
    const samplingFrequency = readSamplingFrequency(r);
    let objectType: 5 | 29 = AAC_OBJECT_TYPE.SBR;
    if (r.bitsLeft >= 12 && r.readBits(11) === SYNC_EXTENSION_PS && r.readFlag()) objectType = AAC_OBJECT_TYPE.PS;
    return { objectType, samplingFrequency };
  } catch (err) {
    if (err instanceof ParseError) return undefined;
    throw err;
  }
}

function writeObjectType(w: BitWriter, type: number): void {
  if (type < OBJECT_TYPE_ESCAPE) w.writeBits(type, 5);
  else w.writeBits(OBJECT_TYPE_ESCAPE, 5).writeBits(type - 32, 6);
}

function writeSamplingFrequency(w: BitWriter, frequency: number): void {
  const index = AAC_SAMPLING_FREQUENCIES.indexOf(frequency);
  if (index >= 0) w.writeBits(index, 4);
  else w.writeBits(EXPLICIT_FREQUENCY_INDEX, 4).writeBits(frequency, 24);
}

/**
 * Writes an AudioSpecificConfig. An SBR/PS extension uses explicit hierarchical signalling.
 * Supported: GA object types without error resilience (1, 2, 3, 4, 7) with channelConfiguration
 * 1..15; anything whose specific config would need more fields throws RangeError.
 */
export function serializeAsc(asc: AudioSpecificConfig): Uint8Array {
  const { objectType, samplingFrequency, channelConfiguration, extension } = asc;
  if (!WRITABLE_GA_OBJECT_TYPES.has(objectType)) throw new RangeError(`cannot write a config for object type ${objectType}`);
  if (!Number.isInteger(channelConfiguration) || channelConfiguration < 1 || channelConfiguration > 15) {
    throw new RangeError(`channelConfiguration ${channelConfiguration} needs 1..15 (0 needs a program_config_element)`);
  }
  for (const f of [samplingFrequency, extension?.samplingFrequency ?? 1]) {
    if (!Number.isInteger(f) || f < 1 || f >= 2 ** 24) throw new RangeError(`sampling frequency ${f} out of range`);
  }
  const w = new BitWriter(8);
  if (extension) {
    writeObjectType(w, extension.objectType);
    writeSamplingFrequency(w, samplingFrequency);
    w.writeBits(channelConfiguration, 4);
    writeSamplingFrequency(w, extension.samplingFrequency);
    writeObjectType(w, objectType);
  } else {
    writeObjectType(w, objectType);
    writeSamplingFrequency(w, samplingFrequency);
    w.writeBits(channelConfiguration, 4);
  }
  // GASpecificConfig: frameLengthFlag, dependsOnCoreCoder = 0, extensionFlag = 0.
  w.writeBit(asc.frameLength === 960).writeBits(0, 2);
  return w.toBytes();
}

/** Hex string for the SDP `config=` parameter (RFC 3640 / RFC 3016), lowercase. */
export function ascHex(asc: AudioSpecificConfig | Uint8Array): string {
  const bytes = asc instanceof Uint8Array ? asc : serializeAsc(asc);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export interface AdtsHeader {
  /** The ID bit: 4 for MPEG-4, 2 for MPEG-2 AAC. */
  mpegVersion: 2 | 4;
  protectionAbsent: boolean;
  /** profile_ObjectType + 1, i.e. the MPEG-4 audioObjectType (2 = AAC LC). */
  objectType: number;
  samplingFrequencyIndex: number;
  samplingFrequency: number;
  channelConfiguration: number;
  /** aac_frame_length: the whole frame, header included. */
  frameLength: number;
  bufferFullness: number;
  /** number_of_raw_data_blocks_in_frame + 1 (1024 samples each). */
  rawDataBlocks: number;
  /** 7, or 9 with the CRC. */
  headerLength: number;
}

export interface AdtsFrame {
  header: AdtsHeader;
  /** Offset of the frame in the parsed buffer. */
  offset: number;
  /** The raw_data_block(s) after the header: a subarray of the input. */
  payload: Uint8Array;
}

const ADTS_MIN_HEADER = 7;

/**
 * Decodes the ADTS header at `offset`. Returns null when fewer bytes than the header are there
 * (need more data); throws ParseError INVALID for a missing syncword or impossible field values.
 */
export function parseAdtsHeader(buf: Uint8Array, offset = 0): AdtsHeader | null {
  if (buf.length - offset < ADTS_MIN_HEADER) return null;
  const r = new BitReader(buf.subarray(offset, offset + ADTS_MIN_HEADER));
  if (r.readBits(12) !== 0xfff) throw new ParseError('INVALID', 'ADTS syncword 0xFFF not found', { offset });
  const mpegVersion = r.readBit() === 1 ? 2 : 4;
  if (r.readBits(2) !== 0) throw new ParseError('INVALID', 'ADTS layer is not 0', { offset: offset + 1 });
  const protectionAbsent = r.readFlag();
  const objectType = r.readBits(2) + 1;
  const samplingFrequencyIndex = r.readBits(4);
  const samplingFrequency = AAC_SAMPLING_FREQUENCIES[samplingFrequencyIndex];
  if (samplingFrequency === undefined) {
    throw new ParseError('INVALID', `ADTS samplingFrequencyIndex ${samplingFrequencyIndex}`, { offset: offset + 2 });
  }
  r.skipBits(1); // private_bit
  const channelConfiguration = r.readBits(3);
  r.skipBits(4); // original_copy, home, copyright_identification_bit, copyright_identification_start
  const frameLength = r.readBits(13);
  const bufferFullness = r.readBits(11);
  const rawDataBlocks = r.readBits(2) + 1;
  const headerLength = protectionAbsent ? 7 : 9;
  if (frameLength < headerLength) {
    throw new ParseError('INVALID', `ADTS frame length ${frameLength} shorter than its header`, { offset: offset + 3 });
  }
  return {
    mpegVersion, protectionAbsent, objectType, samplingFrequencyIndex, samplingFrequency, channelConfiguration,
    frameLength, bufferFullness, rawDataBlocks, headerLength,
  };
}

export interface AdtsParseResult {
  /** The complete frames found, in order. */
  frames: AdtsFrame[];
  /** Bytes used by those frames; keep buf.subarray(consumed) and append the next chunk to it. */
  consumed: number;
  /** Bytes missing to complete the next frame (0 when the input ended on a frame boundary). */
  needMore: number;
}

/**
 * Splits a buffer of back-to-back ADTS frames. Stops (without error) at a frame that is not
 * complete and reports how much more is needed. Payloads are subarrays; with CRC protection and
 * several raw data blocks they still contain the per-block positions and CRCs.
 */
export function parseAdts(buf: Uint8Array): AdtsParseResult {
  const frames: AdtsFrame[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const header = parseAdtsHeader(buf, offset);
    if (header === null) return { frames, consumed: offset, needMore: ADTS_MIN_HEADER - (buf.length - offset) };
    if (offset + header.frameLength > buf.length) {
      return { frames, consumed: offset, needMore: offset + header.frameLength - buf.length };
    }
    frames.push({ header, offset, payload: buf.subarray(offset + header.headerLength, offset + header.frameLength) });
    offset += header.frameLength;
  }
  return { frames, consumed: offset, needMore: 0 };
}

/** The AudioSpecificConfig equivalent to an ADTS header (ADTS frames are always 1024 samples). */
export function adtsToAsc(header: AdtsHeader): AudioSpecificConfig {
  return {
    objectType: header.objectType,
    samplingFrequency: header.samplingFrequency,
    channelConfiguration: header.channelConfiguration,
    frameLength: 1024,
  };
}

/**
 * Builds a 7-byte ADTS header (no CRC, MPEG-4 ID) for one raw data block of `payloadLength` bytes,
 * e.g. to write depacketized AAC to a file. Only object types 1..4 and indexed frequencies fit.
 */
export function buildAdtsHeader(asc: AudioSpecificConfig, payloadLength: number): Uint8Array {
  const index = AAC_SAMPLING_FREQUENCIES.indexOf(asc.samplingFrequency);
  if (asc.objectType < 1 || asc.objectType > 4) throw new RangeError(`ADTS cannot carry object type ${asc.objectType}`);
  if (index < 0) throw new RangeError(`ADTS cannot carry sampling frequency ${asc.samplingFrequency}`);
  if (asc.channelConfiguration < 0 || asc.channelConfiguration > 7) throw new RangeError('ADTS channel configuration 0..7');
  const frameLength = payloadLength + ADTS_MIN_HEADER;
  if (!Number.isInteger(payloadLength) || payloadLength < 0 || frameLength >= 1 << 13) {
    throw new RangeError(`ADTS payload length ${payloadLength} out of range`);
  }
  const w = new BitWriter(ADTS_MIN_HEADER);
  w.writeBits(0xfff, 12).writeBits(0, 1).writeBits(0, 2).writeBits(1, 1); // syncword, ID=MPEG-4, layer, no CRC
  w.writeBits(asc.objectType - 1, 2).writeBits(index, 4).writeBits(0, 1).writeBits(asc.channelConfiguration, 3);
  w.writeBits(0, 4).writeBits(frameLength, 13).writeBits(0x7ff, 11).writeBits(0, 2); // 0x7FF: variable bit rate
  return w.toBytes();
}

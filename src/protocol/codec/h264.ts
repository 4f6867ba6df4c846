/**
 * H.264 (ITU-T H.264 / ISO 14496-10) NAL unit helpers: types, keyframe detection, sequence
 * parameter set parsing (7.3.2.1.1, E.1.1) and access-unit grouping (7.4.1.2.3).
 */
import { BitReader, unescapeRbsp } from './bitreader.js';
import { ParseError } from './errors.js';

/** nal_unit_type values (Table 7-1), plus the RTP aggregation/fragmentation types of RFC 6184. */
export const H264NalType = {
  Slice: 1,
  SliceDataA: 2,
  SliceDataB: 3,
  SliceDataC: 4,
  Idr: 5,
  Sei: 6,
  Sps: 7,
  Pps: 8,
  Aud: 9,
  EndOfSequence: 10,
  EndOfStream: 11,
  Filler: 12,
  SpsExtension: 13,
  Prefix: 14,
  SubsetSps: 15,
  Dps: 16,
  SliceAuxiliary: 19,
  SliceExtension: 20,
  SliceExtensionDepth: 21,
  StapA: 24,
  StapB: 25,
  Mtap16: 26,
  Mtap24: 27,
  FuA: 28,
  FuB: 29,
} as const;

/** nal_unit_type of a NAL unit (its first byte without start code). */
export function nalType(nal: Uint8Array): number {
  const header = nal[0];
  if (header === undefined) throw new ParseError('TRUNCATED', 'empty NAL unit', { offset: 0, needed: 1 });
  return header & 0x1f;
}

/** True for the coded-slice types of a primary picture (1..5). */
export function isVcl(type: number): boolean {
  return type >= 1 && type <= 5;
}

/** True when the NAL units contain an IDR slice, i.e. decoding can start here. */
export function isKeyframe(nals: readonly Uint8Array[]): boolean {
  return nals.some((nal) => nal.length > 0 && ((nal[0] as number) & 0x1f) === H264NalType.Idr);
}

export interface H264Sps {
  profileIdc: number;
  /** The whole constraint byte: constraint_set0_flag is bit 7 (0x80) ... constraint_set5_flag bit 2. */
  constraintFlags: number;
  levelIdc: number;
  spsId: number;
  /** 0 = monochrome, 1 = 4:2:0, 2 = 4:2:2, 3 = 4:4:4. */
  chromaFormatIdc: number;
  separateColourPlane: boolean;
  bitDepthLuma: number;
  bitDepthChroma: number;
  log2MaxFrameNum: number;
  picOrderCntType: number;
  maxNumRefFrames: number;
  frameMbsOnly: boolean;
  /** Decoded size in luma samples before cropping (macroblock multiples). */
  codedWidth: number;
  codedHeight: number;
  /** Frame cropping offsets converted to luma samples. */
  crop: { left: number; right: number; top: number; bottom: number };
  /** Displayed size after cropping. */
  width: number;
  height: number;
  /** Sample aspect ratio when the VUI gives one. */
  sampleAspectRatio?: { width: number; height: number };
  /** VUI timing (E.2.1): fps = timeScale / (2 * numUnitsInTick). */
  timing?: { numUnitsInTick: number; timeScale: number; fixedFrameRate: boolean };
  fps?: number;
}

/** Profiles whose SPS carries chroma format, bit depth and scaling matrices (7.3.2.1.1). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);
/** Table E-1: sample aspect ratios for aspect_ratio_idc 1..16. */
const SAR_TABLE: ReadonlyArray<readonly [number, number]> = [
  [0, 0], [1, 1], [12, 11], [10, 11], [16, 11], [40, 33], [24, 11], [20, 11], [32, 11],
  [80, 33], [18, 11], [15, 11], [64, 33], [160, 99], [4, 3], [3, 2], [2, 1],
];
const EXTENDED_SAR = 255;

function invalid(message: string, offset = 0): ParseError {
  return new ParseError('INVALID', message, { offset });
}

/** Reads ue(v) and checks it against an inclusive maximum. */
function readUEMax(r: BitReader, max: number, what: string): number {
  const value = r.readUE();
  if (value > max) throw invalid(`${what} ${value} exceeds ${max}`, r.bitPosition >> 3);
  return value;
}

function skipScalingList(r: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) {
      const delta = r.readSE();
      if (delta < -128 || delta > 127) throw invalid(`delta_scale ${delta} out of range`, r.bitPosition >> 3);
      next = (last + delta + 256) % 256;
    }
    last = next === 0 ? last : next;
  }
}

/**
 * Parses a sequence parameter set NAL unit (with its 1-byte header, emulation prevention still in).
 * Throws ParseError TRUNCATED/INVALID when the fields up to the cropping window are missing or out
 * of range. The VUI is read best-effort: a VUI that is cut short leaves `timing`/`fps` unset.
 */
export function parseSps(nal: Uint8Array): H264Sps {
  const type = nalType(nal);
  if (type !== H264NalType.Sps) throw invalid(`NAL type ${type} is not an SPS`);
  const r = new BitReader(unescapeRbsp(nal), 1);
  const profileIdc = r.readBits(8);
  const constraintFlags = r.readBits(8);
  const levelIdc = r.readBits(8);
  const spsId = readUEMax(r, 31, 'seq_parameter_set_id');

  let chromaFormatIdc = 1;
  let separateColourPlane = false;
  let bitDepthLuma = 8;
  let bitDepthChroma = 8;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = readUEMax(r, 3, 'chroma_format_idc');
    if (chromaFormatIdc === 3) separateColourPlane = r.readFlag();
    bitDepthLuma = 8 + readUEMax(r, 6, 'bit_depth_luma_minus8');
    bitDepthChroma = 8 + readUEMax(r, 6, 'bit_depth_chroma_minus8');
    r.skipBits(1); // qpprime_y_zero_transform_bypass_flag
    if (r.readFlag()) {
      const lists = chromaFormatIdc === 3 ? 12 : 8;
      for (let i = 0; i < lists; i++) {
        if (r.readFlag()) skipScalingList(r, i < 6 ? 16 : 64);
      }
    }
  }
  const log2MaxFrameNum = 4 + readUEMax(r, 12, 'log2_max_frame_num_minus4');
  const picOrderCntType = readUEMax(r, 2, 'pic_order_cnt_type');
  if (picOrderCntType === 0) {
    readUEMax(r, 12, 'log2_max_pic_order_cnt_lsb_minus4');
  } else if (picOrderCntType === 1) {
    r.skipBits(1); // delta_pic_order_always_zero_flag
    r.readSE(); // offset_for_non_ref_pic
    r.readSE(); // offset_for_top_to_bottom_field
    const cycle = readUEMax(r, 255, 'num_ref_frames_in_pic_order_cnt_cycle');
    for (let i = 0; i < cycle; i++) r.readSE();
  }
  const maxNumRefFrames = readUEMax(r, 32, 'max_num_ref_frames');
  r.skipBits(1); // gaps_in_frame_num_value_allowed_flag
  // Level 6.2 allows 139264 macroblocks per frame; 1024 per side is far beyond any real stream.
  const widthInMbs = 1 + readUEMax(r, 1023, 'pic_width_in_mbs_minus1');
  const heightInMapUnits = 1 + readUEMax(r, 1023, 'pic_height_in_map_units_minus1');
  const frameMbsOnly = r.readFlag();
  if (!frameMbsOnly) r.skipBits(1); // mb_adaptive_frame_field_flag
  r.skipBits(1); // direct_8x8_inference_flag

  const codedWidth = widthInMbs * 16;
  const codedHeight = (frameMbsOnly ? 1 : 2) * heightInMapUnits * 16;
  // 7-19..7-22: crop offsets count chroma samples (and field rows when frame_mbs_only is 0).
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const subWidthC = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
  const subHeightC = chromaArrayType === 1 ? 2 : 1;
  const cropUnitX = chromaArrayType === 0 ? 1 : subWidthC;
  const cropUnitY = (chromaArrayType === 0 ? 1 : subHeightC) * (frameMbsOnly ? 1 : 2);
  const crop = { left: 0, right: 0, top: 0, bottom: 0 };
  if (r.readFlag()) {
    crop.left = r.readUE() * cropUnitX;
    crop.right = r.readUE() * cropUnitX;
    crop.top = r.readUE() * cropUnitY;
    crop.bottom = r.readUE() * cropUnitY;
  }
  const width = codedWidth - crop.left - crop.right;
  const height = codedHeight - crop.top - crop.bottom;
  if (width <= 0 || height <= 0) throw invalid(`cropping leaves no picture (${width}x${height})`, r.bitPosition >> 3);

  const sps: H264Sps = {
    profileIdc, constraintFlags, levelIdc, spsId, chromaFormatIdc, separateColourPlane, bitDepthLuma,
    bitDepthChroma, log2MaxFrameNum, picOrderCntType, maxNumRefFrames, frameMbsOnly, codedWidth, codedHeight,
    crop, width, height,
  };
  try {
    if (r.readFlag()) readVui(r, sps);
  } catch (err) {
    // Some encoders write truncated VUIs; the picture size is already known, so keep it.
    if (!(err instanceof ParseError)) throw err;
  }
  return sps;
}

/** E.1.1 up to timing_info; fills sampleAspectRatio, timing and fps. */
function readVui(r: BitReader, sps: H264Sps): void {
  if (r.readFlag()) {
    const idc = r.readBits(8);
    if (idc === EXTENDED_SAR) {
      const width = r.readBits(16);
      const height = r.readBits(16);
      if (width > 0 && height > 0) sps.sampleAspectRatio = { width, height };
    } else {
      const entry = SAR_TABLE[idc];
      if (entry && entry[0] > 0) sps.sampleAspectRatio = { width: entry[0], height: entry[1] };
    }
  }
  if (r.readFlag()) r.skipBits(1); // overscan_info_present_flag -> overscan_appropriate_flag
  if (r.readFlag()) {
    r.skipBits(4); // video_format, video_full_range_flag
    if (r.readFlag()) r.skipBits(24); // colour_primaries, transfer_characteristics, matrix_coefficients
  }
  if (r.readFlag()) {
    r.readUE(); // chroma_sample_loc_type_top_field
    r.readUE(); // chroma_sample_loc_type_bottom_field
  }
  if (r.readFlag()) {
    const numUnitsInTick = r.readBits(32);
    const timeScale = r.readBits(32);
    const fixedFrameRate = r.readFlag();
    sps.timing = { numUnitsInTick, timeScale, fixedFrameRate };
    if (numUnitsInTick > 0 && timeScale > 0) sps.fps = timeScale / (2 * numUnitsInTick);
  }
}

/** Hex of profile_idc, constraint flags and level_idc: the SDP `profile-level-id` (RFC 6184 8.1). */
export function profileLevelId(sps: H264Sps | Uint8Array): string {
  const fields = sps instanceof Uint8Array ? parseSps(sps) : sps;
  return [fields.profileIdc, fields.constraintFlags, fields.levelIdc]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}

/** RFC 6381 codecs parameter, e.g. `avc1.64001f`. */
export function codecString(sps: H264Sps | Uint8Array): string {
  return `avc1.${profileLevelId(sps)}`;
}

export interface AccessUnit {
  nals: Uint8Array[];
  /** Contains an IDR slice. */
  keyframe: boolean;
}

export interface AccessUnitAssemblerOptions {
  /** Most NAL units one access unit may gather before push() throws TOO_LARGE (default 1024). */
  maxNals?: number;
}

/**
 * Groups a sequence of NAL units (e.g. from AnnexBSplitter) into access units following
 * 7.4.1.2.3: after the last VCL NAL unit of a picture, an AUD, SPS, PPS, SEI or type 14..18 unit
 * starts the next access unit, and so does a slice whose first_mb_in_slice is 0. (The full
 * 7.4.1.2.4 comparison of slice headers is not done; arbitrary slice order is not supported.)
 * An access unit is returned once the first NAL unit of the next one arrives, or on flush().
 */
export class AccessUnitAssembler {
  readonly #maxNals: number;
  #nals: Uint8Array[] = [];
  #hasVcl = false;

  constructor(options: AccessUnitAssemblerOptions = {}) {
    this.#maxNals = options.maxNals ?? 1024;
  }

  push(nal: Uint8Array): AccessUnit[] {
    if (nal.length === 0) return [];
    const type = (nal[0] as number) & 0x1f;
    const out: AccessUnit[] = [];
    if (this.#hasVcl && startsAccessUnit(type, nal)) out.push(this.#take());
    if (this.#nals.length >= this.#maxNals) {
      this.#take();
      throw new ParseError('TOO_LARGE', `access unit with more than ${this.#maxNals} NAL units`, { offset: 0 });
    }
    this.#nals.push(nal);
    if (isVcl(type)) this.#hasVcl = true;
    return out;
  }

  /** Returns the access unit in progress, if any (end of stream). */
  flush(): AccessUnit[] {
    return this.#nals.length > 0 ? [this.#take()] : [];
  }

  #take(): AccessUnit {
    const nals = this.#nals;
    this.#nals = [];
    this.#hasVcl = false;
    return { nals, keyframe: isKeyframe(nals) };
  }
}

function startsAccessUnit(type: number, nal: Uint8Array): boolean {
  if (type === H264NalType.Aud || type === H264NalType.Sps || type === H264NalType.Pps) return true;
  if (type === H264NalType.Sei || (type >= 14 && type <= 18)) return true;
  if (type === H264NalType.Slice || type === H264NalType.Idr || type === H264NalType.SliceDataA) {
    return firstMbInSlice(nal) === 0;
  }
  return false;
}

/** first_mb_in_slice, the first ue(v) after the header; undefined for a slice too short to say. */
function firstMbInSlice(nal: Uint8Array): number | undefined {
  try {
    // ue(v) of 0 is the single bit 1, so only a few bytes are needed: avoid unescaping the slice.
    return new BitReader(unescapeRbsp(nal.subarray(0, Math.min(nal.length, 8))), 1).readUE();
  } catch (err) {
    if (err instanceof ParseError) return undefined;
    throw err;
  }
}

/**
 * H.265 (ITU-T H.265 / ISO 23008-2) NAL unit helpers: the 2-byte NAL header, IRAP detection,
 * sequence parameter set parsing (7.3.2.2.1 with profile_tier_level 7.3.3, VUI E.2.1) and
 * access-unit grouping (7.4.2.4.4).
 */
import { BitReader, unescapeRbsp } from './bitreader.js';
import { ParseError } from './errors.js';

/** nal_unit_type values (Table 7-1), plus the RTP payload structures of RFC 7798. */
export const H265NalType = {
  TrailN: 0,
  TrailR: 1,
  TsaN: 2,
  TsaR: 3,
  StsaN: 4,
  StsaR: 5,
  RadlN: 6,
  RadlR: 7,
  RaslN: 8,
  RaslR: 9,
  BlaWLp: 16,
  BlaWRadl: 17,
  BlaNLp: 18,
  IdrWRadl: 19,
  IdrNLp: 20,
  Cra: 21,
  Vps: 32,
  Sps: 33,
  Pps: 34,
  Aud: 35,
  EndOfSequence: 36,
  EndOfBitstream: 37,
  Filler: 38,
  PrefixSei: 39,
  SuffixSei: 40,
  Ap: 48,
  Fu: 49,
  Paci: 50,
} as const;

export interface H265NalHeader {
  type: number;
  layerId: number;
  /** TemporalId (nuh_temporal_id_plus1 - 1). */
  temporalId: number;
}

/** Decodes the 2-byte NAL unit header (7.3.1.2). */
export function nalHeader(nal: Uint8Array): H265NalHeader {
  if (nal.length < 2) throw new ParseError('TRUNCATED', 'H.265 NAL header needs 2 bytes', { offset: 0, needed: 2 - nal.length });
  const b0 = nal[0] as number;
  const b1 = nal[1] as number;
  const temporalIdPlus1 = b1 & 0x07;
  if (temporalIdPlus1 === 0) throw new ParseError('INVALID', 'nuh_temporal_id_plus1 is 0', { offset: 1 });
  return { type: (b0 >> 1) & 0x3f, layerId: ((b0 & 1) << 5) | (b1 >> 3), temporalId: temporalIdPlus1 - 1 };
}

/** nal_unit_type of a NAL unit (its first byte without start code). */
export function nalType(nal: Uint8Array): number {
  const header = nal[0];
  if (header === undefined) throw new ParseError('TRUNCATED', 'empty NAL unit', { offset: 0, needed: 2 });
  return (header >> 1) & 0x3f;
}

/** Coded slice segment types (0..31, including reserved ones). */
export function isVcl(type: number): boolean {
  return type >= 0 && type <= 31;
}

/** Intra random access point types, BLA/IDR/CRA and reserved IRAP (16..23). */
export function isIrap(type: number): boolean {
  return type >= 16 && type <= 23;
}

/** True when the NAL units contain an IRAP picture, i.e. decoding can start here. */
export function isKeyframe(nals: readonly Uint8Array[]): boolean {
  return nals.some((nal) => nal.length > 0 && isIrap(((nal[0] as number) >> 1) & 0x3f));
}

export interface H265Sps {
  vpsId: number;
  spsId: number;
  maxSubLayers: number;
  generalProfileSpace: number;
  generalTierFlag: boolean;
  generalProfileIdc: number;
  /** general_profile_compatibility_flag[0..31], flag j in bit 31-j. */
  generalProfileCompatibilityFlags: number;
  /** The 48 bits from general_progressive_source_flag on, as 6 bytes. */
  generalConstraintIndicatorFlags: Uint8Array;
  generalLevelIdc: number;
  /** 0 = monochrome, 1 = 4:2:0, 2 = 4:2:2, 3 = 4:4:4. */
  chromaFormatIdc: number;
  separateColourPlane: boolean;
  bitDepthLuma: number;
  bitDepthChroma: number;
  /** pic_width/height_in_luma_samples. */
  codedWidth: number;
  codedHeight: number;
  /** Conformance window offsets converted to luma samples. */
  conformanceWindow: { left: number; right: number; top: number; bottom: number };
  /** Size after the conformance window. */
  width: number;
  height: number;
  /** VUI timing (E.2.1): fps = timeScale / numUnitsInTick. */
  timing?: { numUnitsInTick: number; timeScale: number };
  fps?: number;
}

function invalid(message: string, r?: BitReader): ParseError {
  return new ParseError('INVALID', message, { offset: r ? r.bitPosition >> 3 : 0 });
}

function readUEMax(r: BitReader, max: number, what: string): number {
  const value = r.readUE();
  if (value > max) throw invalid(`${what} ${value} exceeds ${max}`, r);
  return value;
}

/**
 * Parses an SPS NAL unit (2-byte header included, emulation prevention still in). Throws
 * ParseError TRUNCATED/INVALID when fields up to the bit depths are missing or out of range; the
 * rest (up to VUI timing) is read best-effort and only `timing`/`fps` depend on it.
 */
export function parseSps(nal: Uint8Array): H265Sps {
  const { type, layerId } = nalHeader(nal);
  if (type !== H265NalType.Sps) throw invalid(`NAL type ${type} is not an SPS`);
  if (layerId !== 0) {
    // Multi-layer SPSs (F.7.3.2.2.1) have a different syntax; base-layer streams never need them.
    throw new ParseError('UNSUPPORTED', `SPS for nuh_layer_id ${layerId}`, { offset: 0 });
  }
  const r = new BitReader(unescapeRbsp(nal), 2);
  const vpsId = r.readBits(4);
  const maxSubLayersMinus1 = r.readBits(3);
  if (maxSubLayersMinus1 > 6) throw invalid('sps_max_sub_layers_minus1 exceeds 6', r);
  r.skipBits(1); // sps_temporal_id_nesting_flag

  // profile_tier_level(1, sps_max_sub_layers_minus1), general part: 2+1+5+32+48+8 bits.
  const generalProfileSpace = r.readBits(2);
  const generalTierFlag = r.readFlag();
  const generalProfileIdc = r.readBits(5);
  const generalProfileCompatibilityFlags = r.readBits(32);
  const generalConstraintIndicatorFlags = new Uint8Array(6);
  for (let i = 0; i < 6; i++) generalConstraintIndicatorFlags[i] = r.readBits(8);
  const generalLevelIdc = r.readBits(8);
  skipSubLayers(r, maxSubLayersMinus1);

  const spsId = readUEMax(r, 15, 'sps_seq_parameter_set_id');
  const chromaFormatIdc = readUEMax(r, 3, 'chroma_format_idc');
  const separateColourPlane = chromaFormatIdc === 3 ? r.readFlag() : false;
  // Level 6.2 allows 8192x4320 and 35,651,584 samples; 16888 is its maximum side.
  const codedWidth = readUEMax(r, 16888, 'pic_width_in_luma_samples');
  const codedHeight = readUEMax(r, 16888, 'pic_height_in_luma_samples');
  if (codedWidth === 0 || codedHeight === 0) throw invalid('picture size is 0', r);
  // Table 6-1: window offsets are in chroma samples.
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const subWidthC = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
  const subHeightC = chromaArrayType === 1 ? 2 : 1;
  const conformanceWindow = { left: 0, right: 0, top: 0, bottom: 0 };
  if (r.readFlag()) {
    conformanceWindow.left = r.readUE() * subWidthC;
    conformanceWindow.right = r.readUE() * subWidthC;
    conformanceWindow.top = r.readUE() * subHeightC;
    conformanceWindow.bottom = r.readUE() * subHeightC;
  }
  const width = codedWidth - conformanceWindow.left - conformanceWindow.right;
  const height = codedHeight - conformanceWindow.top - conformanceWindow.bottom;
  if (width <= 0 || height <= 0) throw invalid(`conformance window leaves no picture (${width}x${height})`, r);
  const bitDepthLuma = 8 + readUEMax(r, 8, 'bit_depth_luma_minus8');
  const bitDepthChroma = 8 + readUEMax(r, 8, 'bit_depth_chroma_minus8');

  const sps: H265Sps = {
    vpsId, spsId, maxSubLayers: maxSubLayersMinus1 + 1, generalProfileSpace, generalTierFlag, generalProfileIdc,
    generalProfileCompatibilityFlags, generalConstraintIndicatorFlags, generalLevelIdc, chromaFormatIdc,
    separateColourPlane, bitDepthLuma, bitDepthChroma, codedWidth, codedHeight, conformanceWindow, width, height,
  };
  try {
    readToVuiTiming(r, sps, maxSubLayersMinus1);
  } catch (err) {
    // Timing is a convenience; an SPS using something unexpected after the size keeps its size.
    if (!(err instanceof ParseError)) throw err;
  }
  return sps;
}

/** The sub-layer part of profile_tier_level (7.3.3) after general_level_idc. */
function skipSubLayers(r: BitReader, maxSubLayersMinus1: number): void {
  const profilePresent: boolean[] = [];
  const levelPresent: boolean[] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    profilePresent.push(r.readFlag());
    levelPresent.push(r.readFlag());
  }
  // The presence flags are padded with reserved_zero_2bits up to 8 entries.
  if (maxSubLayersMinus1 > 0) r.skipBits(2 * (8 - maxSubLayersMinus1));
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    if (profilePresent[i]) r.skipBits(88); // space, tier, idc, 32 compatibility flags, 44 constraint bits
    if (levelPresent[i]) r.skipBits(8); // sub_layer_level_idc
  }
}

/** Continues after bit_depth_chroma_minus8 through the VUI to vui_timing_info. */
function readToVuiTiming(r: BitReader, sps: H265Sps, maxSubLayersMinus1: number): void {
  const log2MaxPocLsb = 4 + readUEMax(r, 12, 'log2_max_pic_order_cnt_lsb_minus4');
  const orderingInfoForAll = r.readFlag();
  for (let i = orderingInfoForAll ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++) {
    r.readUE(); // sps_max_dec_pic_buffering_minus1
    r.readUE(); // sps_max_num_reorder_pics
    r.readUE(); // sps_max_latency_increase_plus1
  }
  for (let i = 0; i < 6; i++) r.readUE(); // coding/transform block sizes, transform hierarchy depths
  if (r.readFlag() && r.readFlag()) skipScalingListData(r); // scaling_list_enabled, sps_scaling_list_data_present
  r.skipBits(2); // amp_enabled_flag, sample_adaptive_offset_enabled_flag
  if (r.readFlag()) {
    r.skipBits(8); // pcm_sample_bit_depth_luma_minus1, pcm_sample_bit_depth_chroma_minus1
    r.readUE(); // log2_min_pcm_luma_coding_block_size_minus3
    r.readUE(); // log2_diff_max_min_pcm_luma_coding_block_size
    r.skipBits(1); // pcm_loop_filter_disabled_flag
  }
  skipShortTermRefPicSets(r);
  if (r.readFlag()) {
    const count = readUEMax(r, 32, 'num_long_term_ref_pics_sps');
    for (let i = 0; i < count; i++) r.skipBits(log2MaxPocLsb + 1); // lt_ref_pic_poc_lsb_sps, used_by_curr_pic_lt
  }
  r.skipBits(2); // sps_temporal_mvp_enabled_flag, strong_intra_smoothing_enabled_flag
  if (!r.readFlag()) return; // vui_parameters_present_flag
  if (r.readFlag() && r.readBits(8) === 255) r.skipBits(32); // aspect_ratio_idc, EXTENDED_SAR sar_width/height
  if (r.readFlag()) r.skipBits(1); // overscan_appropriate_flag
  if (r.readFlag()) {
    r.skipBits(4); // video_format, video_full_range_flag
    if (r.readFlag()) r.skipBits(24); // colour description
  }
  if (r.readFlag()) {
    r.readUE(); // chroma_sample_loc_type_top_field
    r.readUE(); // chroma_sample_loc_type_bottom_field
  }
  r.skipBits(3); // neutral_chroma_indication_flag, field_seq_flag, frame_field_info_present_flag
  if (r.readFlag()) for (let i = 0; i < 4; i++) r.readUE(); // default display window
  if (!r.readFlag()) return; // vui_timing_info_present_flag
  const numUnitsInTick = r.readBits(32);
  const timeScale = r.readBits(32);
  sps.timing = { numUnitsInTick, timeScale };
  if (numUnitsInTick > 0 && timeScale > 0) sps.fps = timeScale / numUnitsInTick;
}

/** scaling_list_data() (7.3.4). */
function skipScalingListData(r: BitReader): void {
  for (let sizeId = 0; sizeId < 4; sizeId++) {
    for (let matrixId = 0; matrixId < 6; matrixId += sizeId === 3 ? 3 : 1) {
      if (!r.readFlag()) {
        r.readUE(); // scaling_list_pred_matrix_id_delta
        continue;
      }
      const coefNum = Math.min(64, 1 << (4 + (sizeId << 1)));
      if (sizeId > 1) r.readSE(); // scaling_list_dc_coef_minus8
      for (let i = 0; i < coefNum; i++) r.readSE(); // scaling_list_delta_coef
    }
  }
}

/** DeltaPocS0 (negative, nearest first) and DeltaPocS1 (positive) of one short-term RPS. */
interface ShortTermRps {
  s0: number[];
  s1: number[];
}

/** More delta POCs than any DPB can hold (16) times two: beyond this the SPS is garbage. */
const MAX_RPS_PICTURES = 32;

/**
 * num_short_term_ref_pic_sets and each st_ref_pic_set(i) (7.3.7). A predicted set sends one flag
 * pair per picture of the set it is predicted from, so each set's pictures are derived (7-61, 7-62).
 */
function skipShortTermRefPicSets(r: BitReader): void {
  const count = readUEMax(r, 64, 'num_short_term_ref_pic_sets');
  const sets: ShortTermRps[] = [];
  for (let idx = 0; idx < count; idx++) {
    const interPrediction = idx !== 0 && r.readFlag();
    // In the SPS delta_idx_minus1 is absent, so a set is always predicted from the previous one.
    const set = interPrediction ? readPredictedRps(r, sets[idx - 1] as ShortTermRps) : readExplicitRps(r);
    if (set.s0.length + set.s1.length > MAX_RPS_PICTURES) throw invalid('short-term RPS too large', r);
    sets.push(set);
  }
}

function readExplicitRps(r: BitReader): ShortTermRps {
  const negative = readUEMax(r, 16, 'num_negative_pics');
  const positive = readUEMax(r, 16, 'num_positive_pics');
  const set: ShortTermRps = { s0: [], s1: [] };
  let poc = 0;
  for (let i = 0; i < negative; i++) {
    poc -= r.readUE() + 1; // delta_poc_s0_minus1
    r.skipBits(1); // used_by_curr_pic_s0_flag
    set.s0.push(poc);
  }
  poc = 0;
  for (let i = 0; i < positive; i++) {
    poc += r.readUE() + 1; // delta_poc_s1_minus1
    r.skipBits(1); // used_by_curr_pic_s1_flag
    set.s1.push(poc);
  }
  return set;
}

function readPredictedRps(r: BitReader, ref: ShortTermRps): ShortTermRps {
  const sign = r.readBit(); // delta_rps_sign
  const deltaRps = (1 - 2 * sign) * (readUEMax(r, 2 ** 15 - 1, 'abs_delta_rps_minus1') + 1);
  const refCount = ref.s0.length + ref.s1.length;
  const useDelta: boolean[] = [];
  for (let j = 0; j <= refCount; j++) {
    const usedByCurrPic = r.readFlag();
    useDelta.push(usedByCurrPic || r.readFlag()); // use_delta_flag is inferred 1 when used
  }
  // Entry j < NumNegativePics stands for ref.s0[j], the next ones for ref.s1, the last for deltaRps
  // itself; pictures that land on POC delta 0 drop out.
  const set: ShortTermRps = { s0: [], s1: [] };
  const negatives = ref.s0.length;
  for (let j = ref.s1.length - 1; j >= 0; j--) {
    const dPoc = (ref.s1[j] as number) + deltaRps;
    if (dPoc < 0 && useDelta[negatives + j]) set.s0.push(dPoc);
  }
  if (deltaRps < 0 && useDelta[refCount]) set.s0.push(deltaRps);
  for (let j = 0; j < negatives; j++) {
    const dPoc = (ref.s0[j] as number) + deltaRps;
    if (dPoc < 0 && useDelta[j]) set.s0.push(dPoc);
  }
  for (let j = negatives - 1; j >= 0; j--) {
    const dPoc = (ref.s0[j] as number) + deltaRps;
    if (dPoc > 0 && useDelta[j]) set.s1.push(dPoc);
  }
  if (deltaRps > 0 && useDelta[refCount]) set.s1.push(deltaRps);
  for (let j = 0; j < ref.s1.length; j++) {
    const dPoc = (ref.s1[j] as number) + deltaRps;
    if (dPoc > 0 && useDelta[negatives + j]) set.s1.push(dPoc);
  }
  return set;
}

/** RFC 6381 / ISO 14496-15 E.3 codecs parameter, e.g. `hvc1.1.6.L93.B0`. */
export function codecString(sps: H265Sps, sampleEntry: 'hvc1' | 'hev1' = 'hvc1'): string {
  const space = ['', 'A', 'B', 'C'][sps.generalProfileSpace] ?? '';
  // The compatibility flags are written in reverse bit order, as hex without leading zeros.
  let reversed = 0;
  for (let j = 0; j < 32; j++) if ((sps.generalProfileCompatibilityFlags >>> (31 - j)) & 1) reversed |= 1 << j;
  const constraints = [...sps.generalConstraintIndicatorFlags];
  while (constraints.length > 0 && constraints[constraints.length - 1] === 0) constraints.pop();
  const parts = [
    sampleEntry,
    `${space}${sps.generalProfileIdc}`,
    (reversed >>> 0).toString(16).toUpperCase(),
    `${sps.generalTierFlag ? 'H' : 'L'}${sps.generalLevelIdc}`,
    ...constraints.map((b) => b.toString(16).toUpperCase()),
  ];
  return parts.join('.');
}

export interface AccessUnit {
  nals: Uint8Array[];
  /** Contains an IRAP picture. */
  keyframe: boolean;
}

export interface AccessUnitAssemblerOptions {
  /** Most NAL units one access unit may gather before push() throws TOO_LARGE (default 1024). */
  maxNals?: number;
}

/**
 * Groups NAL units into access units following 7.4.2.4.4: after the last VCL NAL unit of a
 * picture, an AUD, VPS, SPS, PPS, prefix SEI, or type 41..44 / 48..55 unit starts the next access
 * unit, and so does a slice segment with first_slice_segment_in_pic_flag set. Layers other than
 * the base layer are grouped with the base picture. Units are returned once the next one begins,
 * or on flush(). Exceeding maxNals drops the unit in progress and throws TOO_LARGE.
 */
export class AccessUnitAssembler {
  readonly #maxNals: number;
  #nals: Uint8Array[] = [];
  #hasVcl = false;

  constructor(options: AccessUnitAssemblerOptions = {}) {
    this.#maxNals = options.maxNals ?? 1024;
  }

  push(nal: Uint8Array): AccessUnit[] {
    if (nal.length < 2) return [];
    const type = ((nal[0] as number) >> 1) & 0x3f;
    const layerId = (((nal[0] as number) & 1) << 5) | ((nal[1] as number) >> 3);
    const out: AccessUnit[] = [];
    if (this.#hasVcl && layerId === 0 && startsAccessUnit(type, nal)) out.push(this.#take());
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
  if (type >= H265NalType.Vps && type <= H265NalType.Aud) return true;
  if (type === H265NalType.PrefixSei || (type >= 41 && type <= 44) || (type >= 48 && type <= 55)) return true;
  // first_slice_segment_in_pic_flag is the first bit after the 2-byte header.
  if (isVcl(type)) return nal.length > 2 && ((nal[2] as number) & 0x80) !== 0;
  return false;
}

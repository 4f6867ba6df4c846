/**
 * Clips as the simulated cameras play them: an H.264/H.265 Annex B elementary stream cut into
 * access units (one picture each, decode order = display order: the clips have no B-frames),
 * with the parameter sets pulled out for SDP and put back in front of every keyframe; an ADTS
 * file cut into raw AAC frames. Pure: the bytes come from the caller.
 */
import { splitAnnexB } from '../../protocol/codec/annexb.js';
import { AccessUnitAssembler as H264Assembler, H264NalType, parseSps as parseH264Sps } from '../../protocol/codec/h264.js';
import { AccessUnitAssembler as H265Assembler, H265NalType, parseSps as parseH265Sps } from '../../protocol/codec/h265.js';
import { adtsToAsc, parseAdts, serializeAsc } from '../../protocol/codec/aac.js';
import { ParseError } from '../../protocol/codec/errors.js';

export type VideoCodec = 'H264' | 'H265';

export interface VideoClip {
  codec: VideoCodec;
  width: number;
  height: number;
  /** H.264: profile_idc; H.265: general_profile_idc. */
  profileIdc: number;
  levelIdc: number;
  /** Parameter sets without start codes (H.264: vps undefined). */
  vps: Uint8Array | undefined;
  sps: Uint8Array;
  pps: Uint8Array;
  /** Access units in order; keyframes start with the parameter sets. SEI is dropped. */
  frames: { nals: Uint8Array[]; keyframe: boolean; bytes: number }[];
  /** Frames between keyframes (the first keyframe is frame 0). */
  gop: number;
}

export interface AacClip {
  sampleRate: number;
  channels: number;
  /** AudioSpecificConfig for SDP `config=`. */
  config: Uint8Array;
  /** Raw AAC frames (ADTS headers removed), 1024 samples each. */
  frames: Uint8Array[];
}

const H264_DROP = new Set<number>([H264NalType.Sei, H264NalType.Aud, H264NalType.Sps, H264NalType.Pps]);
const H265_DROP = new Set<number>([H265NalType.PrefixSei, H265NalType.SuffixSei, H265NalType.Aud, H265NalType.Vps, H265NalType.Sps, H265NalType.Pps]);

function invalid(message: string): ParseError {
  return new ParseError('INVALID', message, { offset: 0 });
}

/** Parses a whole clip. Throws ParseError when it is not a usable closed-GOP stream. */
export function parseVideoClip(codec: VideoCodec, bytes: Uint8Array): VideoClip {
  const nals = splitAnnexB(bytes);
  const typeOf = codec === 'H264' ? (n: Uint8Array) => (n[0] as number) & 0x1f : (n: Uint8Array) => ((n[0] as number) >> 1) & 0x3f;
  const T = codec === 'H264' ? { sps: H264NalType.Sps, pps: H264NalType.Pps, vps: -1 } : { sps: H265NalType.Sps, pps: H265NalType.Pps, vps: H265NalType.Vps };
  const sps = nals.find((n) => typeOf(n) === T.sps);
  const pps = nals.find((n) => typeOf(n) === T.pps);
  const vps = codec === 'H265' ? nals.find((n) => typeOf(n) === T.vps) : undefined;
  if (!sps || !pps || (codec === 'H265' && !vps)) throw invalid(`${codec} clip lacks parameter sets`);

  const assembler = codec === 'H264' ? new H264Assembler() : new H265Assembler();
  const units = [...nals.flatMap((n) => assembler.push(n)), ...assembler.flush()];
  const drop = codec === 'H264' ? H264_DROP : H265_DROP;
  const paramSets = codec === 'H264' ? [sps, pps] : [vps!, sps, pps];
  const frames = units
    .map((u) => {
      const vcl = u.nals.filter((n) => !drop.has(typeOf(n)));
      const out = u.keyframe ? [...paramSets, ...vcl] : vcl;
      return { nals: out, keyframe: u.keyframe, bytes: out.reduce((s, n) => s + n.length, 0) };
    })
    .filter((f) => f.nals.length > 0);
  if (frames.length === 0 || !frames[0]!.keyframe) throw invalid('clip does not start with a keyframe');
  const keyIdx = frames.flatMap((f, i) => (f.keyframe ? [i] : []));
  const gop = keyIdx.length > 1 ? keyIdx[1]! - keyIdx[0]! : frames.length;
  if (frames.length % gop !== 0 || keyIdx.some((k, i) => k !== i * gop)) throw invalid('clip keyframes are not evenly spaced');

  if (codec === 'H264') {
    const s = parseH264Sps(sps);
    return { codec, width: s.width, height: s.height, profileIdc: s.profileIdc, levelIdc: s.levelIdc, vps, sps, pps, frames, gop };
  }
  const s = parseH265Sps(sps);
  return { codec, width: s.width, height: s.height, profileIdc: s.generalProfileIdc, levelIdc: s.generalLevelIdc, vps, sps, pps, frames, gop };
}

export function parseAacClip(bytes: Uint8Array): AacClip {
  const { frames, needMore } = parseAdts(bytes);
  if (frames.length === 0 || needMore > 0) throw invalid('AAC clip is not a whole number of ADTS frames');
  const h = frames[0]!.header;
  if (frames.some((f) => f.header.rawDataBlocks !== 1 || !f.header.protectionAbsent)) throw invalid('AAC clip must have one raw block per frame and no CRC');
  return {
    sampleRate: h.samplingFrequency,
    channels: h.channelConfiguration,
    config: serializeAsc(adtsToAsc(h)),
    frames: frames.map((f) => f.payload),
  };
}

/** ONVIF's profile names (tt:VideoEncodingProfiles) for the clip's profile. */
export function profileName(clip: Pick<VideoClip, 'codec' | 'profileIdc'>): string {
  if (clip.codec === 'H265') return clip.profileIdc === 2 ? 'Main10' : 'Main';
  switch (clip.profileIdc) {
    case 66:
      return 'Baseline';
    case 77:
      return 'Main';
    case 88:
      return 'Extended';
    default:
      return 'High';
  }
}

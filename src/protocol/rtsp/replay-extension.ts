// The ONVIF replay RTP header extension (ONVIF Streaming, "RTP header extension"): profile
// 0xABAC, length 3 words: a 64-bit NTP timestamp of the access unit, then one byte of flags
// C (clean point) E (end of contiguous section) D (discontinuity) T (terminal frame) and four
// must-be-zero bits, the low byte of the PLAY CSeq, and two bytes of padding. A JPEG header
// extension may follow in the same block (length > 3); it is handed through as `trailer`.
//
// Works on the { profile, data } pair of the RTP layer (data = the words after the 4-byte
// extension header), so it composes with any RTP packet reader/writer.
import { RtspParseError } from './errors.js';

export const ONVIF_REPLAY_EXTENSION_PROFILE = 0xabac;
/** Size of the replay fields in the extension body (3 words). */
export const REPLAY_EXTENSION_BODY_SIZE = 12;

const FLAG_CLEAN_POINT = 0x80;
const FLAG_END = 0x40;
const FLAG_DISCONTINUITY = 0x20;
const FLAG_TERMINAL = 0x10;

export interface ReplayExtension {
  /** NTP timestamp (RFC 5905: seconds since 1900 << 32 | fraction) of the access unit. */
  ntp: bigint;
  /** C: the access unit is a synchronization point (e.g. an IDR frame). */
  cleanPoint: boolean;
  /** E: last access unit before a gap or the end of the footage. */
  end: boolean;
  /** D: the access unit does not follow the previous one (reverse replay, jumps). */
  discontinuity: boolean;
  /** T: terminal frame; no more data for this track. */
  terminal: boolean;
  /** Low-order byte of the CSeq of the PLAY that started this transmission. */
  cseq: number;
  /** Further extension words after the replay fields (the JPEG extension), a multiple of 4 bytes. */
  trailer?: Uint8Array;
}

export interface RtpHeaderExtensionBlock {
  profile: number;
  data: Uint8Array;
}

export function isReplayExtension(ext: RtpHeaderExtensionBlock | undefined): boolean {
  return ext !== undefined && ext.profile === ONVIF_REPLAY_EXTENSION_PROFILE;
}

export function decodeReplayExtension(ext: RtpHeaderExtensionBlock): ReplayExtension {
  if (ext.profile !== ONVIF_REPLAY_EXTENSION_PROFILE) {
    throw new RtspParseError('BAD_REPLAY_EXTENSION', `extension profile 0x${ext.profile.toString(16)} is not 0xabac`);
  }
  const data = ext.data;
  if (data.length < REPLAY_EXTENSION_BODY_SIZE) {
    throw new RtspParseError('TRUNCATED', 'replay extension shorter than 3 words', {
      offset: data.length,
      needed: REPLAY_EXTENSION_BODY_SIZE - data.length,
    });
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const flags = data[8]!;
  const result: ReplayExtension = {
    ntp: view.getBigUint64(0),
    cleanPoint: (flags & FLAG_CLEAN_POINT) !== 0,
    end: (flags & FLAG_END) !== 0,
    discontinuity: (flags & FLAG_DISCONTINUITY) !== 0,
    terminal: (flags & FLAG_TERMINAL) !== 0,
    cseq: data[9]!,
    // The must-be-zero bits and the padding are ignored so that future uses do not break us.
  };
  if (data.length > REPLAY_EXTENSION_BODY_SIZE) result.trailer = data.subarray(REPLAY_EXTENSION_BODY_SIZE);
  return result;
}

/** The extension block for an RTP packet; `cseq` may be a full CSeq (its low byte is sent). */
export function encodeReplayExtension(ext: ReplayExtension): RtpHeaderExtensionBlock {
  if (ext.ntp < 0n || ext.ntp > 0xffff_ffff_ffff_ffffn) throw new RangeError('NTP timestamp does not fit 64 bits');
  if (!Number.isInteger(ext.cseq) || ext.cseq < 0) throw new RangeError(`invalid CSeq ${ext.cseq}`);
  const trailer = ext.trailer ?? new Uint8Array(0);
  if (trailer.length % 4 !== 0) throw new RangeError('replay extension trailer is not a whole number of words');
  const data = new Uint8Array(REPLAY_EXTENSION_BODY_SIZE + trailer.length);
  const view = new DataView(data.buffer);
  view.setBigUint64(0, ext.ntp);
  data[8] =
    (ext.cleanPoint ? FLAG_CLEAN_POINT : 0) |
    (ext.end ? FLAG_END : 0) |
    (ext.discontinuity ? FLAG_DISCONTINUITY : 0) |
    (ext.terminal ? FLAG_TERMINAL : 0);
  data[9] = ext.cseq & 0xff;
  data.set(trailer, REPLAY_EXTENSION_BODY_SIZE);
  return { profile: ONVIF_REPLAY_EXTENSION_PROFILE, data };
}

// Headers of the ONVIF replay extensions to RTSP (ONVIF Streaming, "Playback"): the
// onvif-replay feature tag in Require, Rate-Control, Immediate, Frames; plus RFC 2326 Scale
// and Speed, which replay uses for reverse and fast playback.
import { RtspParseError } from '../errors.js';
import { isToken, parseDigits, trimOws } from './tokens.js';

export const ONVIF_REPLAY_FEATURE = 'onvif-replay';
export const ONVIF_BACKCHANNEL_FEATURE = 'www.onvif.org/ver20/backchannel';

function bad(header: string, value: string): never {
  throw new RtspParseError('BAD_HEADER_VALUE', `malformed ${header}: ${JSON.stringify(value.substring(0, 32))}`);
}

/** Feature tags of Require / Proxy-Require / Unsupported values (comma-separated). */
export function parseFeatureTags(values: string | readonly string[]): string[] {
  const list = typeof values === 'string' ? [values] : values;
  const tags: string[] = [];
  for (const value of list) {
    for (const part of value.split(',')) {
      const tag = trimOws(part);
      if (tag === '') continue;
      // Tags are tokens, but ONVIF's backchannel tag is a URL path ("www.onvif.org/ver20/...").
      if (!tag.split('/').every(isToken)) bad('feature tag', tag);
      tags.push(tag);
    }
  }
  return tags;
}

export function serializeFeatureTags(tags: readonly string[]): string {
  if (tags.length === 0 || !tags.every((t) => t.split('/').every(isToken))) throw new TypeError('invalid feature tags');
  return tags.join(', ');
}

function parseYesNo(header: string, value: string): boolean {
  const v = trimOws(value).toLowerCase();
  if (v === 'yes') return true;
  if (v === 'no') return false;
  bad(header, value);
}

/** Rate-Control: "no" lets the client pace replay (delivery as fast as possible). */
export function parseRateControl(value: string): boolean {
  return parseYesNo('Rate-Control', value);
}

/** Immediate: "yes" makes a PLAY cancel the running one at once (ONVIF "Go To Time"). */
export function parseImmediate(value: string): boolean {
  return parseYesNo('Immediate', value);
}

export function serializeYesNo(flag: boolean): string {
  return flag ? 'yes' : 'no';
}

const SCALE = /^-?\d{1,9}(?:\.\d{0,20})?$/;
const SPEED = /^\d{1,9}(?:\.\d{0,20})?$/;

/** Scale (RFC 2326 §12.34): negative plays in reverse, -1.0 is ONVIF reverse replay. */
export function parseScale(value: string): number {
  const v = trimOws(value);
  if (!SCALE.test(v)) bad('Scale', value);
  return Number(v) + 0; // + 0 turns "-0" into 0
}

/** Speed (RFC 2326 §12.35): delivery speed, positive. */
export function parseSpeed(value: string): number {
  const v = trimOws(value);
  if (!SPEED.test(v) || Number(v) === 0) bad('Speed', value);
  return Number(v);
}

/** Decimal text for Scale/Speed (at most 9 decimals); whole numbers keep a ".0" as in the ONVIF examples. */
export function formatDecimal(n: number): string {
  if (!Number.isFinite(n) || Math.abs(n) >= 1e9) throw new RangeError(`cannot format ${n} as a decimal`);
  const text = n.toFixed(9).replace(/0+$/, '');
  const fixed = text.endsWith('.') ? `${text}0` : text;
  return fixed === '-0.0' ? '0.0' : fixed;
}

export type FramesHeader = { mode: 'all' } | { mode: 'predicted' } | { mode: 'intra'; intervalMs?: number };

/** Frames: intra[/<minimum interval in ms>] | predicted | all. */
export function parseFrames(value: string): FramesHeader {
  const v = trimOws(value).toLowerCase();
  if (v === 'all' || v === 'predicted') return { mode: v };
  if (v === 'intra') return { mode: 'intra' };
  if (v.startsWith('intra/')) {
    const intervalMs = parseDigits(v.substring(6), 9);
    if (intervalMs !== undefined) return { mode: 'intra', intervalMs };
  }
  bad('Frames', value);
}

export function serializeFrames(frames: FramesHeader): string {
  if (frames.mode !== 'intra' || frames.intervalMs === undefined) return frames.mode;
  if (!Number.isInteger(frames.intervalMs) || frames.intervalMs < 0 || frames.intervalMs > 999_999_999) {
    throw new RangeError(`invalid Frames interval ${frames.intervalMs}`);
  }
  return `intra/${frames.intervalMs}`;
}

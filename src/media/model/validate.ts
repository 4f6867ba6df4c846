/**
 * Checks (and, where the Media2 spec lets the device adapt values, adapts) configurations a
 * client sets against what the camera can do. Throws VigilError ConfigModify for values that
 * cannot be set, InvalidPolygon for masks. Pure.
 */
import { VigilError } from '../../core/errors.js';
import { parseTopicExpression } from '../../events/filters/topic-expression.js';
import type {
  AudioEncoderConfig, CameraCapabilities, Color, MaskConfig, MetadataConfig, Multicast, OsdColor, OsdConfig, VideoEncoderConfig, VideoSourceMode,
} from './types.js';

export const QUALITY_RANGE = { min: 0, max: 100 } as const;
export const FONT_SIZE_RANGE = { min: 8, max: 64 } as const;
export const OSD_DATE_FORMATS = ['M/d/yyyy', 'MM/dd/yyyy', 'dd/MM/yyyy', 'yyyy/MM/dd', 'yyyy-MM-dd', 'dddd, MMMM dd, yyyy', 'MMMM dd, yyyy', 'dd MMMM, yyyy'];
export const OSD_TIME_FORMATS = ['h:mm:ss tt', 'hh:mm:ss tt', 'H:mm:ss', 'HH:mm:ss'];
export const OSD_POSITIONS = ['UpperLeft', 'UpperRight', 'LowerLeft', 'LowerRight', 'Custom'] as const;
export const OSD_TEXT_TYPES = ['Plain', 'Date', 'Time', 'DateAndTime'] as const;
export const OSD_TRANSPARENT_RANGE = { min: 0, max: 100 } as const;
export const MAX_OSD_TEXT = 64;

function modify(message: string): VigilError {
  return new VigilError('ConfigModify', message);
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

export function checkName(name: string): void {
  if (name.length === 0 || name.length > 64) throw modify('Name must be 1 to 64 characters');
}

/** 4 or 6 for a literal IPv4/IPv6 address, else 0. */
export function ipFamily(s: string): 0 | 4 | 6 {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255) ? 4 : 0;
  if (!/^[0-9a-fA-F:]+$/.test(s) || s.length > 39 || !s.includes(':')) return 0;
  const parts = s.split('::');
  if (parts.length > 2) return 0;
  const groups = parts.flatMap((p) => (p === '' ? [] : p.split(':')));
  if (groups.some((g) => g.length === 0 || g.length > 4)) return 0;
  return (parts.length === 2 ? groups.length < 8 : groups.length === 8) ? 6 : 0;
}

export function checkMulticast(m: Multicast): Multicast {
  const family = ipFamily(m.address);
  const multicast = family === 4 ? /^(22[4-9]|23\d)\./.test(m.address) : family === 6 ? /^ff/i.test(m.address) : false;
  // An unset group (0.0.0.0) is allowed: multicast is then simply not configured.
  if (!multicast && m.address !== '0.0.0.0' && m.address !== '::') throw modify(`multicast address '${m.address}' is not a multicast group`);
  if (!Number.isInteger(m.port) || m.port < 0 || m.port > 65535 || m.port % 2 !== 0) throw modify('multicast port must be an even number 0-65535 (RTCP uses port+1)');
  if (!Number.isInteger(m.ttl) || m.ttl < 0 || m.ttl > 255) throw modify('multicast TTL must be 0-255');
  return m;
}

export function currentMode(caps: CameraCapabilities, mode: string): VideoSourceMode {
  return caps.modes.find((m) => m.token === mode) ?? caps.modes[0]!;
}

/** Resolutions an encoding may use in a video source mode, largest first. */
export function resolutionsFor(caps: CameraCapabilities, mode: string, encoding: string): { width: number; height: number }[] {
  const m = currentMode(caps, mode);
  const v = caps.video.find((x) => x.encoding === encoding);
  if (!v || !m.encodings.includes(v.encoding)) return [];
  return v.resolutions.filter((r) => r.width <= m.maxWidth && r.height <= m.maxHeight);
}

/** The supported frame rate closest to a requested one (the spec lets devices adapt RateControl). */
export function adaptFrameRate(caps: CameraCapabilities, fps: number): number {
  let best = caps.frameRates[0]!;
  for (const r of caps.frameRates) if (Math.abs(r - fps) < Math.abs(best - fps)) best = r;
  return best;
}

export function checkVideoEncoder(caps: CameraCapabilities, mode: string, c: VideoEncoderConfig): VideoEncoderConfig {
  checkName(c.name);
  const v = caps.video.find((x) => x.encoding === c.encoding);
  if (!v) throw modify(`encoding '${c.encoding}' is not supported (${caps.video.map((x) => x.encoding).join(', ')})`);
  const sizes = resolutionsFor(caps, mode, c.encoding);
  if (!sizes.some((r) => r.width === c.width && r.height === c.height)) {
    throw modify(`${c.encoding} resolution ${c.width}x${c.height} is not available (${sizes.map((r) => `${r.width}x${r.height}`).join(', ')})`);
  }
  if (!v.profiles.includes(c.profile)) throw modify(`profile '${c.profile}' is not supported for ${c.encoding} (${v.profiles.join(', ')})`);
  if (!Number.isInteger(c.govLength) || c.govLength < caps.govLengthRange.min || c.govLength > caps.govLengthRange.max) {
    throw modify(`GovLength must be ${caps.govLengthRange.min}-${caps.govLengthRange.max}`);
  }
  if (!Number.isFinite(c.frameRateLimit) || !Number.isFinite(c.bitrateLimit) || !Number.isFinite(c.quality)) throw modify('RateControl and Quality must be numbers');
  const range = caps.bitrate[c.encoding];
  return {
    ...c,
    frameRateLimit: adaptFrameRate(caps, c.frameRateLimit),
    bitrateLimit: Math.round(clamp(c.bitrateLimit, range.min, range.max)),
    quality: clamp(c.quality, QUALITY_RANGE.min, QUALITY_RANGE.max),
    // The clips are VBR: constant bit rate cannot be honoured.
    constantBitRate: false,
    multicast: checkMulticast(c.multicast),
  };
}

export function checkAudioEncoder(caps: CameraCapabilities, c: AudioEncoderConfig): AudioEncoderConfig {
  checkName(c.name);
  const a = caps.audio.find((x) => x.encoding === c.encoding);
  if (!a) throw modify(`audio encoding '${c.encoding}' is not supported (${caps.audio.map((x) => x.encoding).join(', ')})`);
  if (!a.bitrates.includes(c.bitrate)) throw modify(`${c.encoding} bitrate must be one of ${a.bitrates.join(', ')} kbps`);
  if (!a.sampleRates.includes(c.sampleRate)) throw modify(`${c.encoding} sample rate must be one of ${a.sampleRates.join(', ')} kHz`);
  return { ...c, multicast: checkMulticast(c.multicast) };
}

export function checkMetadata(caps: CameraCapabilities, c: MetadataConfig): MetadataConfig {
  checkName(c.name);
  if (!Number.isFinite(c.sessionTimeoutSeconds) || c.sessionTimeoutSeconds < 0) throw modify('SessionTimeout must be a non-negative duration');
  for (const f of c.events?.filters ?? []) {
    if (f.element !== 'TopicExpression') continue;
    try {
      parseTopicExpression(f.expression, (p) => f.namespaces[p]);
    } catch {
      throw modify(`the event filter topic expression '${f.expression.slice(0, 80)}' is not valid`);
    }
  }
  // PTZ status is only available from PTZ cameras; requesting it elsewhere is ignored.
  return { ...c, ptzStatus: caps.ptz ? c.ptzStatus : undefined, multicast: checkMulticast(c.multicast) };
}

function checkColor(c: Color | undefined, what: string): void {
  if (!c) return;
  for (const v of [c.x, c.y, c.z]) if (!Number.isFinite(v)) throw modify(`${what} colour components must be numbers`);
}

function adaptOsdColor(c: OsdColor | undefined, what: string): OsdColor | undefined {
  if (!c) return undefined;
  checkColor(c.color, what);
  return {
    color: { ...c.color, x: clamp(c.color.x, 0, 255), y: clamp(c.color.y, 0, 255), z: clamp(c.color.z, 0, 255) },
    transparent: c.transparent === undefined ? undefined : clamp(Math.round(c.transparent), OSD_TRANSPARENT_RANGE.min, OSD_TRANSPARENT_RANGE.max),
  };
}

/** Text OSDs only (no images); font size and colours are adapted into range. */
export function checkOsd(o: OsdConfig, type: string): OsdConfig {
  if (type !== 'Text') throw modify(`OSD type '${type}' is not supported (Text only)`);
  if (!(OSD_POSITIONS as readonly string[]).includes(o.position.type)) throw modify(`OSD position '${o.position.type}' is not supported`);
  if (o.position.type === 'Custom') {
    const { x, y } = o.position;
    if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 1 || Math.abs(y) > 1) {
      throw modify('a Custom OSD position needs Pos with x and y in -1..1');
    }
  }
  const t = o.text;
  if (!(OSD_TEXT_TYPES as readonly string[]).includes(t.type)) throw modify(`OSD text type '${t.type}' is not supported`);
  if (t.type === 'Plain' && (t.plainText === undefined || t.plainText.length > MAX_OSD_TEXT)) throw modify(`a Plain OSD needs PlainText of at most ${MAX_OSD_TEXT} characters`);
  if ((t.type === 'Date' || t.type === 'DateAndTime') && t.dateFormat !== undefined && !OSD_DATE_FORMATS.includes(t.dateFormat)) throw modify(`DateFormat '${t.dateFormat}' is not supported`);
  if ((t.type === 'Time' || t.type === 'DateAndTime') && t.timeFormat !== undefined && !OSD_TIME_FORMATS.includes(t.timeFormat)) throw modify(`TimeFormat '${t.timeFormat}' is not supported`);
  return {
    ...o,
    position: o.position.type === 'Custom' ? o.position : { type: o.position.type },
    text: {
      ...t,
      dateFormat: t.type === 'Date' || t.type === 'DateAndTime' ? (t.dateFormat ?? 'yyyy-MM-dd') : undefined,
      timeFormat: t.type === 'Time' || t.type === 'DateAndTime' ? (t.timeFormat ?? 'HH:mm:ss') : undefined,
      plainText: t.type === 'Plain' ? t.plainText : undefined,
      fontSize: t.fontSize === undefined ? undefined : clamp(Math.round(t.fontSize), FONT_SIZE_RANGE.min, FONT_SIZE_RANGE.max),
      fontColor: adaptOsdColor(t.fontColor, 'FontColor'),
      backgroundColor: adaptOsdColor(t.backgroundColor, 'BackgroundColor'),
    },
  };
}

export function checkMask(caps: CameraCapabilities, m: MaskConfig, type: string): MaskConfig {
  if (type !== 'Color') throw modify(`mask type '${type}' is not supported (Color only)`);
  checkColor(m.color, 'mask');
  const p = m.polygon;
  const bad = p.length < 3 || p.length > caps.maxMaskPoints || p.some((v) => !Number.isFinite(v.x) || !Number.isFinite(v.y) || Math.abs(v.x) > 1 || Math.abs(v.y) > 1);
  if (bad) throw new VigilError('InvalidPolygon', `a mask polygon needs 3 to ${caps.maxMaskPoints} points with coordinates in -1..1`);
  return { ...m, color: m.color ? { ...m.color, x: clamp(m.color.x, 0, 255), y: clamp(m.color.y, 0, 255), z: clamp(m.color.z, 0, 255) } : undefined };
}

/**
 * The per-camera media state (what clients can change and what is persisted) and its defaults:
 * one video and one audio source with one configuration each, three encoders (H.264 main and
 * sub stream, H.265), G.711 and AAC audio encoders, a metadata configuration, three fixed
 * profiles, and two OSDs (camera name, date and time).
 */
import { createHash } from 'node:crypto';
import type {
  AudioEncoderConfig, AudioSourceConfig, CameraCapabilities, ConfigKind, MaskConfig, MediaConfig, MediaProfile, MetadataConfig, Multicast,
  OsdConfig, VideoEncoderConfig, VideoEncoding, VideoSourceConfig,
} from './types.js';

export const VIDEO_SOURCE = 'VS';
export const AUDIO_SOURCE = 'AS';

export interface CameraState {
  version: 1;
  /** Current video source mode token. */
  mode: string;
  configs: MediaConfig[];
  profiles: MediaProfile[];
  osds: OsdConfig[];
  masks: MaskConfig[];
  /** Next numbers for tokens minted on this camera. */
  next: { profile: number; osd: number; mask: number };
}

/** A stable multicast group and port per configuration (239.201.0.0/16, even ports 40000+). */
export function defaultMulticast(cameraId: string, token: string): Multicast {
  const h = createHash('sha256').update(`${cameraId}/${token}`).digest();
  return { address: `239.201.${h[0]}.${Math.max(1, h[1]!)}`, port: 40000 + 2 * (h.readUInt16BE(2) % 10000), ttl: 5, autoStart: false };
}

function encoder(cameraId: string, caps: CameraCapabilities, token: string, name: string, encoding: VideoEncoding, small: boolean): VideoEncoderConfig | undefined {
  const v = caps.video.find((x) => x.encoding === encoding);
  if (!v || v.resolutions.length === 0) return undefined;
  const res = small ? v.resolutions[v.resolutions.length - 1]! : v.resolutions[0]!;
  return {
    kind: 'VideoEncoder', token, name, encoding, width: res.width, height: res.height,
    frameRateLimit: caps.framerate, bitrateLimit: caps.bitrate[encoding].max, constantBitRate: false,
    quality: 70, govLength: caps.framerate, profile: v.profiles[0] ?? 'Main',
    multicast: defaultMulticast(cameraId, token),
  };
}

export function defaultState(cameraId: string, cameraName: string, caps: CameraCapabilities, hasLocation: boolean): CameraState {
  const vsc: VideoSourceConfig = {
    kind: 'VideoSource', token: 'VSC', name: 'Video source', sourceToken: VIDEO_SOURCE, bounds: { x: 0, y: 0, width: caps.width, height: caps.height },
  };
  const asc: AudioSourceConfig = { kind: 'AudioSource', token: 'ASC', name: 'Audio source', sourceToken: AUDIO_SOURCE };
  const main = encoder(cameraId, caps, 'VE-main', 'Main stream (H.264)', 'H264', false);
  const sub = encoder(cameraId, caps, 'VE-sub', 'Sub stream (H.264)', 'H264', true);
  const hevc = encoder(cameraId, caps, 'VE-hevc', 'H.265 stream', 'H265', false);
  const audio: AudioEncoderConfig[] = caps.audio.map((a) => ({
    kind: 'AudioEncoder', token: a.encoding === 'PCMU' ? 'AE-g711' : 'AE-aac', name: a.encoding === 'PCMU' ? 'G.711 µ-law' : 'AAC',
    encoding: a.encoding, bitrate: a.bitrates[0]!, sampleRate: a.sampleRates[0]!, multicast: defaultMulticast(cameraId, a.encoding === 'PCMU' ? 'AE-g711' : 'AE-aac'),
  }));
  const md: MetadataConfig = {
    kind: 'Metadata', token: 'MD', name: 'Analytics and events', analytics: true, events: { filters: [] },
    ptzStatus: caps.ptz ? { status: true, position: true } : undefined, geoLocation: hasLocation, sessionTimeoutSeconds: 60,
    multicast: defaultMulticast(cameraId, 'MD'),
  };
  const g711 = audio.find((a) => a.encoding === 'PCMU');
  const aac = audio.find((a) => a.encoding === 'mpeg4-generic') ?? g711;
  const configs: MediaConfig[] = [vsc, asc, ...[main, sub, hevc].filter((e): e is VideoEncoderConfig => e !== undefined), ...audio, md];
  const profile = (token: string, name: string, ve: VideoEncoderConfig | undefined, ae: AudioEncoderConfig | undefined, meta: boolean): MediaProfile | undefined =>
    ve
      ? { token, name, fixed: true, configs: { VideoSource: vsc.token, VideoEncoder: ve.token, ...(ae ? { AudioSource: asc.token, AudioEncoder: ae.token } : {}), ...(meta ? { Metadata: md.token } : {}) } }
      : undefined;
  const profiles = [
    profile('main', 'Main stream', main, g711, true),
    profile('sub', 'Sub stream', sub, aac, false),
    profile('hevc', 'H.265 stream', hevc, aac, true),
  ].filter((p): p is MediaProfile => p !== undefined);
  const osds: OsdConfig[] = [
    {
      token: 'OSD-name', videoSourceConfigurationToken: vsc.token, position: { type: 'UpperLeft' },
      text: { type: 'Plain', plainText: cameraName, fontSize: 32, fontColor: { color: { x: 235, y: 128, z: 128 } }, backgroundColor: { color: { x: 16, y: 128, z: 128 }, transparent: 40 } },
    },
    {
      token: 'OSD-time', videoSourceConfigurationToken: vsc.token, position: { type: 'LowerRight' },
      text: { type: 'DateAndTime', dateFormat: 'yyyy-MM-dd', timeFormat: 'HH:mm:ss', fontSize: 24, fontColor: { color: { x: 235, y: 128, z: 128 } }, backgroundColor: { color: { x: 16, y: 128, z: 128 }, transparent: 40 } },
    },
  ];
  return { version: 1, mode: caps.modes[0]?.token ?? 'mode0', configs, profiles, osds, masks: [], next: { profile: 1, osd: 1, mask: 1 } };
}

/** A persisted state that still fits the camera, else undefined (then defaults are used). */
export function restoreState(saved: unknown, caps: CameraCapabilities): CameraState | undefined {
  if (typeof saved !== 'object' || saved === null) return undefined;
  const s = saved as Partial<CameraState>;
  if (s.version !== 1 || !Array.isArray(s.configs) || !Array.isArray(s.profiles) || !Array.isArray(s.osds) || !Array.isArray(s.masks) || !s.next) return undefined;
  if (!caps.modes.some((m) => m.token === s.mode)) return undefined;
  // Encoders must still be streamable (clips or capabilities may have changed between versions).
  for (const c of s.configs) {
    if (c.kind !== 'VideoEncoder') continue;
    const v = caps.video.find((x) => x.encoding === c.encoding);
    if (!v || !v.resolutions.some((r) => r.width === c.width && r.height === c.height)) return undefined;
  }
  return s as CameraState;
}

export function configsOfKind<K extends ConfigKind>(state: CameraState, kind: K): Extract<MediaConfig, { kind: K }>[] {
  return state.configs.filter((c): c is Extract<MediaConfig, { kind: K }> => c.kind === kind);
}

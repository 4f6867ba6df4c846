/**
 * The node's media model: cameras (whatever drives them: simulated, later ONVIF devices and
 * lower-level VSSs), their sources and configurations, media profiles, OSDs and privacy masks.
 * Tokens in these records are device-local; the model maps them to remote tokens (`Prefix:Local`)
 * at its boundary through the node's TokenMap.
 */
import type { LiveSource } from '../live.js';

export type ConfigKind = 'VideoSource' | 'VideoEncoder' | 'AudioSource' | 'AudioEncoder' | 'Metadata';
export const CONFIG_KINDS: readonly ConfigKind[] = ['VideoSource', 'AudioSource', 'VideoEncoder', 'AudioEncoder', 'Metadata'];

export type VideoEncoding = 'H264' | 'H265';
/** Media2 names (IANA subtypes): PCMU is G.711 µ-law, mpeg4-generic is AAC (RFC 3640). */
export type AudioEncoding = 'PCMU' | 'mpeg4-generic';

export interface GeoLocation {
  lat: number;
  lon: number;
  elevation?: number | undefined;
}

export interface Multicast {
  /** IPv4 or IPv6 group address. */
  address: string;
  port: number;
  ttl: number;
  autoStart: boolean;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface VideoSourceConfig {
  kind: 'VideoSource';
  token: string;
  name: string;
  sourceToken: string;
  bounds: Rect;
}

export interface VideoEncoderConfig {
  kind: 'VideoEncoder';
  token: string;
  name: string;
  encoding: VideoEncoding;
  width: number;
  height: number;
  frameRateLimit: number;
  bitrateLimit: number;
  constantBitRate: boolean;
  quality: number;
  govLength: number;
  profile: string;
  multicast: Multicast;
}

export interface AudioSourceConfig {
  kind: 'AudioSource';
  token: string;
  name: string;
  sourceToken: string;
}

export interface AudioEncoderConfig {
  kind: 'AudioEncoder';
  token: string;
  name: string;
  encoding: AudioEncoding;
  /** kbps */
  bitrate: number;
  /** kHz */
  sampleRate: number;
  multicast: Multicast;
}

export interface MetadataConfig {
  kind: 'Metadata';
  token: string;
  name: string;
  analytics: boolean;
  /** Event streaming: undefined = off; otherwise the wsnt:Filter expressions (none = every event). */
  events: { filters: EventFilterExpression[] } | undefined;
  ptzStatus: { status: boolean; position: boolean } | undefined;
  geoLocation: boolean;
  sessionTimeoutSeconds: number;
  multicast: Multicast;
}

/** A wsnt:TopicExpression or tt:MessageContent of an event filter, kept as given. */
export interface EventFilterExpression {
  element: 'TopicExpression' | 'MessageContent';
  dialect: string;
  expression: string;
  /** Prefix bindings the expression's QNames need. */
  namespaces: Record<string, string>;
}

export type MediaConfig = VideoSourceConfig | VideoEncoderConfig | AudioSourceConfig | AudioEncoderConfig | MetadataConfig;
export type ConfigOf<K extends ConfigKind> = Extract<MediaConfig, { kind: K }>;

/** tt:Color: X, Y, Z in the given colour space (YCbCr when absent). */
export interface Color {
  x: number;
  y: number;
  z: number;
  colorspace?: string | undefined;
}

export interface OsdColor {
  color: Color;
  /** 0 = opaque … OSD_TRANSPARENT_MAX = invisible. */
  transparent?: number | undefined;
}

export type OsdTextType = 'Plain' | 'Date' | 'Time' | 'DateAndTime';

export interface OsdConfig {
  token: string;
  /** Local token of the video source configuration it is drawn on. */
  videoSourceConfigurationToken: string;
  position: { type: 'UpperLeft' | 'UpperRight' | 'LowerLeft' | 'LowerRight' | 'Custom'; x?: number | undefined; y?: number | undefined };
  text: {
    type: OsdTextType;
    dateFormat?: string | undefined;
    timeFormat?: string | undefined;
    fontSize?: number | undefined;
    fontColor?: OsdColor | undefined;
    backgroundColor?: OsdColor | undefined;
    plainText?: string | undefined;
    isPersistentText?: boolean | undefined;
  };
}

export interface MaskConfig {
  token: string;
  videoSourceConfigurationToken: string;
  /** Normalized coordinates (-1..1, y up) relative to the video source configuration. */
  polygon: { x: number; y: number }[];
  type: 'Color';
  color?: Color | undefined;
  enabled: boolean;
}

export interface VideoSourceMode {
  token: string;
  maxWidth: number;
  maxHeight: number;
  maxFramerate: number;
  encodings: VideoEncoding[];
  description: string;
}

export type ProfileConfigs = Partial<Record<ConfigKind, string>>;

export interface MediaProfile {
  /** Local token within its owner (the camera, or the node for profiles not yet bound). */
  token: string;
  name: string;
  fixed: boolean;
  /** Local tokens of the configurations, by kind. */
  configs: ProfileConfigs;
}

/** What a camera can do; configuration options are derived from it. */
export interface CameraCapabilities {
  /** Sensor size and rate (the video source). */
  width: number;
  height: number;
  framerate: number;
  /** Encodings with the exact resolutions the camera can stream in each. */
  video: { encoding: VideoEncoding; resolutions: { width: number; height: number }[]; profiles: string[] }[];
  /** Frame rates an encoder can be limited to (descending). */
  frameRates: number[];
  /** BitrateRange per encoding, kbps. */
  bitrate: Record<VideoEncoding, { min: number; max: number }>;
  /** What GovLength may be set to (the stream's actual keyframe interval is fixed, see the driver). */
  govLengthRange: { min: number; max: number };
  audio: { encoding: AudioEncoding; bitrates: number[]; sampleRates: number[] }[];
  /** Video source modes; the first is the default. */
  modes: VideoSourceMode[];
  ptz: boolean;
  maxProfiles: number;
  maxOsds: number;
  maxMasks: number;
  maxMaskPoints: number;
  /** Concurrent encoder instances per video source configuration. */
  encoderInstances: number;
}

/** What is streamed for one profile: the driver turns it into a LiveSource. */
export interface StreamSelection {
  /** Remote tokens, for what goes into the stream (metadata sources, events). */
  profileToken: string;
  videoSourceToken: string;
  videoSourceConfigurationToken: string;
  video?: VideoEncoderConfig | undefined;
  audio?: AudioEncoderConfig | undefined;
  metadata?: MetadataConfig | undefined;
}

export interface SnapshotRequest {
  width: number;
  height: number;
  /** 0..100 (JPEG quality). */
  quality: number;
  osds: OsdConfig[];
  masks: MaskConfig[];
  /** Node time (ms since the epoch) to show in date/time OSDs, and the time zone to show it in. */
  nowMs: number;
  timeZone: string;
  /** The camera's name, for the default name OSD. */
  cameraName: string;
}

/** The southbound side of a camera: simulated here, later real devices behind ONVIF. */
export interface CameraDriver {
  readonly capabilities: CameraCapabilities;
  /** A live source for the selection (with the given LiveSource id); the caller keeps it while in use. */
  openSource(selection: StreamSelection, id: string): LiveSource;
  snapshot(req: SnapshotRequest): Promise<Uint8Array>;
  /** Called when the camera goes offline/online or is removed: running sources pause or end. */
  setOnline(online: boolean): void;
  close(): void;
}

export interface CameraDescriptor {
  /** Stable id (persisted state and the token prefix are keyed by it). */
  id: string;
  name: string;
  /** Requested token prefix (else derived from the id). */
  prefix?: string | undefined;
  location?: GeoLocation | undefined;
  ptz: boolean;
  driver: CameraDriver;
}

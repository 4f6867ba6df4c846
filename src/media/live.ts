/**
 * The contract between what produces live media (southbound: simulated cameras, later ONVIF
 * cameras and lower-level VSSs) and what delivers it (the stream hub, the RTSP server, later
 * recording and uplinks). Frames are codec-level units; RTP packetization happens once per track
 * in the hub, never per viewer.
 */

export type TrackKind = 'video' | 'audio' | 'metadata';
export type TrackCodec = 'H264' | 'H265' | 'JPEG' | 'AAC' | 'PCMU' | 'PCMA' | 'ONVIF-METADATA';

export interface TrackInfo {
  kind: TrackKind;
  codec: TrackCodec;
  /** RTP clock rate: 90000 for video and metadata, the sample rate for audio. */
  clockRate: number;
  channels?: number;
  width?: number;
  height?: number;
  /** Parameter sets for SDP fmtp (NAL units without start codes). */
  h264?: { sps: Uint8Array; pps: Uint8Array };
  h265?: { vps: Uint8Array; sps: Uint8Array; pps: Uint8Array };
  /** AAC AudioSpecificConfig (SDP `config=`). */
  aacConfig?: Uint8Array;
}

/** One access unit (video), audio frame(s), JPEG image or metadata document. */
export interface MediaFrame {
  /** Index into the source's `tracks`. */
  track: number;
  /** Capture time, ms since the Unix epoch: what RTCP sender reports map RTP time to. */
  wallclockMs: number;
  /** Media time in the track's clock rate (increasing; consumers wrap to 32 bits). */
  timestamp: number;
  /** True for an IDR/IRAP access unit, always true for audio, JPEG and metadata. */
  keyframe: boolean;
  /**
   * Payload: H.264/H.265 NAL units without start codes; AAC raw frames (no ADTS header);
   * G.711 sample bytes; one JPEG image; one UTF-8 metadata XML document. Shared, never mutated.
   */
  data: Uint8Array[];
}

export interface FrameSink {
  (frame: MediaFrame): void;
}

/**
 * A running live source. Sources start on first demand and stop when unused: the hub calls
 * `start` when its first reader arrives and `stop` when the last leaves.
 */
export interface LiveSource {
  readonly id: string;
  readonly tracks: readonly TrackInfo[];
  start(sink: FrameSink): void;
  stop(): void;
  /** Ask the encoder for a keyframe as soon as possible (SetSynchronizationPoint, new viewer). */
  requestKeyframe(): void;
}

/** Resolves what a stream URI names. Implemented by the node's media directory. */
export interface LiveSourceDirectory {
  /** The live source behind a media profile, with the tracks the profile's configurations select. */
  sourceForProfile(profileToken: string): LiveSource | undefined;
}

/** The path of a profile's live stream on the RTSP server (and the RTSP-over-HTTP/WebSocket tunnels). */
export function liveStreamPath(profileToken: string): string {
  return `/live/${encodeURIComponent(profileToken)}`;
}

export function profileTokenFromPath(path: string): string | undefined {
  const m = /^\/live\/([^/?#]+)/.exec(path);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
}

/** Multicast streaming control, driven by Media2 Start/StopMulticastStreaming and RTSP. */
export interface MulticastControl {
  start(profileToken: string): Promise<void>;
  stop(profileToken: string): Promise<void>;
  isActive(profileToken: string): boolean;
}

/** What the Media2 and Media (ver10) services need from the node. */
import type { MulticastControl } from '../../media/live.js';
import type { MediaModel } from '../../media/model/model.js';

export interface MediaPorts {
  http?: number | undefined;
  https?: number | undefined;
  rtsp?: number | undefined;
  rtsps?: number | undefined;
}

export interface MediaDeps {
  model: MediaModel;
  /** Ports actually listened on (RTSP may not be running). */
  ports(): MediaPorts;
  /** Host for URIs when the request carried no Host header. */
  defaultHost: string;
  /** Node time (ms) and POSIX time zone, for date/time OSDs. */
  now(): number;
  timeZone(): string;
  /** Multicast control from the streaming side; undefined until it exists. */
  multicast(): MulticastControl | undefined;
}

/** Where snapshots of a profile are served (the route in snapshot-route.ts). */
export const SNAPSHOT_PATH_PREFIX = '/onvif/snapshot/';

export function snapshotPath(profileToken: string): string {
  return `${SNAPSHOT_PATH_PREFIX}${encodeURIComponent(profileToken)}`;
}

/** The RTSP-over-WebSocket endpoint the streaming side serves on the HTTP port(s). */
export const RTSP_WEBSOCKET_PATH = '/rtsp-over-websocket';

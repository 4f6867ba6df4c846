/** What the media model reports when it changes (the event broker turns these into ONVIF events). */
import type { ConfigKind, GeoLocation } from './types.js';

export type ChangeOp = 'added' | 'changed' | 'removed';

export interface CameraChange {
  type: 'camera';
  op: ChangeOp | 'online' | 'offline';
  cameraId: string;
  name: string;
  prefix: string;
  location: GeoLocation | undefined;
  online: boolean;
}

export interface ProfileChange {
  type: 'profile';
  op: ChangeOp;
  /** Remote token. */
  token: string;
  cameraId: string | undefined;
}

export interface ConfigurationChange {
  type: 'configuration';
  op: ChangeOp;
  /** tr2:ConfigurationEnumeration value, or OSD / Mask. */
  kind: ConfigKind | 'OSD' | 'Mask';
  /** Remote token. */
  token: string;
  cameraId: string;
}

export type ModelChange = CameraChange | ProfileChange | ConfigurationChange;
export type ModelListener = (change: ModelChange) => void;

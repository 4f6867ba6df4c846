/** Where the media model keeps what clients changed: one JSON document per camera, one for the node. */
import type { CameraState } from './state.js';
import type { MediaProfile } from './types.js';

export interface NodeMediaState {
  version: 1;
  /** Profiles created without configurations; `camera` once configurations bound them. */
  profiles: (MediaProfile & { camera?: string | undefined })[];
  next: number;
}

export interface MediaStore {
  loadCamera(cameraId: string): unknown;
  saveCamera(cameraId: string, state: CameraState): void;
  loadNode(): unknown;
  saveNode(state: NodeMediaState): void;
}

/** Anything with the SettingsStore's get/set (JSON values by key). */
export interface KeyValue {
  get<T>(key: string, fallback: T): T;
  set<T>(key: string, value: T): void;
}

export function settingsMediaStore(kv: KeyValue): MediaStore {
  return {
    loadCamera: (id) => kv.get<unknown>(`media.camera.${id}`, undefined),
    saveCamera: (id, state) => kv.set(`media.camera.${id}`, state),
    loadNode: () => kv.get<unknown>('media.node', undefined),
    saveNode: (state) => kv.set('media.node', state),
  };
}

export function memoryMediaStore(): MediaStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    loadCamera: (id) => structuredClone(data.get(`camera.${id}`)),
    saveCamera: (id, state) => data.set(`camera.${id}`, structuredClone(state)),
    loadNode: () => structuredClone(data.get('node')),
    saveNode: (state) => data.set('node', structuredClone(state)),
  };
}

/**
 * Keeps the resource registry in step with the media model: each camera is a device (its token
 * prefix, location, discovery scopes, online state) and its video and audio sources, media
 * configurations, OSDs, masks and media profiles are its resources. Profiles the node holds
 * without configurations have no device (no location: they match a LocationFilter only with
 * includeUnknown). Model change events arrive synchronously, so open subscriptions see an added,
 * removed or unplugged camera at once.
 */
import type { ConfigKind } from '../media/model/types.js';
import type { CameraEntry, MediaModel } from '../media/model/model.js';
import type { ModelChange } from '../media/model/events.js';
import type { ResourceRegistry } from './registry.js';
import type { MediaResourceKind } from './topics.js';

const CONFIG_RESOURCE: Record<ConfigKind | 'OSD' | 'Mask', MediaResourceKind> = {
  VideoSource: 'VideoSourceConfiguration',
  AudioSource: 'AudioSourceConfiguration',
  VideoEncoder: 'VideoEncoderConfiguration',
  AudioEncoder: 'AudioEncoderConfiguration',
  Metadata: 'MetadataConfiguration',
  OSD: 'OSDConfiguration',
  Mask: 'MaskConfiguration',
};

export function configResourceKind(kind: ConfigKind | 'OSD' | 'Mask'): MediaResourceKind {
  return CONFIG_RESOURCE[kind];
}

const ONVIF_SCOPE = 'onvif://www.onvif.org';

/** An ONVIF scope URI with each path segment percent-encoded: `onvif://www.onvif.org/location/city/paris`. */
export function onvifScopeUri(...segments: string[]): string {
  return `${ONVIF_SCOPE}/${segments.map((s) => encodeURIComponent(s)).join('/')}`;
}

/**
 * A camera's discovery scopes as its resources report them (2-33 §7.2 "Scope"): its name, the
 * streaming profile, what it offers (video and audio encoders, PTZ), plus `extra` (the node's
 * location scopes, which its cameras share).
 */
export function cameraScopes(cam: CameraEntry, extra: readonly string[] = []): string[] {
  const caps = cam.desc.driver.capabilities;
  return [
    onvifScopeUri('name', cam.desc.name),
    onvifScopeUri('Profile', 'Streaming'),
    onvifScopeUri('type', 'video_encoder'),
    ...(caps.audio.length > 0 ? [onvifScopeUri('type', 'audio_encoder')] : []),
    ...(cam.desc.ptz ? [onvifScopeUri('type', 'ptz')] : []),
    ...extra,
  ];
}

export interface MediaBindingOptions {
  /** A camera's scopes (default: `cameraScopes(cam)`). */
  scopesOf?: (cam: CameraEntry) => string[];
}

/** Registers every current resource of the model, then follows its changes. Returns an unbind function. */
export function bindMediaModel(model: MediaModel, registry: ResourceRegistry, opts: MediaBindingOptions = {}): () => void {
  const scopesOf = opts.scopesOf ?? ((cam: CameraEntry) => cameraScopes(cam));

  const setDevice = (cam: CameraEntry): void => {
    registry.setDevice({ id: cam.desc.id, prefix: cam.prefix, location: cam.desc.location, scopes: scopesOf(cam), online: cam.online });
    const props = { name: cam.desc.name, deviceId: cam.desc.id };
    registry.put('VideoSource', model.videoSourceToken(cam), props);
    if (cam.state.configs.some((c) => c.kind === 'AudioSource')) registry.put('AudioSource', model.audioSourceToken(cam), props);
  };

  const putConfig = (cam: CameraEntry, kind: ConfigKind | 'OSD' | 'Mask', token: string): void => {
    let name: string | undefined;
    if (kind !== 'OSD' && kind !== 'Mask') {
      try {
        name = model.configuration(kind, token).config.name;
      } catch {
        return; // gone again before we looked: its removal follows
      }
    }
    registry.put(CONFIG_RESOURCE[kind], token, { name, deviceId: cam.desc.id });
  };

  const putProfile = (token: string): void => {
    let ref;
    try {
      ref = model.profileRef(token);
    } catch {
      return;
    }
    registry.put('MediaProfile', token, { name: ref.profile.name, deviceId: ref.camera?.desc.id });
  };

  const syncCamera = (cam: CameraEntry): void => {
    setDevice(cam);
    const id = cam.desc.id;
    for (const c of cam.state.configs) putConfig(cam, c.kind, model.remoteOf(id, c.token));
    for (const o of cam.state.osds) registry.put('OSDConfiguration', model.remoteOf(id, o.token), { deviceId: id });
    for (const m of cam.state.masks) registry.put('MaskConfiguration', model.remoteOf(id, m.token), { deviceId: id });
  };

  for (const cam of model.cameras()) syncCamera(cam);
  for (const ref of model.profileRefs()) putProfile(ref.token);

  const onChange = (c: ModelChange): void => {
    switch (c.type) {
      case 'camera': {
        const cam = model.camera(c.cameraId);
        if (c.op === 'removed') registry.removeDevice(c.cameraId);
        else if (c.op === 'online' || c.op === 'offline') registry.setOnline(c.cameraId, c.op === 'online');
        else if (cam) setDevice(cam);
        break;
      }
      case 'profile':
        if (c.op === 'removed') registry.remove('MediaProfile', c.token);
        else putProfile(c.token);
        break;
      case 'configuration': {
        const cam = model.camera(c.cameraId);
        if (c.op === 'removed') registry.remove(CONFIG_RESOURCE[c.kind], c.token);
        else if (cam) putConfig(cam, c.kind, c.token);
        break;
      }
    }
  };
  return model.on(onChange);
}

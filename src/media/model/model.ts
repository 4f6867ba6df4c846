/**
 * The node's media model: the camera registry (add, remove, online/offline at run time) and, per
 * camera, sources, configurations, media profiles, OSDs and masks with the Media2 rules for
 * changing them. Every token in and out is a remote token (`Prefix:Local`, IEC 62676-2-33 §6)
 * minted and resolved by the TokenMap; inside, records keep device-local tokens.
 *
 * Profiles created with configurations belong to their camera (its prefix). Profiles created
 * empty belong to the node (prefix of the node's own pseudo-device) until configurations bind
 * them to one camera; a profile never mixes cameras (ter:ConfigurationConflict).
 */
import { VigilError, type ErrorCode } from '../../core/errors.js';
import type { LiveSource } from '../live.js';
import type { ChangeOp, ModelChange, ModelListener } from './events.js';
import { AUDIO_SOURCE, configsOfKind, defaultState, restoreState, VIDEO_SOURCE, type CameraState } from './state.js';
import type { MediaStore, NodeMediaState } from './store.js';
import type { CameraDescriptor, ConfigKind, GeoLocation, MediaConfig, MediaProfile, ProfileConfigs, StreamSelection } from './types.js';
import { CONFIG_KINDS } from './types.js';
import { Overlays } from './overlays.js';
import { checkAudioEncoder, checkMetadata, checkName, checkVideoEncoder, currentMode } from './validate.js';

/** The part of the TokenMap the model uses. */
export interface TokenCodec {
  registerDevice(deviceId: string, requestedPrefix?: string): string;
  toRemote(deviceId: string, deviceToken: string): string;
  toDevice(remoteToken: string): { deviceId: string; deviceToken: string };
  deviceOf(remoteToken: string): string | undefined;
}

export const NODE_DEVICE_ID = 'vss';
export const NODE_PREFIX = 'VSS';
/** Unbound profiles the node holds at most. */
const MAX_NODE_PROFILES = 16;

export interface CameraEntry {
  readonly desc: CameraDescriptor;
  readonly prefix: string;
  online: boolean;
  state: CameraState;
  /** Live sources handed out, per profile (local token): reused while the selection is unchanged. */
  readonly sources: Map<string, { key: string; source: LiveSource }>;
}

export type NodeProfile = MediaProfile & { camera?: string | undefined };

/** A profile found by its remote token. */
export interface ProfileRef {
  token: string;
  owner: 'node' | 'camera';
  profile: NodeProfile;
  camera: CameraEntry | undefined;
}

/** A configuration as clients see it: remote tokens, the camera, and how many profiles use it. */
export type ConfigView<T extends MediaConfig = MediaConfig> = T & { useCount: number; cameraId: string };

export interface ProfileView {
  token: string;
  name: string;
  fixed: boolean;
  cameraId: string | undefined;
  configs: Partial<Record<ConfigKind, ConfigView>>;
}

export interface ConfigRef {
  kind: string;
  token?: string | undefined;
}

export class MediaModel {
  readonly #tokens: TokenCodec;
  readonly #store: MediaStore;
  readonly #cameras = new Map<string, CameraEntry>();
  readonly #listeners = new Set<ModelListener>();
  #node: NodeMediaState;
  /** OSDs and privacy masks. */
  readonly overlays: Overlays;

  constructor(tokens: TokenCodec, store: MediaStore) {
    this.#tokens = tokens;
    this.#store = store;
    this.#tokens.registerDevice(NODE_DEVICE_ID, NODE_PREFIX);
    const saved = store.loadNode() as Partial<NodeMediaState> | undefined;
    this.#node = saved?.version === 1 && Array.isArray(saved.profiles) ? (saved as NodeMediaState) : { version: 1, profiles: [], next: 1 };
    this.overlays = new Overlays({
      cameraFor: (remote, code, what) => this.#cameraFor(remote, code, what),
      cameras: () => [...this.#cameras.values()],
      remote: (cam, local) => this.#remote(cam, local),
      save: (cam) => this.#saveCamera(cam),
      emitConfig: (cam, op, kind, local) => this.#emitConfig(cam, op, kind, local),
    });
  }

  // ---- change events ----

  on(listener: ModelListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Builds the change only when someone listens (building mints remote tokens). */
  #emit(make: () => ModelChange): void {
    if (this.#listeners.size === 0) return;
    const change = make();
    for (const l of this.#listeners) {
      try {
        l(change);
      } catch {
        // A failing listener must not break the model or the other listeners.
      }
    }
  }

  #emitConfig(cam: CameraEntry, op: ChangeOp, kind: ConfigKind | 'OSD' | 'Mask', local: string): void {
    this.#emit(() => ({ type: 'configuration', op, kind, token: this.#remote(cam, local), cameraId: cam.desc.id }));
  }

  #emitProfile(ref: { owner: 'node' | 'camera'; camera: CameraEntry | undefined; local: string }, op: ChangeOp): void {
    this.#emit(() => ({
      type: 'profile', op, cameraId: ref.camera?.desc.id,
      token: ref.owner === 'node' ? this.#tokens.toRemote(NODE_DEVICE_ID, ref.local) : this.#remote(ref.camera!, ref.local),
    }));
  }

  #emitCamera(cam: CameraEntry, op: ModelChange['op']): void {
    this.#emit(() => ({
      type: 'camera', op: op as 'added', cameraId: cam.desc.id, name: cam.desc.name, prefix: cam.prefix, location: cam.desc.location, online: cam.online,
    }));
  }

  // ---- camera registry ----

  addCamera(desc: CameraDescriptor): CameraEntry {
    if (this.#cameras.has(desc.id)) throw new Error(`camera '${desc.id}' already exists`);
    const prefix = this.#tokens.registerDevice(desc.id, desc.prefix);
    const caps = desc.driver.capabilities;
    const state = restoreState(this.#store.loadCamera(desc.id), caps) ?? defaultState(desc.id, desc.name, caps, desc.location !== undefined);
    const cam: CameraEntry = { desc, prefix, online: true, state, sources: new Map() };
    this.#cameras.set(desc.id, cam);
    this.#emitCamera(cam, 'added');
    if (this.#listeners.size > 0) {
      for (const c of state.configs) this.#emitConfig(cam, 'added', c.kind, c.token);
      for (const o of state.osds) this.#emitConfig(cam, 'added', 'OSD', o.token);
      for (const m of state.masks) this.#emitConfig(cam, 'added', 'Mask', m.token);
      for (const p of state.profiles) this.#emitProfile({ owner: 'camera', camera: cam, local: p.token }, 'added');
    }
    return cam;
  }

  /**
   * Removes a camera: its profiles (also node profiles bound to it) and configurations go away.
   * Its persisted state is kept, so adding the camera again restores it.
   */
  removeCamera(id: string): void {
    const cam = this.#cameras.get(id);
    if (!cam) return;
    for (const p of cam.state.profiles) this.#emitProfile({ owner: 'camera', camera: cam, local: p.token }, 'removed');
    const bound = this.#node.profiles.filter((p) => p.camera === id);
    if (bound.length > 0) {
      for (const p of bound) this.#emitProfile({ owner: 'node', camera: cam, local: p.token }, 'removed');
      this.#node.profiles = this.#node.profiles.filter((p) => p.camera !== id);
      this.#saveNode();
    }
    for (const c of cam.state.configs) this.#emitConfig(cam, 'removed', c.kind, c.token);
    for (const o of cam.state.osds) this.#emitConfig(cam, 'removed', 'OSD', o.token);
    for (const m of cam.state.masks) this.#emitConfig(cam, 'removed', 'Mask', m.token);
    this.#cameras.delete(id);
    cam.sources.clear();
    cam.desc.driver.close();
    this.#emitCamera(cam, 'removed');
  }

  setOnline(id: string, online: boolean): void {
    const cam = this.#cameras.get(id);
    if (!cam || cam.online === online) return;
    cam.online = online;
    cam.desc.driver.setOnline(online);
    this.#emitCamera(cam, online ? 'online' : 'offline');
  }

  cameras(): CameraEntry[] {
    return [...this.#cameras.values()];
  }

  camera(id: string): CameraEntry | undefined {
    return this.#cameras.get(id);
  }

  /** The camera a remote token (of any of its resources) belongs to. */
  cameraOfToken(remote: string): CameraEntry | undefined {
    const dev = this.#tokens.deviceOf(remote);
    return dev === undefined ? undefined : this.#cameras.get(dev);
  }

  location(id: string): GeoLocation | undefined {
    return this.#cameras.get(id)?.desc.location;
  }

  close(): void {
    for (const cam of this.#cameras.values()) cam.desc.driver.close();
  }

  // ---- tokens ----

  #remote(cam: CameraEntry, local: string): string {
    return this.#tokens.toRemote(cam.desc.id, local);
  }

  remoteOf(cameraId: string, local: string): string {
    return this.#tokens.toRemote(cameraId, local);
  }

  /** Whether a device-local token names something of that device (camera or node). */
  #knownLocal(deviceId: string, local: string): boolean {
    if (deviceId === NODE_DEVICE_ID) return this.#node.profiles.some((p) => p.token === local);
    const s = this.#cameras.get(deviceId)?.state;
    if (!s) return false;
    return (
      local === VIDEO_SOURCE || local === AUDIO_SOURCE || s.configs.some((c) => c.token === local) || s.profiles.some((p) => p.token === local) ||
      s.osds.some((o) => o.token === local) || s.masks.some((m) => m.token === local)
    );
  }

  /** A remote token's owner and local token, or undefined when it names nothing here. */
  #tryResolve(remote: string): { deviceId: string; local: string } | undefined {
    try {
      const r = this.#tokens.toDevice(remote);
      return { deviceId: r.deviceId, local: r.deviceToken };
    } catch (err) {
      if (!(err instanceof VigilError)) throw err;
    }
    // Tokens are minted lazily: a well-formed token of a known device that was never shown to
    // anyone resolves once the TokenMap confirms it maps to exactly this string.
    const deviceId = this.#tokens.deviceOf(remote);
    if (deviceId === undefined) return undefined;
    const local = remote.slice(remote.indexOf(':') + 1);
    if (!this.#knownLocal(deviceId, local) || this.#tokens.toRemote(deviceId, local) !== remote) return undefined;
    return { deviceId, local };
  }

  /**
   * Resolves a remote token to its owner. A token this node never issued is ter:InvalidArgVal
   * (2-33 §6.3, from the TokenMap); one of a known device that names nothing is `code`.
   */
  #resolve(remote: string, code: ErrorCode, what: string): { deviceId: string; local: string } {
    const r = this.#tryResolve(remote);
    if (r) return r;
    if (this.#tokens.deviceOf(remote) !== undefined) throw new VigilError(code, `no ${what} '${remote}'`);
    // Not ours at all: let the TokenMap say so in its words.
    this.#tokens.toDevice(remote);
    throw new VigilError('InvalidArgVal', `token '${remote}' was not issued by this node`);
  }

  #cameraFor(remote: string, code: ErrorCode, what: string): { cam: CameraEntry; local: string } {
    const r = this.#resolve(remote, code, what);
    const cam = this.#cameras.get(r.deviceId);
    if (!cam) throw new VigilError(code, `no ${what} '${remote}'`);
    return { cam, local: r.local };
  }

  // ---- profiles ----

  profileRef(remote: string): ProfileRef {
    const r = this.#resolve(remote, 'NoProfile', 'profile');
    if (r.deviceId === NODE_DEVICE_ID) {
      const p = this.#node.profiles.find((x) => x.token === r.local);
      if (!p) throw new VigilError('NoProfile', `no profile '${remote}'`);
      return { token: remote, owner: 'node', profile: p, camera: p.camera !== undefined ? this.#cameras.get(p.camera) : undefined };
    }
    const cam = this.#cameras.get(r.deviceId);
    const p = cam?.state.profiles.find((x) => x.token === r.local);
    if (!cam || !p) throw new VigilError('NoProfile', `no profile '${remote}'`);
    return { token: remote, owner: 'camera', profile: p, camera: cam };
  }

  /** Every profile: per camera, its own then the node's profiles bound to it; unbound last. */
  profileRefs(): ProfileRef[] {
    const out: ProfileRef[] = [];
    for (const cam of this.#cameras.values()) {
      for (const p of cam.state.profiles) out.push({ token: this.#remote(cam, p.token), owner: 'camera', profile: p, camera: cam });
    }
    for (const p of this.#node.profiles) {
      const cam = p.camera !== undefined ? this.#cameras.get(p.camera) : undefined;
      out.push({ token: this.#tokens.toRemote(NODE_DEVICE_ID, p.token), owner: 'node', profile: p, camera: cam });
    }
    return out;
  }

  profileView(ref: ProfileRef, kinds: ReadonlySet<ConfigKind> | 'all' | 'none' = 'all'): ProfileView {
    const configs: ProfileView['configs'] = {};
    if (kinds !== 'none' && ref.camera) {
      for (const kind of CONFIG_KINDS) {
        const local = ref.profile.configs[kind];
        if (local === undefined || (kinds !== 'all' && !kinds.has(kind))) continue;
        const c = ref.camera.state.configs.find((x) => x.kind === kind && x.token === local);
        if (c) configs[kind] = this.#view(ref.camera, c);
      }
    }
    return { token: ref.token, name: ref.profile.name, fixed: ref.profile.fixed, cameraId: ref.camera?.desc.id, configs };
  }

  maximumNumberOfProfiles(): number {
    let n = MAX_NODE_PROFILES;
    for (const cam of this.#cameras.values()) n += cam.desc.driver.capabilities.maxProfiles;
    return n;
  }

  #profilesOfCamera(cam: CameraEntry): NodeProfile[] {
    return [...cam.state.profiles, ...this.#node.profiles.filter((p) => p.camera === cam.desc.id)];
  }

  /** Resolves configuration references to one camera's configurations (kinds checked). */
  #resolveRefs(refs: ConfigRef[], requireToken: boolean): { cam: CameraEntry | undefined; configs: ProfileConfigs } {
    let cam: CameraEntry | undefined;
    const configs: ProfileConfigs = {};
    for (const ref of refs) {
      if (ref.kind === 'All') continue;
      if (!(CONFIG_KINDS as readonly string[]).includes(ref.kind)) {
        throw new VigilError('NoConfig', `configurations of type '${ref.kind}' are not supported (${CONFIG_KINDS.join(', ')})`);
      }
      if (ref.token === undefined) {
        if (requireToken) throw new VigilError('InvalidArgVal', `a ${ref.kind} configuration reference needs its Token`);
        continue;
      }
      const { cam: c, local } = this.#cameraFor(ref.token, 'NoConfig', `${ref.kind} configuration`);
      if (!c.state.configs.some((x) => x.kind === ref.kind && x.token === local)) throw new VigilError('NoConfig', `no ${ref.kind} configuration '${ref.token}'`);
      if (cam && cam !== c) throw new VigilError('ConfigurationConflict', 'a profile cannot combine configurations of different cameras');
      cam = c;
      configs[ref.kind as ConfigKind] = local;
    }
    return { cam, configs };
  }

  /** Media2 dependencies: encoders need their source, metadata needs a source. */
  #checkDependencies(c: ProfileConfigs): void {
    if (c.VideoEncoder !== undefined && c.VideoSource === undefined) throw new VigilError('ConfigurationConflict', 'a VideoEncoder configuration needs a VideoSource configuration in the profile');
    if (c.AudioEncoder !== undefined && c.AudioSource === undefined) throw new VigilError('ConfigurationConflict', 'an AudioEncoder configuration needs an AudioSource configuration in the profile');
    if (c.Metadata !== undefined && c.VideoSource === undefined && c.AudioSource === undefined) {
      throw new VigilError('ConfigurationConflict', 'a Metadata configuration needs a VideoSource or AudioSource configuration in the profile');
    }
  }

  createProfile(name: string, refs: ConfigRef[]): string {
    checkProfileName(name);
    const { cam, configs } = this.#resolveRefs(refs, true);
    this.#checkDependencies(configs);
    if (this.profileRefs().length >= this.maximumNumberOfProfiles()) throw new VigilError('MaxNVTProfiles', 'the node holds the maximum number of profiles');
    if (cam) {
      if (this.#profilesOfCamera(cam).length >= cam.desc.driver.capabilities.maxProfiles) {
        throw new VigilError('MaxNVTProfiles', `camera '${cam.desc.name}' has the maximum number of profiles (${cam.desc.driver.capabilities.maxProfiles})`);
      }
      const local = `P${cam.state.next.profile++}`;
      cam.state.profiles.push({ token: local, name, fixed: false, configs });
      this.#saveCamera(cam);
      this.#emitProfile({ owner: 'camera', camera: cam, local }, 'added');
      return this.#remote(cam, local);
    }
    if (this.#node.profiles.filter((p) => p.camera === undefined).length >= MAX_NODE_PROFILES) {
      throw new VigilError('MaxNVTProfiles', `at most ${MAX_NODE_PROFILES} profiles without configurations`);
    }
    const local = `P${this.#node.next++}`;
    this.#node.profiles.push({ token: local, name, fixed: false, configs: {} });
    this.#saveNode();
    this.#emitProfile({ owner: 'node', camera: undefined, local }, 'added');
    return this.#tokens.toRemote(NODE_DEVICE_ID, local);
  }

  addConfigurations(profileToken: string, name: string | undefined, refs: ConfigRef[]): void {
    const ref = this.profileRef(profileToken);
    if (name !== undefined) checkProfileName(name);
    const { cam, configs } = this.#resolveRefs(refs, true);
    const target = ref.camera ?? cam;
    const hasConfigs = Object.keys(ref.profile.configs).length > 0;
    if (cam && target !== cam && (hasConfigs || ref.owner === 'camera')) {
      throw new VigilError('ConfigurationConflict', 'the profile belongs to another camera than these configurations');
    }
    const merged: ProfileConfigs = { ...(target === cam || hasConfigs ? ref.profile.configs : {}), ...configs };
    this.#checkDependencies(merged);
    if (name !== undefined) ref.profile.name = name;
    ref.profile.configs = merged;
    if (ref.owner === 'node') {
      ref.profile.camera = Object.keys(merged).length > 0 ? (cam ?? ref.camera)?.desc.id : undefined;
      this.#saveNode();
    } else {
      this.#saveCamera(ref.camera!);
    }
    this.#emitProfile({ owner: ref.owner, camera: cam ?? ref.camera, local: this.#localOf(ref) }, 'changed');
  }

  removeConfigurations(profileToken: string, refs: ConfigRef[]): void {
    const ref = this.profileRef(profileToken);
    const next: ProfileConfigs = { ...ref.profile.configs };
    for (const r of refs) {
      if (r.kind === 'All') {
        for (const k of CONFIG_KINDS) delete next[k];
      } else if ((CONFIG_KINDS as readonly string[]).includes(r.kind)) {
        // Removal is by type; a token, when given, is ignored (Media2 RemoveConfiguration).
        delete next[r.kind as ConfigKind];
      }
    }
    this.#checkDependencies(next);
    ref.profile.configs = next;
    if (ref.owner === 'node') {
      if (Object.keys(next).length === 0) ref.profile.camera = undefined;
      this.#saveNode();
    } else {
      this.#saveCamera(ref.camera!);
    }
    this.#emitProfile({ owner: ref.owner, camera: ref.camera, local: this.#localOf(ref) }, 'changed');
  }

  deleteProfile(profileToken: string): void {
    const ref = this.profileRef(profileToken);
    if (ref.profile.fixed) throw new VigilError('DeletionOfFixedProfile', `profile '${profileToken}' is fixed and cannot be deleted`);
    const local = this.#localOf(ref);
    ref.camera?.sources.delete(`${ref.owner}:${local}`);
    if (ref.owner === 'node') {
      this.#node.profiles = this.#node.profiles.filter((p) => p !== ref.profile);
      this.#saveNode();
    } else {
      const cam = ref.camera!;
      cam.state.profiles = cam.state.profiles.filter((p) => p !== ref.profile);
      this.#saveCamera(cam);
    }
    this.#emitProfile({ owner: ref.owner, camera: ref.camera, local }, 'removed');
  }

  #localOf(ref: ProfileRef): string {
    return ref.profile.token;
  }

  // ---- configurations ----

  #useCount(cam: CameraEntry, kind: ConfigKind, local: string): number {
    return this.#profilesOfCamera(cam).filter((p) => p.configs[kind] === local).length;
  }

  #view<T extends MediaConfig>(cam: CameraEntry, c: T): ConfigView<T> {
    const v = { ...structuredClone(c), token: this.#remote(cam, c.token), useCount: this.#useCount(cam, c.kind, c.token), cameraId: cam.desc.id } as unknown as ConfigView<T>;
    if (v.kind === 'VideoSource' || v.kind === 'AudioSource') v.sourceToken = this.#remote(cam, v.sourceToken);
    return v;
  }

  /** Get<entity>Configurations: one by token, those compatible with a profile, or all. */
  configurations<K extends ConfigKind>(kind: K, opts: { configurationToken?: string | undefined; profileToken?: string | undefined }): ConfigView<Extract<MediaConfig, { kind: K }>>[] {
    const profile = opts.profileToken !== undefined ? this.profileRef(opts.profileToken) : undefined;
    if (opts.configurationToken !== undefined) {
      const { cam, local } = this.#cameraFor(opts.configurationToken, 'NoConfig', `${kind} configuration`);
      const c = configsOfKind(cam.state, kind).find((x) => x.token === local);
      if (!c) throw new VigilError('NoConfig', `no ${kind} configuration '${opts.configurationToken}'`);
      if (profile?.camera && profile.camera !== cam) throw new VigilError('NoConfig', `configuration '${opts.configurationToken}' is not compatible with profile '${opts.profileToken}'`);
      return [this.#view(cam, c)];
    }
    const cams = profile?.camera ? [profile.camera] : [...this.#cameras.values()];
    return cams.flatMap((cam) => configsOfKind(cam.state, kind).map((c) => this.#view(cam, c)));
  }

  /** The camera and local configuration for a remote configuration token of a kind. */
  configuration<K extends ConfigKind>(kind: K, token: string): { cam: CameraEntry; config: Extract<MediaConfig, { kind: K }> } {
    const { cam, local } = this.#cameraFor(token, 'NoConfig', `${kind} configuration`);
    const config = configsOfKind(cam.state, kind).find((x) => x.token === local);
    if (!config) throw new VigilError('NoConfig', `no ${kind} configuration '${token}'`);
    return { cam, config };
  }

  /**
   * Set<entity>Configuration. `incoming` carries remote tokens (token, source tokens); values
   * the spec lets the device adapt are adapted, others fault with ter:ConfigModify.
   */
  setConfiguration(incoming: MediaConfig): void {
    const { cam, config } = this.configuration(incoming.kind, incoming.token);
    const caps = cam.desc.driver.capabilities;
    let next: MediaConfig;
    switch (incoming.kind) {
      case 'VideoSource': {
        checkName(incoming.name);
        this.#checkSource(cam, incoming.sourceToken, 'VS', 'video source');
        // Bounds cannot crop a simulated picture: they are adapted to the whole source.
        next = { ...(config as typeof incoming), name: incoming.name };
        break;
      }
      case 'AudioSource':
        checkName(incoming.name);
        this.#checkSource(cam, incoming.sourceToken, 'AS', 'audio source');
        next = { ...(config as typeof incoming), name: incoming.name };
        break;
      case 'VideoEncoder':
        next = checkVideoEncoder(caps, cam.state.mode, { ...incoming, token: config.token });
        break;
      case 'AudioEncoder':
        next = checkAudioEncoder(caps, { ...incoming, token: config.token });
        break;
      case 'Metadata':
        next = checkMetadata(caps, { ...incoming, token: config.token });
        break;
    }
    cam.state.configs = cam.state.configs.map((c) => (c === config ? next : c));
    this.#saveCamera(cam);
    this.#emitConfig(cam, 'changed', next.kind, next.token);
  }

  #checkSource(cam: CameraEntry, remote: string, expectedLocal: string, what: string): void {
    const r = this.#tryResolve(remote);
    if (!r || r.deviceId !== cam.desc.id || r.local !== expectedLocal) {
      throw new VigilError('ConfigModify', `SourceToken '${remote}' is not the ${what} of this configuration's camera`);
    }
  }

  /** The camera a configuration or profile token points at, for options (undefined: any camera). */
  optionsCamera(kind: ConfigKind, opts: { configurationToken?: string | undefined; profileToken?: string | undefined }): CameraEntry | undefined {
    const profile = opts.profileToken !== undefined ? this.profileRef(opts.profileToken) : undefined;
    if (opts.configurationToken !== undefined) {
      const { cam } = this.configuration(kind, opts.configurationToken);
      if (profile?.camera && profile.camera !== cam) throw new VigilError('IncompatibleConfiguration', 'the configuration is not compatible with the profile');
      return cam;
    }
    return profile?.camera;
  }

  // ---- sources and modes ----

  videoSourceToken(cam: CameraEntry): string {
    return this.#remote(cam, VIDEO_SOURCE);
  }

  audioSourceToken(cam: CameraEntry): string {
    return this.#remote(cam, AUDIO_SOURCE);
  }

  videoSourceCamera(remote: string): CameraEntry {
    const { cam, local } = this.#cameraFor(remote, 'NoVideoSource', 'video source');
    if (local !== VIDEO_SOURCE) throw new VigilError('NoVideoSource', `no video source '${remote}'`);
    return cam;
  }

  setVideoSourceMode(videoSourceToken: string, modeToken: string): void {
    const cam = this.videoSourceCamera(videoSourceToken);
    const caps = cam.desc.driver.capabilities;
    const mode = caps.modes.find((m) => m.token === modeToken);
    if (!mode) throw new VigilError('NoVideoSourceMode', `no video source mode '${modeToken}'`);
    if (cam.state.mode === mode.token) return;
    cam.state.mode = mode.token;
    // Encoders above the new mode's limits fall back to the largest size it allows.
    const changed: string[] = [];
    cam.state.configs = cam.state.configs.map((c) => {
      if (c.kind !== 'VideoEncoder' || (c.width <= mode.maxWidth && c.height <= mode.maxHeight)) return c;
      const sizes = caps.video.find((v) => v.encoding === c.encoding)?.resolutions.filter((r) => r.width <= mode.maxWidth && r.height <= mode.maxHeight) ?? [];
      if (sizes.length === 0) return c;
      changed.push(c.token);
      return { ...c, width: sizes[0]!.width, height: sizes[0]!.height };
    });
    this.#saveCamera(cam);
    for (const t of changed) this.#emitConfig(cam, 'changed', 'VideoEncoder', t);
  }

  currentModeOf(cam: CameraEntry): string {
    return currentMode(cam.desc.driver.capabilities, cam.state.mode).token;
  }

  // ---- streaming ----

  /**
   * What a profile streams. Throws NoProfile, or IncompleteConfiguration when the profile has
   * no source with its encoder and no metadata.
   */
  selection(profileToken: string): { cam: CameraEntry; selection: StreamSelection; profile: ProfileRef } {
    const ref = this.profileRef(profileToken);
    const cam = ref.camera;
    const incomplete = (): VigilError =>
      new VigilError('IncompleteConfiguration', `profile '${profileToken}' needs a source with its encoder, or a metadata configuration, to stream`);
    if (!cam) throw incomplete();
    const get = <K extends ConfigKind>(kind: K): Extract<MediaConfig, { kind: K }> | undefined => {
      const local = ref.profile.configs[kind];
      return local === undefined ? undefined : configsOfKind(cam.state, kind).find((c) => c.token === local);
    };
    const vsc = get('VideoSource');
    const video = vsc ? get('VideoEncoder') : undefined;
    const audio = get('AudioSource') ? get('AudioEncoder') : undefined;
    const metadata = get('Metadata');
    if (!video && !audio && !metadata) throw incomplete();
    return {
      cam,
      profile: ref,
      selection: {
        profileToken: ref.token,
        videoSourceToken: this.#remote(cam, 'VS'),
        videoSourceConfigurationToken: this.#remote(cam, vsc?.token ?? 'VSC'),
        video, audio, metadata,
      },
    };
  }

  /**
   * What a snapshot of a profile shows: its camera, video source configuration and (if any)
   * video encoder, whose size and quality the JPEG takes. A video source configuration suffices;
   * without one the profile is ter:IncompleteConfiguration for snapshots.
   */
  snapshotTarget(profileToken: string): { cam: CameraEntry; vsc: string; video: Extract<MediaConfig, { kind: 'VideoEncoder' }> | undefined } {
    const ref = this.profileRef(profileToken);
    const vsc = ref.profile.configs.VideoSource;
    if (!ref.camera || vsc === undefined) {
      throw new VigilError('IncompleteConfiguration', `profile '${profileToken}' has no video source configuration to take snapshots of`);
    }
    const ve = ref.profile.configs.VideoEncoder;
    return { cam: ref.camera, vsc, video: ve === undefined ? undefined : configsOfKind(ref.camera.state, 'VideoEncoder').find((c) => c.token === ve) };
  }

  /** LiveSourceDirectory: the same LiveSource object while the profile's selection is unchanged. */
  sourceForProfile(profileToken: string): LiveSource | undefined {
    let sel: ReturnType<MediaModel['selection']>;
    try {
      sel = this.selection(profileToken);
    } catch {
      return undefined;
    }
    const key = JSON.stringify(sel.selection);
    const local = sel.profile.profile.token;
    const slot = `${sel.profile.owner}:${local}`;
    const cached = sel.cam.sources.get(slot);
    if (cached && cached.key === key) return cached.source;
    const revision = (cached ? Number(/#(\d+)$/.exec(cached.source.id)?.[1] ?? 0) : 0) + 1;
    const source = sel.cam.desc.driver.openSource(sel.selection, `${profileToken}#${revision}`);
    sel.cam.sources.set(slot, { key, source });
    return source;
  }

  /** The live source last handed out for a profile, without creating one. */
  existingSource(profileToken: string): LiveSource | undefined {
    const ref = this.profileRef(profileToken);
    return ref.camera?.sources.get(`${ref.owner}:${ref.profile.token}`)?.source;
  }

  // ---- persistence ----

  #saveCamera(cam: CameraEntry): void {
    this.#store.saveCamera(cam.desc.id, cam.state);
  }

  #saveNode(): void {
    this.#store.saveNode(this.#node);
  }
}

function checkProfileName(name: string): void {
  if (name.length === 0 || name.length > 64) throw new VigilError('InvalidArgVal', 'a profile Name must be 1 to 64 characters');
}

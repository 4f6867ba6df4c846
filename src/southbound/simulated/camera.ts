/**
 * The simulated camera driver: what the media model sees of one simulated camera. Idle cameras
 * cost nothing (no timers, no file reads): clips are read when a camera first streams them,
 * and motion detection runs only while the camera streams (or always, when configured).
 */
import type { LiveSource } from '../../media/live.js';
import type { CameraCapabilities, CameraDriver, GeoLocation, SnapshotRequest, StreamSelection, VideoEncoding } from '../../media/model/types.js';
import { defaultAssets, type SimAssets } from './assets.js';
import { renderSnapshot } from './snapshot.js';
import { CLIP_FPS, motionAt, nextMotionChange, type Scene } from './scenes.js';
import { realTimers, SimulatedLiveSource, type Timers } from './source.js';

export type MotionMode = 'always' | 'streaming' | 'off';

export interface SimulatedCameraOptions {
  scene: Scene;
  location?: GeoLocation | undefined;
  ptz?: boolean;
  motion?: MotionMode;
  assets?: SimAssets;
  timers?: Timers;
  /** Motion detector output (tns1:VideoSource/MotionAlarm State); the wiring publishes it. */
  onMotion?: (state: boolean, utcMs: number) => void;
}

/** Frame rates an encoder may be limited to; any value in between is rounded by playout. */
const FRAME_RATES = [25, 20, 15, 12.5, 10, 5, 2, 1];

export class SimulatedCamera implements CameraDriver {
  readonly scene: Scene;
  readonly #o: SimulatedCameraOptions;
  readonly #assets: SimAssets;
  readonly #timers: Timers;
  readonly #running = new Set<SimulatedLiveSource>();
  #capabilities: CameraCapabilities | undefined;
  #active = 0;
  #online = true;
  #closed = false;
  #motionTimer: unknown;
  #motionState: boolean | undefined;

  constructor(o: SimulatedCameraOptions) {
    this.#o = o;
    this.scene = o.scene;
    this.#assets = o.assets ?? defaultAssets();
    this.#timers = o.timers ?? realTimers();
  }

  /** Starts what runs regardless of streaming (motion detection in 'always' mode); call once registered. */
  begin(): void {
    if (this.#o.motion === 'always') this.#startMotion();
  }

  get capabilities(): CameraCapabilities {
    this.#capabilities ??= this.#computeCapabilities();
    return this.#capabilities;
  }

  #computeCapabilities(): CameraCapabilities {
    const clips = this.#assets.videoInfos(this.scene.id);
    if (clips.length === 0) throw new Error(`no clips for scene ${this.scene.id} in ${this.#assets.dir}`);
    const encodings: VideoEncoding[] = (['H264', 'H265'] as const).filter((e) => clips.some((c) => c.codec === e));
    const bitrate = {} as CameraCapabilities['bitrate'];
    for (const e of encodings) {
      const mine = clips.filter((c) => c.codec === e);
      bitrate[e] = { min: Math.min(...mine.map((c) => c.keyframeKbps)), max: Math.max(...mine.map((c) => c.kbps)) };
    }
    const sizes = [...new Map(clips.map((c) => [`${c.width}x${c.height}`, c])).values()].sort((a, b) => b.width * b.height - a.width * a.height);
    const max = sizes[0]!;
    const aac = this.#assets.audioInfo(this.scene.id);
    return {
      width: max.width,
      height: max.height,
      framerate: CLIP_FPS,
      video: encodings.map((encoding) => {
        const mine = clips.filter((c) => c.codec === encoding).sort((a, b) => b.width * b.height - a.width * a.height);
        return { encoding, resolutions: mine.map((c) => ({ width: c.width, height: c.height })), profiles: [...new Set(mine.map((c) => c.profile))] };
      }),
      frameRates: FRAME_RATES,
      bitrate,
      govLengthRange: { min: 1, max: 250 },
      audio: [
        { encoding: 'PCMU', bitrates: [64], sampleRates: [8] },
        ...(aac ? [{ encoding: 'mpeg4-generic' as const, bitrates: [Math.max(8, Math.round(aac.kbps / 8) * 8)], sampleRates: [aac.sampleRate / 1000] }] : []),
      ],
      modes: sizes.map((s, i) => ({
        token: `mode${i}`,
        maxWidth: s.width,
        maxHeight: s.height,
        maxFramerate: CLIP_FPS,
        encodings,
        description: `up to ${s.width}x${s.height} at ${CLIP_FPS} fps`,
      })),
      ptz: this.#o.ptz ?? false,
      maxProfiles: 8,
      maxOsds: 4,
      maxMasks: 4,
      maxMaskPoints: 8,
      encoderInstances: 4,
    };
  }

  openSource(selection: StreamSelection, id?: string): LiveSource {
    const v = selection.video;
    const info = v ? this.#assets.videoInfo(this.scene.id, v.encoding, v.width, v.height) : undefined;
    if (v && !info) throw new Error(`scene ${this.scene.id} has no ${v.encoding} clip at ${v.width}x${v.height}`);
    const source: SimulatedLiveSource = new SimulatedLiveSource({
      id: id ?? `sim:${selection.profileToken}`,
      scene: this.scene,
      selection,
      video: info ? this.#assets.video(info) : undefined,
      aac: selection.audio?.encoding === 'mpeg4-generic' ? this.#assets.aac(this.scene.id) : undefined,
      location: this.#o.location,
      ptz: this.#o.ptz ?? false,
      timers: this.#timers,
      hooks: {
        activate: () => {
          this.#running.add(source);
          source.setOnline(this.#online);
          if (this.#active++ === 0 && this.#o.motion !== 'always' && this.#o.motion !== 'off') this.#startMotion();
        },
        deactivate: () => {
          this.#running.delete(source);
          if (--this.#active === 0 && this.#o.motion !== 'always') this.#stopMotion();
        },
      },
    });
    if (this.#closed) source.setOnline(false);
    return source;
  }

  async snapshot(req: SnapshotRequest): Promise<Uint8Array> {
    return renderSnapshot(this.scene, req, this.#timers.now() / 1000);
  }

  setOnline(online: boolean): void {
    if (this.#closed || online === this.#online) return;
    this.#online = online;
    for (const s of this.#running) s.setOnline(online);
    if (!online) this.#stopMotion();
    else if (this.#o.motion === 'always' || (this.#o.motion !== 'off' && this.#active > 0)) this.#startMotion();
  }

  get online(): boolean {
    return this.#online;
  }

  /** How many sources of this camera are streaming. */
  get activeSources(): number {
    return this.#active;
  }

  close(): void {
    if (this.#closed) return;
    for (const s of [...this.#running]) s.stop();
    this.setOnline(false);
    this.#closed = true;
    this.#stopMotion();
  }

  #startMotion(): void {
    if (!this.#o.onMotion || this.#motionTimer !== undefined || !this.#online) return;
    const step = (): void => {
      const now = this.#timers.now();
      const state = motionAt(this.scene, now / 1000);
      if (state !== this.#motionState) {
        this.#motionState = state;
        this.#o.onMotion!(state, now);
      }
      const next = nextMotionChange(this.scene, now / 1000) * 1000;
      // A scene without edges never changes: nothing to schedule.
      this.#motionTimer = Number.isFinite(next) ? this.#timers.setTimeout(step, Math.max(1, Math.ceil(next - now))) : undefined;
    };
    step();
  }

  #stopMotion(): void {
    if (this.#motionTimer !== undefined) this.#timers.clearTimeout(this.#motionTimer);
    this.#motionTimer = undefined;
    // A detector that stops watching must not leave an alarm standing.
    if (this.#motionState === true) this.#o.onMotion?.(false, this.#timers.now());
    this.#motionState = undefined;
  }
}

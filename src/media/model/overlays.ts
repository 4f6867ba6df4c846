/**
 * OSDs and privacy masks of the cameras' video source configurations (Media2 "OSD", "Privacy
 * Masks"): listing, creation within the per-configuration limits, changes and deletion, with
 * remote tokens at the boundary like the rest of the model.
 */
import { VigilError, type ErrorCode } from '../../core/errors.js';
import type { ChangeOp } from './events.js';
import type { CameraEntry } from './model.js';
import type { ConfigKind, MaskConfig, OsdConfig } from './types.js';

/** What the overlays need from the model. */
export interface OverlayContext {
  cameraFor(remote: string, code: ErrorCode, what: string): { cam: CameraEntry; local: string };
  cameras(): CameraEntry[];
  remote(cam: CameraEntry, local: string): string;
  save(cam: CameraEntry): void;
  emitConfig(cam: CameraEntry, op: ChangeOp, kind: ConfigKind | 'OSD' | 'Mask', local: string): void;
}

export class Overlays {
  readonly #ctx: OverlayContext;

  constructor(ctx: OverlayContext) {
    this.#ctx = ctx;
  }

  #vscCamera(remote: string): { cam: CameraEntry; local: string } {
    const { cam, local } = this.#ctx.cameraFor(remote, 'NoConfig', 'video source configuration');
    if (!cam.state.configs.some((c) => c.kind === 'VideoSource' && c.token === local)) throw new VigilError('NoConfig', `no video source configuration '${remote}'`);
    return { cam, local };
  }

  vscCamera(remote: string): CameraEntry {
    return this.#vscCamera(remote).cam;
  }

  osds(opts: { osdToken?: string | undefined; configurationToken?: string | undefined }): { cam: CameraEntry; osd: OsdConfig }[] {
    if (opts.osdToken !== undefined) return [this.osd(opts.osdToken)];
    if (opts.configurationToken !== undefined) {
      const { cam, local } = this.#vscCamera(opts.configurationToken);
      return cam.state.osds.filter((o) => o.videoSourceConfigurationToken === local).map((osd) => ({ cam, osd }));
    }
    return this.#ctx.cameras().flatMap((cam) => cam.state.osds.map((osd) => ({ cam, osd })));
  }

  osd(remote: string): { cam: CameraEntry; osd: OsdConfig } {
    const { cam, local } = this.#ctx.cameraFor(remote, 'NoConfig', 'OSD');
    const osd = cam.state.osds.find((o) => o.token === local);
    if (!osd) throw new VigilError('NoConfig', `no OSD '${remote}'`);
    return { cam, osd };
  }

  /** `osd` carries the remote video source configuration token; returns the new remote token. */
  createOsd(osd: OsdConfig): string {
    const { cam, local: vsc } = this.#vscCamera(osd.videoSourceConfigurationToken);
    if (cam.state.osds.filter((o) => o.videoSourceConfigurationToken === vsc).length >= cam.desc.driver.capabilities.maxOsds) {
      throw new VigilError('MaxOSDs', `at most ${cam.desc.driver.capabilities.maxOsds} OSDs per video source configuration`);
    }
    const token = `OSD${cam.state.next.osd++}`;
    cam.state.osds.push({ ...osd, token, videoSourceConfigurationToken: vsc });
    this.#ctx.save(cam);
    this.#ctx.emitConfig(cam, 'added', 'OSD', token);
    return this.#ctx.remote(cam, token);
  }

  setOsd(osd: OsdConfig): void {
    const { cam, osd: current } = this.osd(osd.token);
    const { cam: vcam, local: vsc } = this.#vscCamera(osd.videoSourceConfigurationToken);
    if (vcam !== cam) throw new VigilError('ConfigModify', 'an OSD cannot move to another camera');
    const next = { ...osd, token: current.token, videoSourceConfigurationToken: vsc };
    cam.state.osds = cam.state.osds.map((o) => (o === current ? next : o));
    this.#ctx.save(cam);
    this.#ctx.emitConfig(cam, 'changed', 'OSD', current.token);
  }

  deleteOsd(remote: string): void {
    const { cam, osd } = this.osd(remote);
    cam.state.osds = cam.state.osds.filter((o) => o !== osd);
    this.#ctx.save(cam);
    this.#ctx.emitConfig(cam, 'removed', 'OSD', osd.token);
  }

  masks(opts: { maskToken?: string | undefined; configurationToken?: string | undefined }): { cam: CameraEntry; mask: MaskConfig }[] {
    if (opts.maskToken !== undefined) return [this.mask(opts.maskToken)];
    if (opts.configurationToken !== undefined) {
      const { cam, local } = this.#vscCamera(opts.configurationToken);
      return cam.state.masks.filter((m) => m.videoSourceConfigurationToken === local).map((mask) => ({ cam, mask }));
    }
    return this.#ctx.cameras().flatMap((cam) => cam.state.masks.map((mask) => ({ cam, mask })));
  }

  mask(remote: string): { cam: CameraEntry; mask: MaskConfig } {
    const { cam, local } = this.#ctx.cameraFor(remote, 'NoConfig', 'mask');
    const mask = cam.state.masks.find((m) => m.token === local);
    if (!mask) throw new VigilError('NoConfig', `no mask '${remote}'`);
    return { cam, mask };
  }

  createMask(mask: MaskConfig): string {
    const { cam, local: vsc } = this.#vscCamera(mask.videoSourceConfigurationToken);
    if (cam.state.masks.filter((m) => m.videoSourceConfigurationToken === vsc).length >= cam.desc.driver.capabilities.maxMasks) {
      throw new VigilError('MaxMasks', `at most ${cam.desc.driver.capabilities.maxMasks} masks per video source configuration`);
    }
    const token = `Mask${cam.state.next.mask++}`;
    cam.state.masks.push({ ...mask, token, videoSourceConfigurationToken: vsc });
    this.#ctx.save(cam);
    this.#ctx.emitConfig(cam, 'added', 'Mask', token);
    return this.#ctx.remote(cam, token);
  }

  setMask(mask: MaskConfig): void {
    const { cam, mask: current } = this.mask(mask.token);
    const { cam: vcam, local: vsc } = this.#vscCamera(mask.videoSourceConfigurationToken);
    if (vcam !== cam) throw new VigilError('ConfigModify', 'a mask cannot move to another camera');
    const next = { ...mask, token: current.token, videoSourceConfigurationToken: vsc };
    cam.state.masks = cam.state.masks.map((m) => (m === current ? next : m));
    this.#ctx.save(cam);
    this.#ctx.emitConfig(cam, 'changed', 'Mask', current.token);
  }

  deleteMask(remote: string): void {
    const { cam, mask } = this.mask(remote);
    cam.state.masks = cam.state.masks.filter((m) => m !== mask);
    this.#ctx.save(cam);
    this.#ctx.emitConfig(cam, 'removed', 'Mask', mask.token);
  }
}

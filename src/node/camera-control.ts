/**
 * Cameras at run time: the node's configured cameras, the diff a configuration reload (SIGHUP)
 * applies, and the commands of `vigil cameras …` (add, remove, offline, online, list) arriving
 * over the control socket (control-socket.ts). No I/O here: the model does the work and its
 * change events reach open subscriptions at once (resource and Media2 change events).
 *
 * Cameras are identified by their stable id (`sim-<name>[-<n>]`, see expandCameraConfigs): the
 * same camera keeps its id, token prefix and tokens whether it came from the configuration or the
 * command line. A reload diffs the configuration's cameras against the previous configuration:
 * new ones are added, vanished ones removed, changed ones (name, prefix, location, PTZ, scene,
 * motion) replaced — clients see Deleted then Initialized —, and a changed `online` applied.
 * Cameras added from the command line are not part of the configuration: a reload leaves them
 * alone, and they are gone after a restart unless added to the configuration file.
 */
import { z } from 'zod';
import { VigilError } from '../core/errors.js';
import { ConfigSchema } from '../config/schema.js';
import type { MediaModel } from '../media/model/model.js';
import { DEFAULT_CENTRE, defaultCameraConfigs, expandCameraConfigs, spreadLocation, type SimulatedCameraConfig, type SimulatedCameraSpec } from '../southbound/simulated/index.js';

/** One `cameras:` entry, validated exactly as in the configuration file. */
export const CameraEntrySchema = ConfigSchema.shape.cameras.unwrap().element;

export const ControlRequestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('list') }).strict(),
  z.object({ op: z.literal('add'), camera: CameraEntrySchema }).strict(),
  z.object({ op: z.literal('remove'), camera: z.string().min(1).max(200) }).strict(),
  z.object({ op: z.literal('offline'), camera: z.string().min(1).max(200) }).strict(),
  z.object({ op: z.literal('online'), camera: z.string().min(1).max(200) }).strict(),
]);
export type ControlRequest = z.infer<typeof ControlRequestSchema>;

export interface CameraSummary {
  id: string;
  name: string;
  prefix: string;
  online: boolean;
  location: { lat: number; lon: number; elevation?: number | undefined } | undefined;
  source: 'config' | 'runtime';
}

export type ControlResponse = { ok: true; cameras: CameraSummary[] } | { ok: false; error: string };

export interface CameraDiff {
  added: string[];
  removed: string[];
  replaced: string[];
  online: string[];
  offline: string[];
}

/** Adds cameras to the model (the node gives its drivers' options: timers, motion events). */
export type AddCameras = (specs: SimulatedCameraSpec[]) => void;

function identity(s: SimulatedCameraSpec): string {
  return JSON.stringify([s.name, s.prefix, s.location, s.ptz, s.scene, s.motion]);
}

export class CameraControl {
  readonly #model: MediaModel;
  readonly #add: AddCameras;
  /** The configuration's cameras as last applied. */
  #configured = new Map<string, SimulatedCameraSpec>();

  constructor(model: MediaModel, add: AddCameras) {
    this.#model = model;
    this.#add = add;
  }

  /** Applies a configuration's `cameras:` (absent: the embedded default) against the last one applied. */
  applyConfig(list: SimulatedCameraConfig[] | undefined): CameraDiff {
    const entries = list ?? defaultCameraConfigs();
    const specs = expandCameraConfigs(entries);
    // Default locations and scenes follow the position in the list; a camera without them
    // configured keeps what it has, so removing another camera does not move (replace) it.
    const given = entries.flatMap((e) => Array<SimulatedCameraConfig>(e.count ?? 1).fill(e));
    specs.forEach((s, i) => {
      const old = this.#configured.get(s.id);
      if (!old) return;
      if (given[i]!.location === undefined) s.location = old.location;
      if (given[i]!.scene === undefined) s.scene = old.scene;
    });
    const next = new Map(specs.map((s) => [s.id, s]));
    const diff: CameraDiff = { added: [], removed: [], replaced: [], online: [], offline: [] };
    for (const id of this.#configured.keys()) {
      if (next.has(id) || !this.#model.camera(id)) continue;
      this.#model.removeCamera(id);
      diff.removed.push(id);
    }
    const toAdd: SimulatedCameraSpec[] = [];
    for (const [id, spec] of next) {
      const old = this.#configured.get(id);
      const present = this.#model.camera(id) !== undefined;
      if (!present) {
        toAdd.push(spec);
        diff.added.push(id);
      } else if (old && identity(old) !== identity(spec)) {
        this.#model.removeCamera(id);
        toAdd.push(spec);
        diff.replaced.push(id);
      } else if (!old || old.online !== spec.online) {
        // Adopted from the command line, or `online` changed in the file: the file decides.
        if (this.#model.camera(id)!.online !== spec.online) (spec.online ? diff.online : diff.offline).push(id);
        this.#model.setOnline(id, spec.online);
      }
    }
    if (toAdd.length > 0) this.#add(toAdd);
    this.#configured = next;
    return diff;
  }

  /** `vigil cameras add`: one entry (with `count`, several cameras); returns their ids. */
  add(entry: SimulatedCameraConfig): string[] {
    const base = this.#model.cameras().length;
    const specs = expandCameraConfigs([entry]).map((s, i) => (entry.location ? s : { ...s, location: spreadLocation(DEFAULT_CENTRE, base + i) }));
    for (const s of specs) {
      if (this.#model.camera(s.id)) throw new VigilError('InvalidArgVal', `camera '${s.id}' already exists`);
    }
    this.#add(specs);
    return specs.map((s) => s.id);
  }

  /** A camera by id, token prefix or (unique) name. */
  resolve(ref: string): string {
    const cams = this.#model.cameras();
    const byId = cams.find((c) => c.desc.id === ref) ?? cams.find((c) => c.prefix === ref);
    if (byId) return byId.desc.id;
    const named = cams.filter((c) => c.desc.name === ref);
    if (named.length === 1) return named[0]!.desc.id;
    if (named.length > 1) throw new VigilError('InvalidArgVal', `${named.length} cameras are named '${ref}'; use the id or prefix`);
    throw new VigilError('InvalidArgVal', `no camera '${ref}' (give its id, token prefix or name)`);
  }

  remove(ref: string): string {
    const id = this.resolve(ref);
    this.#model.removeCamera(id);
    return id;
  }

  setOnline(ref: string, online: boolean): string {
    const id = this.resolve(ref);
    this.#model.setOnline(id, online);
    return id;
  }

  list(): CameraSummary[] {
    return this.#model.cameras().map((c) => ({
      id: c.desc.id,
      name: c.desc.name,
      prefix: c.prefix,
      online: c.online,
      location: c.desc.location,
      source: this.#configured.has(c.desc.id) ? 'config' : 'runtime',
    }));
  }

  /** One control request (already JSON-decoded) → its response; never throws. */
  handle(raw: unknown): ControlResponse {
    const parsed = ControlRequestSchema.safeParse(raw);
    if (!parsed.success) {
      return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ') };
    }
    const req = parsed.data;
    try {
      let ids: string[];
      switch (req.op) {
        case 'list':
          return { ok: true, cameras: this.list() };
        case 'add':
          ids = this.add(req.camera);
          break;
        case 'remove': {
          const before = this.list().filter((c) => c.id === this.resolve(req.camera));
          this.remove(req.camera);
          return { ok: true, cameras: before };
        }
        case 'offline':
        case 'online':
          ids = [this.setOnline(req.camera, req.op === 'online')];
          break;
      }
      return { ok: true, cameras: this.list().filter((c) => ids.includes(c.id)) };
    } catch (err) {
      if (err instanceof VigilError) return { ok: false, error: err.message };
      return { ok: false, error: `failed: ${(err as Error).message}` };
    }
  }
}

/**
 * Simulated cameras from configuration: the embedded default (four cameras, one PTZ-capable)
 * or a `cameras:` list, where `count` makes many alike cameras for load tests. Each camera gets
 * a stable id (its persisted state and token prefix hang off it), a scene, a geo location
 * (spread around a centre point when not configured) and its motion detector.
 */
import type { GeoLocation } from '../../media/model/types.js';
import type { MediaModel } from '../../media/model/model.js';
import type { SimAssets } from './assets.js';
import { SimulatedCamera, type MotionMode } from './camera.js';
import { sceneForIndex, SCENES } from './scenes.js';
import type { Timers } from './source.js';

export interface SimulatedCameraConfig {
  name: string;
  location?: GeoLocation | undefined;
  ptz?: boolean | undefined;
  prefix?: string | undefined;
  /** More than one: cameras "<name> 1" … "<name> N" with prefixes "<prefix>1" … */
  count?: number | undefined;
  /** Scene 1..4; default: by position in the list. */
  scene?: number | undefined;
  motion?: MotionMode | undefined;
  online?: boolean | undefined;
}

export interface SimulatedCameraSpec {
  id: string;
  name: string;
  prefix: string | undefined;
  location: GeoLocation;
  ptz: boolean;
  scene: number;
  motion: MotionMode;
  online: boolean;
}

/** Where default locations cluster (Paris, Île de la Cité), metres above sea level. */
export const DEFAULT_CENTRE: GeoLocation = { lat: 48.8534, lon: 2.3488, elevation: 35 };

/**
 * The embedded default: one camera per scene, the second PTZ-capable. Motion is detected while a
 * camera streams, so an idle node publishes no events (`motion: always` in a camera list for more).
 */
export function defaultCameraConfigs(): SimulatedCameraConfig[] {
  return SCENES.map((s, i) => ({ name: s.label, prefix: `Cam${i + 1}`, ptz: i === 1, scene: s.id, motion: 'streaming' }));
}

/** A point `index` steps out on a sunflower spiral around the centre (~40 m apart). */
export function spreadLocation(centre: GeoLocation, index: number): GeoLocation {
  const r = 40 * Math.sqrt(index + 1);
  const a = index * 2.399963; // golden angle
  const north = r * Math.cos(a);
  const east = r * Math.sin(a);
  const lat = centre.lat + north / 111_320;
  const lon = centre.lon + east / (111_320 * Math.cos((centre.lat * Math.PI) / 180));
  return { lat: Math.round(lat * 1e7) / 1e7, lon: Math.round(lon * 1e7) / 1e7, elevation: centre.elevation };
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'camera';
}

/** Expands `count`, assigns ids, scenes and locations. Ids are unique and stable for a given list. */
export function expandCameraConfigs(list: SimulatedCameraConfig[], centre: GeoLocation = DEFAULT_CENTRE): SimulatedCameraSpec[] {
  const out: SimulatedCameraSpec[] = [];
  const ids = new Set<string>();
  list.forEach((c, listIndex) => {
    const count = c.count ?? 1;
    for (let i = 1; i <= count; i++) {
      const index = out.length;
      let id = `sim-${slug(c.name)}${count > 1 ? `-${i}` : ''}`;
      for (let n = 2; ids.has(id); n++) id = `sim-${slug(c.name)}${count > 1 ? `-${i}` : ''}-${n}`;
      ids.add(id);
      out.push({
        id,
        name: count > 1 ? `${c.name} ${i}` : c.name,
        prefix: c.prefix === undefined ? undefined : count > 1 ? `${c.prefix}${i}` : c.prefix,
        location: c.location ?? spreadLocation(centre, index),
        ptz: c.ptz ?? false,
        scene: c.scene ?? sceneForIndex(count > 1 ? index : listIndex).id,
        motion: c.motion ?? 'streaming',
        online: c.online ?? true,
      });
    }
  });
  return out;
}

export interface AddSimulatedOptions {
  assets?: SimAssets;
  timers?: Timers;
  /** Motion detector output per camera (the wiring publishes tns1:VideoSource/MotionAlarm). */
  onMotion?: (cameraId: string, state: boolean, utcMs: number) => void;
}

/** Creates the cameras and registers them with the model. */
export function addSimulatedCameras(model: MediaModel, specs: SimulatedCameraSpec[], opts: AddSimulatedOptions = {}): SimulatedCamera[] {
  return specs.map((s) => {
    const driver = new SimulatedCamera({
      scene: sceneForIndex(s.scene - 1),
      location: s.location,
      ptz: s.ptz,
      motion: s.motion,
      ...(opts.assets ? { assets: opts.assets } : {}),
      ...(opts.timers ? { timers: opts.timers } : {}),
      ...(opts.onMotion ? { onMotion: (state: boolean, utcMs: number) => opts.onMotion!(s.id, state, utcMs) } : {}),
    });
    model.addCamera({ id: s.id, name: s.name, prefix: s.prefix, location: s.location, ptz: s.ptz, driver });
    if (!s.online) model.setOnline(s.id, false);
    driver.begin();
    return driver;
  });
}

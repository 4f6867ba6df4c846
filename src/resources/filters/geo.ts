/**
 * Great-circle distance for the LocationFilter. Haversine on a sphere of the IUGG mean Earth
 * radius R1 = 6,371,008.8 m: well conditioned at the short distances resource queries use (a
 * 100 m radius), and within 0.5 % of the WGS 84 ellipsoidal (Vincenty) distance everywhere —
 * 0.5 m at 100 m, which is below the accuracy of configured camera positions.
 */
import type { GeoLocation } from '../../media/model/types.js';

export const EARTH_MEAN_RADIUS_M = 6_371_008.8;

const RAD = Math.PI / 180;

/** Ground distance in metres between two WGS 84 positions (degrees), on the mean sphere. */
export function haversineMetres(a: Pick<GeoLocation, 'lat' | 'lon'>, b: Pick<GeoLocation, 'lat' | 'lon'>): number {
  const p1 = a.lat * RAD;
  const p2 = b.lat * RAD;
  const sinDLat = Math.sin((p2 - p1) / 2);
  const sinDLon = Math.sin(((b.lon - a.lon) * RAD) / 2);
  const h = sinDLat * sinDLat + Math.cos(p1) * Math.cos(p2) * sinDLon * sinDLon;
  return 2 * EARTH_MEAN_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

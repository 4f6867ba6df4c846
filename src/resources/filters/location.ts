/**
 * LocationFilter (2-33 §7.3): resources within `radius` metres of (lon, lat).
 *
 * - Distance: great-circle (haversine, geo.ts). With `height` the query point is in space and
 *   the distance is the straight combination of the ground distance and the height difference,
 *   sqrt(ground² + (elevation − height)²): a sphere of `radius` around the point. A resource
 *   whose location has no elevation is then judged by its ground distance alone (its height is
 *   unknown, its position is not).
 * - `includeUnknown`: resources (and other messages) whose location is unknown match too;
 *   otherwise they do not.
 * - Refused: latitude outside [−90, 90], longitude outside [−180, 180], a negative, infinite or
 *   not-a-number radius, and so on (ResourceFilterError → wsnt:InvalidFilterFault).
 */
import type { GeoLocation } from '../../media/model/types.js';
import type { XmlElement } from '../../xml/dom.js';
import { escapeXml } from '../../xml/write.js';
import { haversineMetres } from './geo.js';
import { groupChildren, parseFiniteNumber, parseXsBoolean, required, ResourceFilterError } from './parse.js';

export interface LocationQuery {
  lon: number;
  lat: number;
  /** Metres above sea level of the query point; undefined: ground distance only. */
  height: number | undefined;
  /** Metres. */
  radius: number;
  includeUnknown: boolean;
}

/** Largest xs:float. */
const FLOAT_MAX = 3.4028234663852886e38;

export function parseLocationFilter(el: XmlElement): LocationQuery {
  const g = groupChildren(el, ['lon', 'lat', 'height', 'radius', 'includeUnknown'], ['lon', 'lat', 'height', 'radius', 'includeUnknown']);
  const lon = parseFiniteNumber(required(g, 'lon', 'LocationFilter'));
  const lat = parseFiniteNumber(required(g, 'lat', 'LocationFilter'));
  const radius = parseFiniteNumber(required(g, 'radius', 'LocationFilter'));
  const heightEl = g.get('height')?.[0];
  const height = heightEl ? parseFiniteNumber(heightEl) : undefined;
  const unknownEl = g.get('includeUnknown')?.[0];
  const includeUnknown = unknownEl ? parseXsBoolean(unknownEl) : false;
  if (lat < -90 || lat > 90) throw new ResourceFilterError('RANGE', 'lat', `latitude ${lat} is outside [-90, 90]`);
  if (lon < -180 || lon > 180) throw new ResourceFilterError('RANGE', 'lon', `longitude ${lon} is outside [-180, 180]`);
  if (radius < 0 || radius > FLOAT_MAX) throw new ResourceFilterError('RANGE', 'radius', `radius ${radius} must be a non-negative xs:float (metres)`);
  if (height !== undefined && Math.abs(height) > FLOAT_MAX) throw new ResourceFilterError('RANGE', 'height', 'is not an xs:float');
  return { lon, lat, height, radius, includeUnknown };
}

/** The filter element as a client writes it (children in schema order). */
export function writeLocationFilter(q: LocationQuery, prefix = 'tt'): string {
  const p = prefix ? `${prefix}:` : '';
  const child = (name: string, v: number | boolean | undefined): string => (v === undefined ? '' : `<${p}${name}>${escapeXml(String(v))}</${p}${name}>`);
  return (
    `<${p}LocationFilter>` +
    child('lon', q.lon) +
    child('lat', q.lat) +
    child('height', q.height) +
    child('radius', q.radius) +
    child('includeUnknown', q.includeUnknown) +
    `</${p}LocationFilter>`
  );
}

/** Distance in metres from the query point (3-D when both heights are known). */
export function distanceFrom(q: LocationQuery, loc: GeoLocation): number {
  const ground = haversineMetres(q, loc);
  if (q.height === undefined || loc.elevation === undefined) return ground;
  const dh = loc.elevation - q.height;
  return Math.sqrt(ground * ground + dh * dh);
}

export function locationMatches(q: LocationQuery, loc: GeoLocation | undefined): boolean {
  if (loc === undefined) return q.includeUnknown;
  return distanceFrom(q, loc) <= q.radius;
}

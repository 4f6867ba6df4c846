/**
 * LocationFilter: parsing (tt and unqualified, schema order or not), refused values with their
 * codes, the distance rule (ground, 3-D with height, includeUnknown), haversine against known
 * distances, and fast-check: the parser only ever throws ResourceFilterError, and
 * parse(write(q)) == q.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EARTH_MEAN_RADIUS_M, haversineMetres } from '../../../src/resources/filters/geo.js';
import { distanceFrom, locationMatches, parseLocationFilter, writeLocationFilter, type LocationQuery } from '../../../src/resources/filters/location.js';
import { ResourceFilterError } from '../../../src/resources/filters/parse.js';
import { parseXml } from '../../../src/xml/parse.js';

const TT = 'http://www.onvif.org/ver10/schema';
const parse = (xml: string): LocationQuery => parseLocationFilter(parseXml(xml));

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ResourceFilterError) return `${e.code}:${e.field}`;
    throw e;
  }
  return 'none';
}

describe('LocationFilter', () => {
  test('unqualified and tt-qualified forms, optional children defaulted', () => {
    assert.deepEqual(parse('<LocationFilter><lon>2.35</lon><lat>48.85</lat><radius>100</radius></LocationFilter>'), {
      lon: 2.35, lat: 48.85, height: undefined, radius: 100, includeUnknown: false,
    });
    assert.deepEqual(parse(`<t:LocationFilter xmlns:t="${TT}"><t:lon> -0.5e1 </t:lon><t:lat>+10</t:lat><t:height>35.5</t:height><t:radius>.5</t:radius><t:includeUnknown>1</t:includeUnknown></t:LocationFilter>`), {
      lon: -5, lat: 10, height: 35.5, radius: 0.5, includeUnknown: true,
    });
    // Order is not enforced (clients differ); repetition is.
    assert.equal(parse('<LocationFilter><radius>1</radius><lat>0</lat><lon>0</lon></LocationFilter>').radius, 1);
  });

  test('refused: each with a stable code and the field at fault', () => {
    const cases: [string, string][] = [
      ['<lon>0</lon><lat>0</lat><radius>-1</radius>', 'RANGE:radius'],
      ['<lon>0</lon><lat>0</lat><radius>-0.0001</radius>', 'RANGE:radius'],
      ['<lon>0</lon><lat>0</lat><radius>NaN</radius>', 'RANGE:radius'],
      ['<lon>0</lon><lat>0</lat><radius>INF</radius>', 'RANGE:radius'],
      ['<lon>0</lon><lat>0</lat><radius>1e39</radius>', 'RANGE:radius'],
      ['<lon>0</lon><lat>0</lat><radius>1e400</radius>', 'RANGE:radius'],
      ['<lon>0</lon><lat>0</lat><radius>ten</radius>', 'SYNTAX:radius'],
      ['<lon>0</lon><lat>0</lat><radius>1,5</radius>', 'SYNTAX:radius'],
      ['<lon>0</lon><lat>0</lat><radius></radius>', 'SYNTAX:radius'],
      ['<lon>0</lon><lat>0</lat>', 'MISSING:radius'],
      ['<lat>0</lat><radius>1</radius>', 'MISSING:lon'],
      ['<lon>0</lon><radius>1</radius>', 'MISSING:lat'],
      ['<lon>0</lon><lat>90.5</lat><radius>1</radius>', 'RANGE:lat'],
      ['<lon>-180.1</lon><lat>0</lat><radius>1</radius>', 'RANGE:lon'],
      ['<lon>0</lon><lat>0</lat><radius>1</radius><radius>2</radius>', 'UNEXPECTED:radius'],
      ['<lon>0</lon><lat>0</lat><radius>1</radius><alt>2</alt>', 'UNEXPECTED:alt'],
      ['<lon>0</lon><lat>0</lat><radius>1</radius><includeUnknown>yes</includeUnknown>', 'SYNTAX:includeUnknown'],
      ['<lon>0</lon><lat>0</lat><radius>1</radius><height>-INF</height>', 'RANGE:height'],
      ['<lon><x/></lon><lat>0</lat><radius>1</radius>', 'SYNTAX:lon'],
      [`<lon xmlns="urn:other">0</lon><lat>0</lat><radius>1</radius>`, 'UNEXPECTED:lon'],
    ];
    for (const [inner, want] of cases) assert.equal(code(() => parse(`<LocationFilter>${inner}</LocationFilter>`)), want, inner);
  });

  test('haversine: one degree of latitude is πR/180; Paris–London; antipodes', () => {
    assert.ok(Math.abs(haversineMetres({ lat: 0, lon: 0 }, { lat: 1, lon: 0 }) - (Math.PI * EARTH_MEAN_RADIUS_M) / 180) < 1e-6);
    assert.ok(Math.abs(haversineMetres({ lat: 0, lon: 0 }, { lat: 0, lon: 90 }) - (Math.PI * EARTH_MEAN_RADIUS_M) / 2) < 1e-6);
    // Paris–London city centres, the commonly quoted 343.5 km great-circle distance.
    const d = haversineMetres({ lat: 48.8566, lon: 2.3522 }, { lat: 51.5074, lon: -0.1278 });
    assert.ok(Math.abs(d - 343_500) < 500, String(d));
    // Against the spherical law of cosines, well conditioned at these distances (> 10 km).
    const point = fc.record({ lat: fc.double({ min: -89, max: 89, noNaN: true }), lon: fc.double({ min: -180, max: 180, noNaN: true }) });
    fc.assert(
      fc.property(point, point, (a, b) => {
        const r = Math.PI / 180;
        const c = Math.sin(a.lat * r) * Math.sin(b.lat * r) + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.cos((b.lon - a.lon) * r);
        const cosines = EARTH_MEAN_RADIUS_M * Math.acos(Math.max(-1, Math.min(1, c)));
        fc.pre(cosines > 10_000 && cosines < Math.PI * EARTH_MEAN_RADIUS_M - 10_000);
        assert.ok(Math.abs(haversineMetres(a, b) - cosines) < 0.01, `${haversineMetres(a, b)} vs ${cosines}`);
      }),
    );
    // Antipodes: asin near 1 is haversine's weak spot (~0.2 m of 20,000 km), irrelevant for radii of a city.
    assert.ok(Math.abs(haversineMetres({ lat: 10, lon: 20 }, { lat: -10, lon: -160 }) - Math.PI * EARTH_MEAN_RADIUS_M) < 1);
    assert.equal(haversineMetres({ lat: 48.85, lon: 2.35 }, { lat: 48.85, lon: 2.35 }), 0);
  });

  test('matching: ground radius inclusive, 3-D sphere with height, unknown locations only with includeUnknown', () => {
    const q: LocationQuery = { lon: 2.35, lat: 48.85, height: undefined, radius: 100, includeUnknown: false };
    const north = (m: number): { lat: number; lon: number } => ({ lat: 48.85 + (m / (Math.PI * EARTH_MEAN_RADIUS_M)) * 180, lon: 2.35 });
    assert.ok(locationMatches(q, north(99.99)));
    assert.ok(!locationMatches(q, north(100.01)));
    assert.ok(!locationMatches(q, undefined));
    assert.ok(locationMatches({ ...q, includeUnknown: true }, undefined));
    const withHeight = { ...q, height: 50 };
    assert.ok(locationMatches(withHeight, { ...north(60), elevation: 50 + 79 }), '60² + 79² < 100²');
    assert.ok(!locationMatches(withHeight, { ...north(60), elevation: 50 + 81 }), '60² + 81² > 100²');
    assert.ok(locationMatches(withHeight, north(99)), 'no elevation: ground distance');
    assert.ok(Math.abs(distanceFrom(withHeight, { ...north(0), elevation: 20 }) - 30) < 1e-9);
  });

  test('fuzz: any child set or text → a query or ResourceFilterError; parse(write(q)) == q', () => {
    const name = fc.constantFrom('lon', 'lat', 'height', 'radius', 'includeUnknown', 'x', 'Radius');
    const text = fc.oneof(fc.double().map(String), fc.string({ maxLength: 12 }), fc.constantFrom('INF', '-INF', 'NaN', '1e999', '', ' 5 ', '.', '-', '1e', 'true', '0'));
    const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    fc.assert(
      fc.property(fc.array(fc.tuple(name, text), { maxLength: 8 }), fc.boolean(), (kids, qualified) => {
        const p = qualified ? 't:' : '';
        const xml = `<${p}LocationFilter${qualified ? ` xmlns:t="${TT}"` : ''}>${kids.map(([n, v]) => `<${p}${n}>${esc(v)}</${p}${n}>`).join('')}</${p}LocationFilter>`;
        try {
          const q = parse(xml);
          assert.ok(q.radius >= 0 && Number.isFinite(q.lat) && Number.isFinite(q.lon));
        } catch (e) {
          if (!(e instanceof ResourceFilterError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
    const query = fc.record({
      lon: fc.double({ min: -180, max: 180, noNaN: true }),
      lat: fc.double({ min: -90, max: 90, noNaN: true }),
      height: fc.option(fc.double({ min: -1e4, max: 1e5, noNaN: true }), { nil: undefined }),
      radius: fc.double({ min: 0, max: 4e7, noNaN: true }),
      includeUnknown: fc.boolean(),
    });
    fc.assert(
      fc.property(query, fc.constantFrom('tt', ''), (q, prefix) => {
        const xml = writeLocationFilter(q, prefix);
        const doc = prefix ? xml.replace('<tt:LocationFilter>', `<tt:LocationFilter xmlns:tt="${TT}">`) : xml;
        assert.deepEqual(parse(doc), { ...q, lon: q.lon + 0, lat: q.lat + 0, radius: q.radius + 0, height: q.height === undefined ? undefined : q.height + 0 });
      }),
      { numRuns: 1000 },
    );
  });
});

/**
 * SelectFilter: the path grammar (/Name, /Location, /Offline, /Scope, /Scope/<segments>), the
 * 2-33 example (`/Name` + `/Scope/Location` keeps the name and the location scopes), refusals,
 * and fast-check: only ResourceFilterError; format/parse round trips.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Item } from '../../../src/events/message.js';
import { ResourceFilterError } from '../../../src/resources/filters/parse.js';
import { formatSelectPath, parseSelectFilter, parseSelectPath, selector, uriPathSegments, writeSelectFilter, type SelectPath } from '../../../src/resources/filters/select.js';
import { el, escapeXml } from '../../../src/xml/write.js';
import { parseXml } from '../../../src/xml/parse.js';

const TT = 'http://www.onvif.org/ver10/schema';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ResourceFilterError) return `${e.code}:${e.field}`;
    throw e;
  }
  return 'none';
}

const data: Item[] = [
  { name: 'Name', value: 'Main stream' },
  { name: 'Scope', value: 'onvif://www.onvif.org/name/Gate' },
  { name: 'Scope', value: 'onvif://www.onvif.org/location/city/paris' },
  { name: 'Scope', value: 'onvif://www.onvif.org/location/building/hq' },
  { name: 'Scope', value: 'onvif://www.onvif.org/type/ptz' },
  { name: 'Offline', value: 'false' },
  { name: 'Location', value: el('tt:GeoLocation', undefined, { lon: 2.35, lat: 48.85 }) },
];

const pick = (...paths: string[]): string[] => selector({ paths: paths.map(parseSelectPath) })(data).map((i) => `${i.name}=${typeof i.value === 'string' ? i.value : 'xml'}`);

describe('SelectFilter', () => {
  test('the 2-33 §7.6 example: /Name and /Scope/Location', () => {
    const f = parseSelectFilter(parseXml(`<SelectFilter><Path>/Name</Path><Path>/Scope/Location</Path></SelectFilter>`));
    assert.deepEqual(selector(f)(data).map((i) => i.value), ['Main stream', 'onvif://www.onvif.org/location/city/paris', 'onvif://www.onvif.org/location/building/hq']);
  });

  test('each path keeps its items; deeper scope paths narrow; order of the message is kept', () => {
    assert.deepEqual(pick('/Offline', '/Location'), ['Offline=false', 'Location=xml']);
    assert.deepEqual(pick('/Scope'), data.filter((i) => i.name === 'Scope').map((i) => `Scope=${i.value as string}`));
    assert.deepEqual(pick('/Scope/location/city'), ['Scope=onvif://www.onvif.org/location/city/paris']);
    assert.deepEqual(pick('/Scope/location/City'), [], 'segments below the category are case-sensitive');
    assert.deepEqual(pick('/Scope/name/Gate', '/Name'), ['Name=Main stream', 'Scope=onvif://www.onvif.org/name/Gate']);
    assert.deepEqual(pick('/Scope/Type/ptz/more'), []);
  });

  test('refused paths', () => {
    const cases: [string, string][] = [
      ['Name', 'SYNTAX:Path'],
      ['', 'SYNTAX:Path'],
      ['/', 'SYNTAX:Path'],
      ['//Name', 'SYNTAX:Path'],
      ['/Name/', 'SYNTAX:Path'],
      ['/tt:Name', 'SYNTAX:Path'],
      ['/Scope[1]', 'SYNTAX:Path'],
      ['/@Name', 'SYNTAX:Path'],
      ['/*', 'SYNTAX:Path'],
      ['/Name | /Offline', 'SYNTAX:Path'],
      ['/name', 'RANGE:Path'],
      ['/Token', 'RANGE:Path'],
      ['/Name/first', 'RANGE:Path'],
      ['/Location/lat', 'RANGE:Path'],
      ['/Scope/%E0%A4%A', 'SYNTAX:Path'],
    ];
    for (const [path, want] of cases) assert.equal(code(() => parseSelectFilter(parseXml(`<SelectFilter><Path>${path}</Path></SelectFilter>`))), want, path);
    assert.equal(code(() => parseSelectFilter(parseXml('<SelectFilter/>'))), 'MISSING:Path');
    assert.equal(code(() => parseSelectFilter(parseXml(`<SelectFilter>${'<Path>/Name</Path>'.repeat(33)}</SelectFilter>`))), 'LIMIT:Path');
  });

  test('uriPathSegments', () => {
    assert.deepEqual(uriPathSegments('onvif://www.onvif.org/name/Gate%201?x#y'), ['name', 'Gate 1']);
    assert.deepEqual(uriPathSegments('onvif://www.onvif.org'), []);
    assert.deepEqual(uriPathSegments('urn:a/b'), ['a', 'b']);
    assert.equal(uriPathSegments('no scheme'), undefined);
    assert.equal(uriPathSegments('a://h/%E0'), undefined);
  });

  test('fuzz: only ResourceFilterError; parse(format(p)) == p and write/parse round trip', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 30 }), { maxLength: 5 }), (paths) => {
        const xml = `<SelectFilter>${paths.map((p) => `<Path>${escapeXml(p)}</Path>`).join('')}</SelectFilter>`;
        try {
          const q = parseSelectFilter(parseXml(xml));
          selector(q)(data);
        } catch (e) {
          if (!(e instanceof ResourceFilterError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
    const path: fc.Arbitrary<SelectPath> = fc.oneof(
      fc.constantFrom('Name', 'Location', 'Offline').map((item) => ({ item: item as SelectPath['item'], scopePath: [] })),
      fc.array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 3 }).map((scopePath) => ({ item: 'Scope' as const, scopePath })),
    );
    fc.assert(
      fc.property(fc.array(path, { minLength: 1, maxLength: 6 }), fc.constantFrom('tt', ''), (paths, p) => {
        for (const x of paths) assert.deepEqual(parseSelectPath(formatSelectPath(x)), x);
        const xml = writeSelectFilter({ paths }, p);
        assert.deepEqual(parseSelectFilter(parseXml(p ? xml.replace('<tt:SelectFilter>', `<tt:SelectFilter xmlns:tt="${TT}">`) : xml)), { paths });
      }),
    );
  });
});

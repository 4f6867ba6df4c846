/**
 * PrefixFilter and ScopeFilter: parsing both namespace forms, refusals with stable codes,
 * matching (exact token prefix on any Source item; the Core spec's RFC 3986 segment-prefix and
 * strcmp0 scope rules, every Scope element needed), and fast-check: parsers only throw
 * ResourceFilterError and parse(write(q)) == q.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildEvent, type Item } from '../../../src/events/message.js';
import { ResourceFilterError } from '../../../src/resources/filters/parse.js';
import { parsePrefixFilter, prefixMatches, writePrefixFilter } from '../../../src/resources/filters/prefix.js';
import { parseScopeFilter, scopesMatch, writeScopeFilter } from '../../../src/resources/filters/scope.js';
import { parseXml } from '../../../src/xml/parse.js';

const TT = 'http://www.onvif.org/ver10/schema';
const STRCMP0 = 'http://schemas.xmlsoap.org/ws/2005/04/discovery/strcmp0';
const RFC3986 = 'http://schemas.xmlsoap.org/ws/2005/04/discovery/rfc3986';
const TOPIC = { path: [], key: 'k', text: 'tns1:X', isProperty: false, xmlns: {} };

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ResourceFilterError) return `${e.code}:${e.field}`;
    throw e;
  }
  return 'none';
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
const withTt = (xml: string): string => xml.replace(/^<tt:(\w+)>/, `<tt:$1 xmlns:tt="${TT}">`);

describe('PrefixFilter', () => {
  test('parses; matches an exact token prefix in any Source item', () => {
    const q = parsePrefixFilter(parseXml(`<PrefixFilter><Prefix> Cam1 </Prefix></PrefixFilter>`));
    assert.deepEqual(q, { prefix: 'Cam1' });
    const ev = (source: Item[]): ReturnType<typeof buildEvent> => buildEvent(TOPIC, new Date(0), undefined, source, [], []);
    assert.ok(prefixMatches(q, ev([{ name: 'Token', value: 'Cam1:main' }])));
    assert.ok(prefixMatches(q, ev([{ name: 'Rule', value: 'x' }, { name: 'VideoSourceToken', value: 'Cam1:VS' }])));
    assert.ok(!prefixMatches(q, ev([{ name: 'Token', value: 'Cam10:main' }])), 'Cam10 is another device');
    assert.ok(!prefixMatches(q, ev([{ name: 'Token', value: 'Cam1' }])), 'no local part: not a remote token');
    assert.ok(!prefixMatches(q, ev([{ name: 'Token', value: 'XCam1:main' }])));
    assert.ok(!prefixMatches(q, ev([])));
  });

  test('refused values', () => {
    const cases: [string, string][] = [
      ['', 'MISSING:Prefix'],
      ['<Prefix></Prefix>', 'SYNTAX:Prefix'],
      ['<Prefix>a:b</Prefix>', 'SYNTAX:Prefix'],
      ['<Prefix>a b</Prefix>', 'SYNTAX:Prefix'],
      [`<Prefix>${'x'.repeat(63)}</Prefix>`, 'RANGE:Prefix'],
      ['<Prefix>a</Prefix><Prefix>b</Prefix>', 'UNEXPECTED:Prefix'],
      ['<Token>a</Token>', 'UNEXPECTED:Token'],
    ];
    for (const [inner, want] of cases) assert.equal(code(() => parsePrefixFilter(parseXml(`<PrefixFilter>${inner}</PrefixFilter>`))), want, inner);
  });

  test('fuzz: only ResourceFilterError; round trip', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('Prefix', 'prefix', 'X'), fc.string({ maxLength: 70 })), { maxLength: 3 }), (kids) => {
        try {
          const q = parsePrefixFilter(parseXml(`<PrefixFilter>${kids.map(([n, v]) => `<${n}>${esc(v)}</${n}>`).join('')}</PrefixFilter>`));
          assert.ok(q.prefix.length > 0 && !q.prefix.includes(':'));
        } catch (e) {
          if (!(e instanceof ResourceFilterError)) throw e;
        }
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_.-]{1,27}$/), fc.constantFrom('tt', ''), (prefix, p) => {
        const xml = writePrefixFilter({ prefix }, p);
        assert.deepEqual(parsePrefixFilter(parseXml(p ? withTt(xml) : xml)), { prefix });
      }),
    );
  });
});

describe('ScopeFilter', () => {
  const device = [
    'onvif://www.onvif.org/name/Gate%201',
    'onvif://www.onvif.org/Profile/Streaming',
    'onvif://www.onvif.org/type/ptz',
    'onvif://www.onvif.org/location/city/paris',
  ];
  const q = (inner: string): ReturnType<typeof parseScopeFilter> => parseScopeFilter(parseXml(`<t:ScopeFilter xmlns:t="${TT}">${inner}</t:ScopeFilter>`));

  test('the Core spec rules: RFC 3986 segment prefix (default), strcmp0; all Scope elements must match', () => {
    const yes = [
      '<t:Scope>onvif://www.onvif.org/location/city</t:Scope>',
      '<t:Scope>ONVIF://WWW.ONVIF.ORG/location/city/paris/</t:Scope>',
      '<t:Scope>onvif://www.onvif.org</t:Scope>',
      '<t:Scope>onvif://www.onvif.org/name/Gate%201</t:Scope>',
      '<t:Scope>onvif://www.onvif.org/name/Gate%20%31</t:Scope>',
      `<t:Scope Match="${RFC3986}">onvif://www.onvif.org/type</t:Scope>`,
      `<t:Scope Match="${STRCMP0}">onvif://www.onvif.org/type/ptz</t:Scope>`,
      '<t:Scope>onvif://www.onvif.org/type/ptz</t:Scope><t:Scope>onvif://www.onvif.org/location/city/paris</t:Scope>',
    ];
    const no = [
      '<t:Scope>onvif://www.onvif.org/location/city/par</t:Scope>',
      '<t:Scope>onvif://www.onvif.org/Location/city</t:Scope>',
      `<t:Scope Match="${STRCMP0}">onvif://www.onvif.org/type</t:Scope>`,
      '<t:Scope>onvif://www.onvif.org/type/ptz</t:Scope><t:Scope>onvif://www.onvif.org/location/city/lyon</t:Scope>',
      '<t:Scope>http://www.onvif.org/type/ptz</t:Scope>',
    ];
    for (const s of yes) assert.ok(scopesMatch(q(s), device), s);
    for (const s of no) assert.ok(!scopesMatch(q(s), device), s);
  });

  test('refused values', () => {
    const cases: [string, string][] = [
      ['', 'MISSING:Scope'],
      ['<t:Scope></t:Scope>', 'SYNTAX:Scope'],
      ['<t:Scope>no-scheme</t:Scope>', 'SYNTAX:Scope'],
      ['<t:Scope>onvif://a/b c</t:Scope>', 'SYNTAX:Scope'],
      ['<t:Scope Match="urn:regex">onvif://a</t:Scope>', 'RANGE:Match'],
      ['<t:Scopes>onvif://a</t:Scopes>', 'UNEXPECTED:Scopes'],
      ['<t:Scope>onvif://a</t:Scope>'.repeat(33), 'LIMIT:Scope'],
    ];
    for (const [inner, want] of cases) assert.equal(code(() => q(inner)), want, inner);
  });

  test('fuzz: only ResourceFilterError; round trip', () => {
    const scopeText = fc.oneof(fc.string({ maxLength: 30 }), fc.webUrl(), fc.constantFrom('onvif://www.onvif.org/x', 'a:', 'a:b'));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('Scope', 'scope'), scopeText, fc.option(fc.constantFrom(STRCMP0, RFC3986, 'urn:x', ''))), { maxLength: 4 }), (kids) => {
        const xml = `<ScopeFilter>${kids.map(([n, v, m]) => `<${n}${m === null ? '' : ` Match="${esc(m)}"`}>${esc(v)}</${n}>`).join('')}</ScopeFilter>`;
        try {
          const f = parseScopeFilter(parseXml(xml));
          assert.ok(f.scopes.length > 0);
          scopesMatch(f, device);
        } catch (e) {
          if (!(e instanceof ResourceFilterError)) throw e;
        }
      }),
      { numRuns: 1000 },
    );
    const scope = fc.webUrl().filter((u) => !/\s/.test(u));
    fc.assert(
      fc.property(fc.array(fc.record({ scope, rule: fc.constantFrom('rfc3986' as const, 'strcmp0' as const) }), { minLength: 1, maxLength: 5 }), fc.constantFrom('tt', ''), (scopes, p) => {
        const xml = writeScopeFilter({ scopes }, p);
        assert.deepEqual(parseScopeFilter(parseXml(p ? withTt(xml) : xml)), { scopes: scopes.map((x) => ({ ...x })) });
      }),
    );
  });
});

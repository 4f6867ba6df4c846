import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FilterParseError } from '../../../src/events/errors.js';
import { evaluateItemFilter, formatItemFilter, parseItemFilter, type ItemExpr, type ItemGroups } from '../../../src/events/filters/item-filter.js';
import type { PrefixResolver } from '../../../src/events/filters/topic-expression.js';
import { raw } from '../../../src/xml/write.js';

const TT = 'http://www.onvif.org/ver10/schema';
const resolve: PrefixResolver = (p) => ({ tt: TT, onvif: TT, other: 'urn:other' })[p];
const noScope: PrefixResolver = () => undefined;
const plainData = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

/** The Core spec's property example: a rule's ObjectsInside property of object 5. */
const fieldDetector: ItemGroups = {
  source: [
    { name: 'VideoSourceConfigurationToken', value: '1' },
    { name: 'VideoAnalyticsConfigurationToken', value: '2' },
    { name: 'Rule', value: 'myImportantField' },
  ],
  key: [{ name: 'ObjectId', value: '5' }],
  data: [
    { name: 'IsInside', value: 'true' },
    { name: 'Location', value: raw('<tt:GeoLocation lon="1" lat="2" elevation="3"/>') },
  ],
};
const plain: ItemGroups = { source: [{ name: 'VideoSourceConfigurationToken', value: '1' }], key: [], data: [] };

describe('ItemFilter message content expressions', () => {
  // [expression, result on fieldDetector, result on plain] — the first five are the Core spec's examples.
  const vectors: [string, boolean, boolean][] = [
    ['boolean(//tt:SimpleItem[@Name="VideoSourceConfigurationToken" and @Value="1"])', true, true],
    ['not( boolean(//tt:SimpleItem[@Name="VideoAnalyticsConfigurationToken"] ) )', false, true],
    ['boolean(//tt:SimpleItem[@Name="VideoAnalyticsConfigurationToken" and @Value="2"] ) \n and boolean(//tt:SimpleItem[@Name="VideoSourceConfigurationToken" and @Value="1"] )', true, false],
    ['boolean(//tt:SimpleItem[@Name="VideoSourceConfigurationToken" and @Value="1"] )\n  and not(boolean(//tt:SimpleItem[@Name="VideoAnalyticsConfigurationToken"] ))', false, true],
    ['boolean(//tt:SimpleItem[@Name="IsInside" and @Value="true"] ) and boolean(//tt:SimpleItem[@Name="Rule" and @Value="myImportantField"] )', true, false],
    // Key items are searched too.
    ["boolean(//tt:SimpleItem[@Name='ObjectId' and @Value='5'])", true, false],
    // ElementItems: found by name, never by value.
    ['boolean(//tt:ElementItem[@Name="Location"])', true, false],
    ['boolean(//tt:ElementItem[@Value="1"])', false, false],
    ['boolean(//tt:ElementItem[not(@Value="1")])', true, false],
    ['boolean(//tt:SimpleItem[@Name="Location"])', false, false],
    // Precedence: and over or; parentheses and not() at both levels.
    ['boolean(//tt:SimpleItem[@Name="nope"]) or boolean(//tt:SimpleItem[@Value="1"]) and boolean(//tt:SimpleItem[@Name="Rule"])', true, false],
    ['(boolean(//tt:SimpleItem[@Name="nope"]) or boolean(//tt:SimpleItem[@Value="1"])) and boolean(//tt:SimpleItem[@Name="Rule"])', true, false],
    ['boolean(//tt:SimpleItem[@Value="x" or (@Name="Rule" and not(@Value="other"))])', true, false],
    // Unprefixed item names; another prefix bound to tt; no NodeTest (leniency).
    ['boolean(//SimpleItem[@Name="Rule"])', true, false],
    ['boolean(//onvif:SimpleItem[@Name="Rule"])', true, false],
    ['boolean(//tt:ElementItem)', true, false],
  ];
  for (const [expr, a, b] of vectors) {
    test(expr.replace(/\s+/g, ' ').slice(0, 90), () => {
      const e = parseItemFilter(expr, resolve);
      assert.equal(evaluateItemFilter(e, fieldDetector), a);
      assert.equal(evaluateItemFilter(e, plain), b);
    });
  }

  test('tt: without a declaration is accepted (clients routinely omit it)', () => {
    assert.ok(evaluateItemFilter(parseItemFilter('boolean(//tt:SimpleItem[@Name="Rule"])', noScope), fieldDetector));
  });

  const bad: [string, FilterParseError['code']][] = [
    ['', 'SYNTAX'],
    ['true', 'SYNTAX'],
    ['boolean(//tt:SimpleItem[@Name="a"]', 'SYNTAX'],
    ['boolean(//tt:SimpleItem[@Name="a"]) and', 'SYNTAX'],
    ['boolean(//tt:SimpleItem[@Name="a])', 'SYNTAX'],
    ['boolean(//tt:SimpleItem[@Other="a"])', 'SYNTAX'],
    ['boolean(//tt:SimpleItem[@Name=a])', 'SYNTAX'],
    ['boolean(//tt:Item[@Name="a"])', 'SYNTAX'],
    ['boolean(/tt:SimpleItem[@Name="a"])', 'SYNTAX'],
    ['boolean(//tt:SimpleItem[@Name="a"]) xor boolean(//tt:SimpleItem)', 'SYNTAX'],
    ['boolean(//tt:SimpleItem[@Name=”a”])', 'SYNTAX'],
    ['boolean(//other:SimpleItem[@Name="a"])', 'PREFIX'],
    ['boolean(//x:SimpleItem[@Name="a"])', 'PREFIX'],
    ['not('.repeat(40) + 'boolean(//tt:SimpleItem)' + ')'.repeat(40), 'LIMIT'],
    ['boolean(//tt:SimpleItem[' + '('.repeat(40) + '@Name="a"' + ')'.repeat(40) + '])', 'LIMIT'],
    ['boolean(//tt:SimpleItem[@Name="' + 'a'.repeat(20_000) + '"])', 'LIMIT'],
  ];
  for (const [expr, code] of bad) {
    test(`refuses ${JSON.stringify(expr.slice(0, 40))} (${code})`, () => {
      assert.throws(() => parseItemFilter(expr, resolve), (e: unknown) => e instanceof FilterParseError && e.code === code);
    });
  }

  const value = fc.stringMatching(/^[A-Za-z0-9 _.'-]{0,8}$/);
  const attrExpr = fc.letrec((tie) => ({
    a: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.record({ op: fc.constant('eq' as const), attr: fc.constantFrom('Name' as const, 'Value' as const), value }),
      fc.record({ op: fc.constant('not' as const), expr: tie('a') }),
      fc.record({ op: fc.constantFrom('and' as const, 'or' as const), left: tie('a'), right: tie('a') }),
    ),
  })).a;
  const itemExpr = fc.letrec((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.record({ op: fc.constant('exists' as const), kind: fc.constantFrom('SimpleItem' as const, 'ElementItem' as const), test: fc.option(attrExpr, { nil: undefined }) }),
      fc.record({ op: fc.constant('not' as const), expr: tie('e') }),
      fc.record({ op: fc.constantFrom('and' as const, 'or' as const), left: tie('e'), right: tie('e') }),
    ),
  })).e as fc.Arbitrary<ItemExpr>;

  const depth = (e: ItemExpr | { op: string; expr?: unknown; left?: unknown; right?: unknown; test?: unknown }): number => {
    const x = e as { expr?: ItemExpr; left?: ItemExpr; right?: ItemExpr; test?: ItemExpr };
    return 1 + Math.max(0, ...[x.expr, x.left, x.right, x.test].filter((c) => c !== undefined).map((c) => depth(c!)));
  };

  test('fuzz: parse(format(e)) deep-equals e for generated trees', () => {
    fc.assert(
      fc.property(itemExpr, (e) => {
        fc.pre(depth(e) < 14);
        // (fast-check's records have no prototype; compare plain data.)
        assert.deepEqual(plainData(parseItemFilter(formatItemFilter(e), resolve)), plainData(e));
      }),
      { numRuns: 2000 },
    );
  });

  test('fuzz: arbitrary and mutated text only ever throws FilterParseError', () => {
    const mutated = fc
      .tuple(itemExpr.map(formatItemFilter), fc.string({ maxLength: 3 }), fc.nat(), fc.nat())
      .map(([x, ins, at, cut]) => {
        const i = at % (x.length + 1);
        return x.slice(0, i) + ins + x.slice(i + (cut % 3));
      });
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), mutated), (x) => {
        try {
          const e = parseItemFilter(x, resolve);
          assert.deepEqual(parseItemFilter(formatItemFilter(e), resolve), e);
          evaluateItemFilter(e, fieldDetector);
        } catch (err) {
          assert.ok(err instanceof FilterParseError, String(err));
        }
      }),
      { numRuns: 3000 },
    );
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FilterParseError } from '../../../src/events/errors.js';
import {
  formatTopicExpression,
  parseTopicExpression,
  topicMatches,
  type PrefixResolver,
} from '../../../src/events/filters/topic-expression.js';
import { TopicNamespaces } from '../../../src/events/topic.js';

const TNS1 = 'http://www.onvif.org/ver10/topics';
const VENDOR = 'http://example.com/vendor-topics';
const scope: Record<string, string> = { tns1: TNS1, onvif: TNS1, v: VENDOR };
const resolve: PrefixResolver = (p) => scope[p];
const prefixOf = (ns: string): string | undefined => (ns === '' ? '' : ns === TNS1 ? 'tns1' : ns === VENDOR ? 'v' : undefined);

const names = new TopicNamespaces();
names.register('v', VENDOR);
const topic = (t: string) => names.parse(t);

describe('ConcreteSet topic expressions', () => {
  // [expression, topic, matches]
  const vectors: [string, string, boolean][] = [
    ['tns1:RuleEngine/LineDetector/Crossed', 'tns1:RuleEngine/LineDetector/Crossed', true],
    ['tns1:RuleEngine/LineDetector/Crossed', 'tns1:RuleEngine/LineDetector', false],
    ['tns1:RuleEngine/LineDetector', 'tns1:RuleEngine/LineDetector/Crossed', false],
    // Core spec examples.
    ['tns1:VideoAnalytics//.', 'tns1:VideoAnalytics/Motion', true],
    ['tns1:VideoAnalytics//.', 'tns1:VideoAnalytics', true],
    ['tns1:VideoAnalytics//.|tns1:RuleEngine//.', 'tns1:RuleEngine/FieldDetector/ObjectsInside', true],
    ['tns1:RuleEngine/FieldDetector//.|tns1:RuleEngine/LineDetector//.', 'tns1:RuleEngine/CellMotionDetector/Motion', false],
    ['tns1:RuleEngine/FieldDetector//.|tns1:RuleEngine/LineDetector//.', 'tns1:RuleEngine/LineDetector/Crossed', true],
    // Any prefix bound to the namespace works; prefixed children in the root namespace too.
    ['onvif:Monitoring/ProcessorUsage', 'tns1:Monitoring/ProcessorUsage', true],
    ['tns1:Monitoring/tns1:ProcessorUsage', 'tns1:Monitoring/ProcessorUsage', true],
    // Vendor children keep their namespace.
    ['tns1:VideoAnalytics/v:Motion', 'tns1:VideoAnalytics/v:Motion', true],
    ['tns1:VideoAnalytics/Motion', 'tns1:VideoAnalytics/v:Motion', false],
    // Wildcards (leniency taken from the Full dialect).
    ['tns1:Monitoring/*', 'tns1:Monitoring/ProcessorUsage', true],
    ['tns1:Monitoring/*', 'tns1:Monitoring/OperatingTime/LastReboot', false],
    ['tns1:*//.', 'tns1:Monitoring/OperatingTime/LastReboot', true],
    ['tns1:*//.', 'v:Root', false],
    ['*/v:*', 'tns1:VideoAnalytics/v:Motion', true],
    ['*//.', 'v:Root/Child', true],
    // Blanks around the bar.
    ['  tns1:Device//. | tns1:Monitoring//.\n', 'tns1:Monitoring/ProcessorUsage', true],
  ];
  for (const [expr, t, want] of vectors) {
    test(`${JSON.stringify(expr)} ${want ? 'matches' : 'does not match'} ${t}`, () => {
      assert.equal(topicMatches(parseTopicExpression(expr.trim(), resolve), topic(t)), want);
    });
  }

  const bad: [string, FilterParseError['code']][] = [
    ['', 'SYNTAX'],
    ['tns1:A|', 'SYNTAX'],
    ['|tns1:A', 'SYNTAX'],
    ['tns1:A//', 'SYNTAX'],
    ['tns1:A///.', 'SYNTAX'],
    ['tns1:A/./B', 'SYNTAX'],
    ['//.', 'SYNTAX'],
    ['tns1:A B', 'SYNTAX'],
    ['tns1:', 'SYNTAX'],
    [':A', 'SYNTAX'],
    ['tns1:1A', 'SYNTAX'],
    ['tns1:A:B', 'SYNTAX'],
    ['nope:A', 'PREFIX'],
    ['tns1:A/nope:B', 'PREFIX'],
    ['tns1:A|'.repeat(300) + 'tns1:A', 'LIMIT'],
    [Array.from({ length: 40 }, () => 'A').join('/'), 'LIMIT'],
  ];
  for (const [expr, code] of bad) {
    test(`refuses ${JSON.stringify(expr.slice(0, 24))} (${code})`, () => {
      assert.throws(() => parseTopicExpression(expr, resolve), (e: unknown) => e instanceof FilterParseError && e.code === code);
    });
  }

  test('an unprefixed root is in the default namespace', () => {
    const withDefault = parseTopicExpression('Monitoring//.', (p) => (p === '' ? TNS1 : undefined));
    assert.ok(topicMatches(withDefault, topic('tns1:Monitoring/ProcessorUsage')));
    const without = parseTopicExpression('Monitoring//.', () => undefined);
    assert.ok(!topicMatches(without, topic('tns1:Monitoring/ProcessorUsage')));
  });

  const segment = fc.oneof(fc.constantFrom('*', 'tns1:*', 'v:*', 'A', 'Monitoring', 'v:Motion', 'tns1:Device', 'x-y.z_1'), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,8}$/));
  const path = fc.tuple(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.boolean()).map(([s, sub]) => s.join('/') + (sub ? '//.' : ''));
  const expression = fc.array(path, { minLength: 1, maxLength: 4 }).map((p) => p.join('|'));

  test('fuzz: parse(format(parse(x))) equals parse(x) for well-formed expressions', () => {
    fc.assert(
      fc.property(expression, (x) => {
        const e = parseTopicExpression(x, resolve);
        assert.deepEqual(parseTopicExpression(formatTopicExpression(e, prefixOf), resolve), e);
      }),
      { numRuns: 2000 },
    );
  });

  test('fuzz: arbitrary and mutated text only ever throws FilterParseError', () => {
    const mutated = fc.tuple(expression, fc.string({ maxLength: 4 }), fc.nat()).map(([x, ins, at]) => x.slice(0, at % (x.length + 1)) + ins + x.slice(at % (x.length + 1)));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), mutated), (x) => {
        try {
          const e = parseTopicExpression(x, resolve);
          assert.deepEqual(parseTopicExpression(formatTopicExpression(e, prefixOf), resolve), e);
        } catch (err) {
          assert.ok(err instanceof FilterParseError, String(err));
          assert.ok(err.offset >= 0);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

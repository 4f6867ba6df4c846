import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  addDuration,
  durationFromMs,
  durationMs,
  formatDuration,
  parseAbsoluteOrRelativeTime,
  parseDateTime,
  parseDuration,
  resolveTime,
  TimeParseError,
  type Duration,
} from '../../src/events/time.js';

const Z: Duration = { negative: false, years: 0, months: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };
const T0 = Date.UTC(2024, 0, 31, 12, 0, 0);

describe('xs:duration', () => {
  const valid: [string, Partial<Duration>, number][] = [
    ['PT60S', { seconds: 60 }, 60_000],
    ['PT1M', { minutes: 1 }, 60_000],
    ['PT0S', {}, 0],
    ['PT0.5S', { seconds: 0.5 }, 500],
    ['P1DT2H', { days: 1, hours: 2 }, 26 * 3_600_000],
    ['  PT10S\n', { seconds: 10 }, 10_000],
    // Calendar arithmetic from 2024-01-31: one month later is 2024-03-02 (February has 29 days).
    ['P1M', { months: 1 }, 31 * 86_400_000],
    ['P1Y', { years: 1 }, 366 * 86_400_000],
    ['-PT5S', { negative: true, seconds: 5 }, -5000],
  ];
  for (const [text, parts, ms] of valid) {
    test(`parses ${JSON.stringify(text)}`, () => {
      const d = parseDuration(text);
      assert.deepEqual(d, { ...Z, ...parts });
      assert.equal(durationMs(d, T0), ms);
    });
  }

  const invalid = ['', 'P', 'PT', 'P1DT', '1S', 'PT1H1H', 'PT-1S', 'P1.5D', 'PT1.S', 'pt1s', 'P1S', 'PT1D', 'P'.padEnd(80, '1')];
  for (const text of invalid) {
    test(`refuses ${JSON.stringify(text.slice(0, 20))}`, () => {
      assert.throws(() => parseDuration(text), (e: unknown) => e instanceof TimeParseError && e.code === 'DURATION_SYNTAX');
    });
  }

  test('components beyond the safe integer range are OUT_OF_RANGE', () => {
    assert.throws(() => parseDuration('PT99999999999999999999S'), (e: unknown) => e instanceof TimeParseError && e.code === 'OUT_OF_RANGE');
    assert.throws(() => addDuration(T0, parseDuration('P9999999999999Y')), (e: unknown) => e instanceof TimeParseError && e.code === 'OUT_OF_RANGE');
  });

  test('durationFromMs writes the MaxTimeout form', () => {
    assert.equal(formatDuration(durationFromMs(600_000)), 'PT10M');
    assert.equal(formatDuration(durationFromMs(90_500)), 'PT1M30.5S');
    assert.equal(formatDuration(durationFromMs(0)), 'PT0S');
  });

  test('fuzz: only TimeParseError is thrown, and format/parse round trips', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 30 }), fc.stringMatching(/^-?P(\d{1,3}Y)?(\d{1,3}M)?(\d{1,3}D)?(T(\d{1,3}H)?(\d{1,3}M)?(\d{1,3}(\.\d{1,3})?S)?)?$/)), (s) => {
        let d: Duration;
        try {
          d = parseDuration(s);
        } catch (e) {
          assert.ok(e instanceof TimeParseError, String(e));
          return;
        }
        assert.deepEqual(parseDuration(formatDuration(d)), d);
      }),
      { numRuns: 3000 },
    );
  });

  test('fuzz: components survive format → parse', () => {
    const n = fc.integer({ min: 0, max: 10_000 });
    fc.assert(
      fc.property(fc.boolean(), n, n, n, n, n, fc.integer({ min: 0, max: 10_000_000 }), (negative, years, months, days, hours, minutes, milli) => {
        const d: Duration = { negative, years, months, days, hours, minutes, seconds: milli / 1000 };
        assert.deepEqual(parseDuration(formatDuration(d)), d);
      }),
    );
  });
});

describe('xs:dateTime', () => {
  const valid: [string, number][] = [
    ['2024-02-29T23:59:59Z', Date.UTC(2024, 1, 29, 23, 59, 59)],
    ['2024-02-29T23:59:59.25Z', Date.UTC(2024, 1, 29, 23, 59, 59, 250)],
    ['2024-01-01T01:00:00+01:00', Date.UTC(2024, 0, 1, 0, 0, 0)],
    ['2024-01-01T00:00:00-02:30', Date.UTC(2024, 0, 1, 2, 30, 0)],
    // No zone: taken as UTC.
    ['2008-10-09T13:52:59', Date.UTC(2008, 9, 9, 13, 52, 59)],
    ['2024-01-01T24:00:00Z', Date.UTC(2024, 0, 2)],
    ['0099-03-01T00:00:00Z', new Date('0099-03-01T00:00:00Z').getTime()],
  ];
  for (const [text, ms] of valid) {
    test(`parses ${text}`, () => assert.equal(parseDateTime(text), ms));
  }
  for (const text of ['2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01T24:00:01Z', '2024-01-01T00:60:00Z', '2024-01-01T00:00:00+15:00']) {
    test(`${text} is OUT_OF_RANGE`, () => assert.throws(() => parseDateTime(text), (e: unknown) => e instanceof TimeParseError && e.code === 'OUT_OF_RANGE'));
  }
  for (const text of ['', 'now', '2024-01-01', '2024-01-01 00:00:00Z', '24-01-01T00:00:00Z', '2024-01-01T00:00Z']) {
    test(`${JSON.stringify(text)} is not a dateTime`, () =>
      assert.throws(() => parseDateTime(text), (e: unknown) => e instanceof TimeParseError && e.code === 'DATETIME_SYNTAX'));
  }

  test('fuzz: round trip through toISOString for every representable instant', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        assert.equal(parseDateTime(d.toISOString()), d.getTime());
      }),
    );
  });

  test('fuzz: arbitrary text throws nothing but TimeParseError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        try {
          parseDateTime(s);
        } catch (e) {
          assert.ok(e instanceof TimeParseError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('wsnt:AbsoluteOrRelativeTimeType', () => {
  test('duration or dateTime, resolved against now', () => {
    assert.equal(resolveTime(parseAbsoluteOrRelativeTime('PT1M'), T0), T0 + 60_000);
    assert.equal(resolveTime(parseAbsoluteOrRelativeTime(' 2030-01-01T00:00:00Z '), T0), Date.UTC(2030, 0, 1));
    assert.throws(() => parseAbsoluteOrRelativeTime('soon'), TimeParseError);
  });
});

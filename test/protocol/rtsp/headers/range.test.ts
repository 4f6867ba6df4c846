import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  formatUtcTime,
  parseRange,
  parseUtcTime,
  serializeRange,
  utcTimeFromEpochMs,
  utcTimeToEpochMs,
  type RangeHeader,
  type UtcTime,
} from '../../../../src/protocol/rtsp/headers/range.js';
import { onlyParseErrors, throwsCode } from '../helpers.js';

const utc = (iso: string, nanos = 0): UtcTime => ({ seconds: Date.parse(iso) / 1000, nanos });

void describe('Range header', () => {
  void it('parses and re-serializes the ONVIF replay examples byte for byte', () => {
    const vectors: Array<[string, RangeHeader]> = [
      ['clock=20090615T114900.440Z-', { unit: 'clock', start: utc('2009-06-15T11:49:00Z', 440_000_000) }],
      [
        'clock=20090615T114900.440Z-20090615T115000Z',
        { unit: 'clock', start: utc('2009-06-15T11:49:00Z', 440_000_000), end: utc('2009-06-15T11:50:00Z') },
      ],
      [
        // Reverse replay: the range decreases.
        'clock=20090615T115000.440Z-20090615T114900Z',
        { unit: 'clock', start: utc('2009-06-15T11:50:00Z', 440_000_000), end: utc('2009-06-15T11:49:00Z') },
      ],
      ['clock=20100217T143720.257Z-', { unit: 'clock', start: utc('2010-02-17T14:37:20Z', 257_000_000) }],
      ['npt=now-', { unit: 'npt', start: 'now' }],
      ['npt=0-', { unit: 'npt', start: 0 }],
      ['npt=-20.5', { unit: 'npt', end: 20.5 }],
      ['npt=10-15', { unit: 'npt', start: 10, end: 15 }],
      ['smpte=10:12:33:20-', { unit: 'smpte', start: { hours: 10, minutes: 12, seconds: 33, frames: 20 } }],
      [
        'smpte-25=10:07:00-10:07:33:05.01',
        {
          unit: 'smpte-25',
          start: { hours: 10, minutes: 7, seconds: 0 },
          end: { hours: 10, minutes: 7, seconds: 33, frames: 5, subframes: 1 },
        },
      ],
      [
        'clock=19961108T142300Z-19961108T143520Z;time=19970123T143720Z',
        {
          unit: 'clock',
          start: utc('1996-11-08T14:23:00Z'),
          end: utc('1996-11-08T14:35:20Z'),
          time: utc('1997-01-23T14:37:20Z'),
        },
      ],
    ];
    for (const [text, range] of vectors) {
      assert.deepEqual(parseRange(text), range, text);
      assert.equal(serializeRange(range), text);
    }
  });

  void it('accepts the other RFC 2326 npt forms and keeps full fractional precision in clock times', () => {
    assert.deepEqual(parseRange('npt=1:02:03.5-'), { unit: 'npt', start: 3723.5 });
    assert.deepEqual(parseRange('npt = 12.-'), { unit: 'npt', start: 12 });
    assert.deepEqual(parseRange('NPT=0.000-'), { unit: 'npt', start: 0 });
    assert.deepEqual(parseRange('clock=20090615T114900.123456789Z-').start, utc('2009-06-15T11:49:00Z', 123_456_789));
    assert.equal(formatUtcTime(utc('2009-06-15T11:49:00Z', 123_456_789)), '20090615T114900.123456789Z');
    assert.equal(formatUtcTime(utc('2009-06-15T11:49:00Z', 123_456_000)), '20090615T114900.123456Z');
    assert.equal(formatUtcTime(utc('2009-06-15T11:49:00Z', 100_000_000)), '20090615T114900.100Z');
    assert.deepEqual(parseRange('npt=0-;x-unknown=1'), { unit: 'npt', start: 0 });
  });

  void it('writes tiny npt values with nanosecond precision instead of exponent notation', () => {
    assert.equal(serializeRange({ unit: 'npt', start: 1e-7 }), 'npt=0.0000001-');
    assert.equal(serializeRange({ unit: 'npt', start: 5e-324 }), 'npt=0-');
    assert.throws(() => serializeRange({ unit: 'npt', start: -1 }), RangeError);
    assert.throws(() => serializeRange({ unit: 'npt', start: Number.NaN }), RangeError);
    assert.throws(() => serializeRange({ unit: 'npt' }), TypeError);
  });

  void it('handles calendar edges: leap days, years before 1970 and the year 0', () => {
    assert.deepEqual(parseUtcTime('20000229T235959Z'), utc('2000-02-29T23:59:59Z'));
    assert.deepEqual(parseUtcTime('19000101T000000Z'), utc('1900-01-01T00:00:00Z'));
    assert.equal(formatUtcTime(parseUtcTime('00000101T000000Z')), '00000101T000000Z');
    assert.equal(formatUtcTime(parseUtcTime('99991231T235959.999999999Z')), '99991231T235959.999999999Z');
    throwsCode(() => parseUtcTime('19000229T000000Z'), 'BAD_RANGE');
    throwsCode(() => parseUtcTime('20010229T000000Z'), 'BAD_RANGE');
  });

  void it('converts UTC times to and from epoch milliseconds', () => {
    const t = parseUtcTime('20100217T143720.257Z');
    assert.equal(utcTimeToEpochMs(t), Date.parse('2010-02-17T14:37:20.257Z'));
    assert.deepEqual(utcTimeFromEpochMs(Date.parse('2010-02-17T14:37:20.257Z')), t);
    assert.deepEqual(utcTimeFromEpochMs(-1), { seconds: -1, nanos: 999_000_000 });
  });

  void it('rejects malformed ranges with BAD_RANGE', () => {
    const bad = [
      '',
      'npt',
      'npt=',
      'npt=-',
      'npt=1',
      'npt=1-2-3',
      'npt=abc-',
      'npt=-1-',
      'npt=1:60:00-',
      'npt=1:00:60-',
      'npt=Now-',
      'clock=20090615T114900-',
      'clock=20090615T114900.Z-',
      'clock=20090615T114900.1234567890Z-',
      'clock=20091315T114900Z-',
      'clock=20090631T114900Z-',
      'clock=20090615T244900Z-',
      'clock=20090615t114900z-',
      'smpte=10:60:00-',
      'smpte=10:00:00:30-',
      'smpte-25=10:00:00:25-',
      'smpte=1:2-',
      'utc=20090615T114900Z-',
      'npt=0-;time=yesterday',
      'npt=0-;time=19970123T143720Z;time=19970123T143720Z',
    ];
    for (const text of bad) throwsCode(() => parseRange(text), 'BAD_RANGE');
  });

  const utcArb = fc
    .record({
      seconds: fc.integer({ min: -62_167_219_200, max: 253_402_300_799 }), // years 0000..9999
      nanos: fc.integer({ min: 0, max: 999_999_999 }),
    })
    .map((t) => ({ ...t }));
  const nptArb = fc.oneof(
    fc.constant('now' as const),
    fc.integer({ min: 0, max: 10_000_000_000 }).map((ms) => ms / 1000),
    // Any double that prints without an exponent survives the trip exactly (shortest round-trip
    // printing); below 1e-6 npt keeps nanoseconds only, which is covered separately.
    fc.double({ min: 1e-6, max: 1e14, noNaN: true }),
  );
  const smpteArb = fc
    .record(
      {
        hours: fc.integer({ min: 0, max: 99 }),
        minutes: fc.integer({ min: 0, max: 59 }),
        seconds: fc.integer({ min: 0, max: 59 }),
        frames: fc.integer({ min: 0, max: 24 }),
        subframes: fc.integer({ min: 0, max: 99 }),
      },
      { requiredKeys: ['hours', 'minutes', 'seconds'] },
    )
    .map((t) => ({ ...t }));
  function openOrClosed<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<{ start?: T; end?: T }> {
    return fc
      .record({ start: arb, end: arb }, { requiredKeys: [] })
      .filter((r) => r.start !== undefined || r.end !== undefined)
      .map((r) => ({ ...r }));
  }
  const rangeArb: fc.Arbitrary<RangeHeader> = fc
    .tuple(
      fc.oneof(
        openOrClosed(nptArb).map((r) => ({ unit: 'npt' as const, ...r })),
        openOrClosed(utcArb).map((r) => ({ unit: 'clock' as const, ...r })),
        fc.tuple(fc.constantFrom('smpte' as const, 'smpte-30-drop' as const, 'smpte-25' as const), openOrClosed(smpteArb)).map(
          ([unit, r]) => ({ unit, ...r }),
        ),
      ),
      fc.option(utcArb, { nil: undefined }),
    )
    .map(([range, time]) => (time === undefined ? range : { ...range, time }) as RangeHeader);

  void it('round-trips generated ranges (fuzz)', () => {
    fc.assert(
      fc.property(rangeArb, (range) => {
        const text = serializeRange(range);
        assert.deepEqual(parseRange(text), range, text);
        assert.equal(serializeRange(parseRange(text)), text);
      }),
      { numRuns: 500 },
    );
  });

  void it('throws only RtspParseError on arbitrary text (fuzz)', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc
        .array(fc.constantFrom('npt', 'clock', 'smpte', '=', '-', ':', '.', ';time=', 'T', 'Z', '2009', '0615', '114900', 'now', '1', '59'), {
          maxLength: 14,
        })
        .map((p) => p.join('')),
    );
    fc.assert(
      fc.property(text, (value) => {
        onlyParseErrors(() => {
          const range = parseRange(value);
          assert.deepEqual(parseRange(serializeRange(range)), range);
        });
      }),
      { numRuns: 500 },
    );
  });
});

/** OSD date/time formats and POSIX time zones (with daylight saving rules). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DATE_FORMATS, formatLocal, osdText, parsePosixTz, TIME_FORMATS, utcOffsetSeconds } from '../../../src/southbound/simulated/osd-text.js';

// Wednesday, 6 March 2013, 14:14:21 UTC (the schema's own examples use this date).
const T = Date.UTC(2013, 2, 6, 14, 14, 21);

describe('OSD text', () => {
  test('every date format of tt:OSDTextConfiguration, as the schema documents them', () => {
    const expected = ['3/6/2013', '03/06/2013', '06/03/2013', '2013/03/06', '2013-03-06', 'Wednesday, March 06, 2013', 'March 06, 2013', '06 March, 2013'];
    assert.deepEqual(DATE_FORMATS.map((f) => formatLocal(f, T, 'UTC0')), expected);
  });

  test('every time format, 12 and 24 hours', () => {
    assert.deepEqual(TIME_FORMATS.map((f) => formatLocal(f, T, 'UTC0')), ['2:14:21 PM', '02:14:21 PM', '14:14:21', '14:14:21']);
    assert.equal(formatLocal('h:mm:ss tt', Date.UTC(2013, 2, 6, 0, 5, 0), 'UTC0'), '12:05:00 AM');
  });

  test('Plain, Date, Time and DateAndTime', () => {
    assert.equal(osdText({ type: 'Plain', plainText: 'Gate 3' }, T, 'UTC0'), 'Gate 3');
    assert.equal(osdText({ type: 'DateAndTime', dateFormat: 'yyyy-MM-dd', timeFormat: 'HH:mm:ss' }, T, 'UTC0'), '2013-03-06 14:14:21');
    assert.equal(osdText({ type: 'Time' }, T, 'UTC0'), '14:14:21');
  });

  test('POSIX zones: west-positive offsets, EU and US daylight saving, southern hemisphere, junk', () => {
    const cet = 'CET-1CEST,M3.5.0,M10.5.0/3';
    assert.equal(utcOffsetSeconds(cet, Date.UTC(2024, 0, 15)), 3600);
    assert.equal(utcOffsetSeconds(cet, Date.UTC(2024, 6, 15)), 7200);
    // 31 March 2024 01:00 UTC is the switch; one second before is still winter time.
    assert.equal(utcOffsetSeconds(cet, Date.UTC(2024, 2, 31, 0, 59, 59)), 3600);
    assert.equal(utcOffsetSeconds(cet, Date.UTC(2024, 2, 31, 1, 0, 0)), 7200);
    assert.equal(utcOffsetSeconds(cet, Date.UTC(2024, 9, 27, 0, 59, 59)), 7200);
    assert.equal(utcOffsetSeconds(cet, Date.UTC(2024, 9, 27, 1, 0, 0)), 3600);
    assert.equal(utcOffsetSeconds('EST5EDT,M3.2.0,M11.1.0', Date.UTC(2024, 6, 1)), -4 * 3600);
    assert.equal(utcOffsetSeconds('EST5EDT', Date.UTC(2024, 0, 1)), -5 * 3600, 'US default rules');
    assert.equal(utcOffsetSeconds('<+1030>-10:30<+11>-11,M10.1.0,M4.1.0', Date.UTC(2024, 0, 1)), 11 * 3600, 'Lord Howe summer');
    assert.equal(utcOffsetSeconds('IST-5:30', T), 5.5 * 3600);
    assert.deepEqual(parsePosixTz('nonsense'), { std: 0 });
    assert.equal(formatLocal('HH:mm', T, 'CET-1CEST,M3.5.0,M10.5.0/3'), '15:14');
  });

  test('property: any instant and zone formats without throwing and round-trips the UTC offset', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.constantFrom('UTC0', 'CET-1CEST,M3.5.0,M10.5.0/3', 'EST5EDT,M3.2.0,M11.1.0', 'JUNK', ''), (t, tz) => {
        const off = utcOffsetSeconds(tz, t);
        const s = formatLocal('yyyy-MM-dd HH:mm:ss', t, tz);
        assert.equal(s, new Date(t + off * 1000).toISOString().slice(0, 19).replace('T', ' '));
      }),
    );
  });
});

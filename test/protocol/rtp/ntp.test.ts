import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dateFromNtp, msFromNtp, ntpFromDate, ntpFromMs, ntpMiddle32 } from '../../../src/protocol/rtp/ntp.js';

test('known NTP values', () => {
  assert.equal(ntpFromMs(0), 2_208_988_800n << 32n); // Unix epoch
  // 2024-01-01T00:00:00.5Z: 1704067200 + 2208988800 = 3913056000 s, fraction 0.5 = 0x80000000.
  const ntp = ntpFromDate(new Date('2024-01-01T00:00:00.500Z'));
  assert.equal(ntp, (3_913_056_000n << 32n) | 0x8000_0000n);
  assert.equal(dateFromNtp(ntp).toISOString(), '2024-01-01T00:00:00.500Z');
  assert.equal(ntpMiddle32((0x11223344n << 32n) | 0x55667788n), 0x33445566);
});

test('the 2036 rollover: era 1 timestamps map back after the seconds field wraps', () => {
  const after = Date.UTC(2040, 0, 1);
  const ntp = ntpFromMs(after);
  assert.ok(ntp >> 32n < 0x8000_0000n);
  assert.equal(msFromNtp(ntp), after);
});

test('fuzz: ms → NTP → ms is exact to well under a microsecond from 1968 to 2104', () => {
  fc.assert(
    fc.property(fc.double({ min: -60_000_000_000, max: 4_000_000_000_000, noNaN: true }), (ms) => {
      assert.ok(Math.abs(msFromNtp(ntpFromMs(ms)) - ms) < 0.001);
    }),
  );
  assert.throws(() => ntpFromMs(Number.NaN), RangeError);
});

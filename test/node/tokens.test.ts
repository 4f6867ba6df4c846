import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { openDatabase } from '../../src/storage/db.js';
import { MAX_LOCAL_TOKEN, MAX_REMOTE_TOKEN, TokenMap } from '../../src/node/tokens.js';
import { parseDeviceId20 } from '../../src/node/device-id.js';
import { VigilError } from '../../src/core/errors.js';

function freshDb() {
  return openDatabase(join(mkdtempSync(join(tmpdir(), 'vigil-tokens-')), 'v.db'));
}

test('remote tokens are Prefix:Local, one prefix per device, and resolve back', () => {
  const tm = new TokenMap(freshDb());
  assert.equal(tm.registerDevice('cam-1'), 'cam-1');
  assert.equal(tm.registerDevice('cam 1!'), 'cam1');
  const r = tm.toRemote('cam-1', 'Profile_1');
  assert.equal(r, 'cam-1:Profile_1');
  assert.deepEqual(tm.toDevice(r), { deviceId: 'cam-1', deviceToken: 'Profile_1' });
  assert.equal(tm.deviceOf(r), 'cam-1');
});

test('device tokens that do not fit (colons, > 36 chars) get a short stable local token', () => {
  const tm = new TokenMap(freshDb());
  tm.registerDevice('lower-vss', 'site7');
  const long = 'x'.repeat(60);
  for (const deviceToken of ['P1:T1', long, 'has space']) {
    const r = tm.toRemote('lower-vss', deviceToken);
    assert.ok(r.length <= MAX_REMOTE_TOKEN);
    const local = r.slice('site7:'.length);
    assert.ok(local.length <= MAX_LOCAL_TOKEN && !local.includes(':'), r);
    assert.equal(tm.toDevice(r).deviceToken, deviceToken);
    assert.equal(tm.toRemote('lower-vss', deviceToken), r, 'stable');
  }
});

test('tokens this node did not issue are refused with InvalidArgVal (2-33 §6.3)', () => {
  const tm = new TokenMap(freshDb());
  tm.registerDevice('cam-1');
  tm.toRemote('cam-1', 'a');
  for (const foreign of ['cam-1:b', 'other:a', 'a', ':a', '', 'cam-1:']) {
    assert.throws(() => tm.toDevice(foreign), (e: unknown) => e instanceof VigilError && e.code === 'InvalidArgVal', foreign);
  }
  fc.assert(fc.property(fc.string({ maxLength: 80 }), (s) => {
    try {
      tm.toDevice(s);
      assert.equal(s, 'cam-1:a');
    } catch (e) {
      assert.ok(e instanceof VigilError);
    }
  }));
});

test('restarting (reopening the database) keeps every prefix and token identical', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-tokens-')), 'v.db');
  const db1 = openDatabase(file);
  const a = new TokenMap(db1);
  a.registerDevice('cam-1');
  a.registerDevice('cam-2', 'gate');
  const before = [a.toRemote('cam-1', 'p1'), a.toRemote('cam-2', 'P:Q'), a.toRemote('cam-2', 'y'.repeat(50))];
  db1.close();
  const b = new TokenMap(openDatabase(file));
  assert.equal(b.registerDevice('cam-1'), 'cam-1');
  assert.equal(b.registerDevice('cam-2'), 'gate', 'a configured prefix persists');
  assert.deepEqual([b.toRemote('cam-1', 'p1'), b.toRemote('cam-2', 'P:Q'), b.toRemote('cam-2', 'y'.repeat(50))], before);
});

test('prefix rules: length, characters, uniqueness; derived prefixes never collide', () => {
  const tm = new TokenMap(freshDb());
  assert.throws(() => tm.registerDevice('d1', 'has:colon'), VigilError);
  assert.throws(() => tm.registerDevice('d1', 'p'.repeat(28)), VigilError);
  tm.registerDevice('d1', 'site');
  assert.throws(() => tm.registerDevice('d2', 'site'), /already used/);
  assert.equal(tm.registerDevice('site'), 'site-2');
});

test('Annex A 20-digit IDs are validated field by field', () => {
  // The Annex's own example: IP camera No.15, Metro Line 1, ticket check 08 at station 10, city 320100.
  const id = parseDeviceId20('32010001071321008015'.slice(0, 20));
  assert.equal(id.deviceTypeCode, '132');
  assert.equal(id.agencyCode, '07');
  const cases: [string, RegExp][] = [
    ['3201000107132100801', /exactly 20 decimal digits/],
    ['00010001071321008015', /province '00'/],
    ['32010001151321008015', /agency code 15 is reserved 1/],
    ['32010001070991008015', /device type code 099/],
    ['32010001071329008015', /network ID 9 is reserved/],
  ];
  for (const [bad, re] of cases) assert.throws(() => parseDeviceId20(bad), re, bad);
  const tm = new TokenMap(freshDb());
  assert.equal(tm.registerDevice('ipc15', '32010001071321008015'), '32010001071321008015');
  assert.throws(() => tm.registerDevice('ipc16', '32010001151321008015'), /reserved/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DigestAuthority, expectedDigestResponse, parseAuthParams, parseDigestAuthorization } from '../../src/security/http-digest.js';
import { NonceCache, parseTimestamp, passwordDigest, readUsernameToken, verifyUsernameToken } from '../../src/security/usernametoken.js';
import { AuthThrottle } from '../../src/security/throttle.js';
import { isAllowed } from '../../src/security/access.js';
import { SecretBox, generatePassword, safeEqual } from '../../src/security/secrets.js';
import { parseXml } from '../../src/xml/parse.js';
import { digestAuthorization } from '../helpers/soap-client.js';

test('RFC 7616 §3.9.1 example vectors, MD5 and SHA-256', () => {
  const base = {
    username: 'Mufasa', realm: 'http-auth@example.org', nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    uri: '/dir/index.html', qop: 'auth', nc: '00000001', cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    opaque: undefined, response: '',
  };
  assert.equal(expectedDigestResponse({ ...base, algorithm: 'MD5' }, 'Circle of Life', 'GET'), '8ca523f5e9506fed4657c9700eebdbec');
  assert.equal(
    expectedDigestResponse({ ...base, algorithm: 'SHA-256' }, 'Circle of Life', 'GET'),
    '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
  );
});

test('Digest authority: accepts a good response once per nonce-count, rejects replays and forgeries', () => {
  const auth = new DigestAuthority({ realm: 'vigil' });
  const pw = (u: string) => (u === 'op' ? 'secret-pass' : undefined);
  const [sha] = auth.challenges();
  const h1 = digestAuthorization(sha!, { username: 'op', password: 'secret-pass' }, 'POST', '/onvif/device_service', 'SHA-256', 1);
  const c1 = parseDigestAuthorization(h1)!;
  assert.equal(auth.verify(c1, 'POST', '/onvif/device_service', pw), 'ok');
  assert.equal(auth.verify(c1, 'POST', '/onvif/device_service', pw), 'replay');
  const c2 = parseDigestAuthorization(digestAuthorization(sha!, { username: 'op', password: 'secret-pass' }, 'POST', '/onvif/device_service', 'SHA-256', 2))!;
  assert.equal(auth.verify(c2, 'POST', '/onvif/device_service', pw), 'ok');
  const wrong = parseDigestAuthorization(digestAuthorization(sha!, { username: 'op', password: 'nope' }, 'POST', '/onvif/device_service', 'SHA-256', 3))!;
  assert.equal(auth.verify(wrong, 'POST', '/onvif/device_service', pw), 'bad-password');
  const otherUri = parseDigestAuthorization(digestAuthorization(sha!, { username: 'op', password: 'secret-pass' }, 'POST', '/elsewhere', 'SHA-256', 4))!;
  assert.equal(auth.verify(otherUri, 'POST', '/onvif/device_service', pw), 'bad-request');
  // A nonce from another authority (different key) is forged.
  const foreign = new DigestAuthority({ realm: 'vigil' }).challenges()[0]!;
  const f = parseDigestAuthorization(digestAuthorization(foreign, { username: 'op', password: 'secret-pass' }, 'POST', '/onvif/device_service', 'SHA-256'))!;
  assert.equal(auth.verify(f, 'POST', '/onvif/device_service', pw), 'bad-nonce');
  // Expired nonce with the right password: stale (client retries with a fresh nonce).
  const old = auth.challenges(false, Date.now() - 10 * 60_000)[1]!;
  const s = parseDigestAuthorization(digestAuthorization(old, { username: 'op', password: 'secret-pass' }, 'POST', '/onvif/device_service', 'MD5'))!;
  assert.equal(auth.verify(s, 'POST', '/onvif/device_service', pw), 'stale-nonce');
});

test('auth-param parser handles quoting and refuses junk (fuzzed)', () => {
  assert.deepEqual([...parseAuthParams('a=1, b="x, \\"y\\"", c=z')!], [['a', '1'], ['b', 'x, "y"'], ['c', 'z']]);
  assert.equal(parseAuthParams('a="unterminated'), undefined);
  assert.equal(parseAuthParams('a=1, a=2'), undefined);
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => {
    parseAuthParams(s);
    parseDigestAuthorization(`Digest ${s}`);
  }), { numRuns: 2000 });
});

test('UsernameToken PasswordDigest matches the ONVIF programmer guide example', () => {
  assert.equal(passwordDigest(Buffer.from('LKqI6G/AikKCQrN0zqZFlg==', 'base64'), '2010-09-16T07:50:45Z', 'userpassword'), 'tuOSpGlFlIXsozq4HFNeeGeFLEI=');
});

function token(pw: string, created: string, nonce = 'LKqI6G/AikKCQrN0zqZFlg==', type = 'PasswordDigest') {
  const digest = type === 'PasswordDigest' ? passwordDigest(Buffer.from(nonce, 'base64'), created, pw) : pw;
  const header = parseXml(
    `<H xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><wsse:Security><wsse:UsernameToken><wsse:Username>u</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#${type}">${digest}</wsse:Password><wsse:Nonce>${nonce}</wsse:Nonce><wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security></H>`,
  );
  const t = readUsernameToken(header);
  assert.ok(t && typeof t === 'object');
  return t;
}

test('UsernameToken: freshness window, nonce replay, PasswordText only over TLS', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  const nonces = new NonceCache({ windowMs: 300_000 });
  const fresh = token('pw-123456', '2026-01-01T11:59:00Z');
  assert.equal(verifyUsernameToken(fresh, 'pw-123456', { secure: false, nonces, now }), 'ok');
  assert.equal(verifyUsernameToken(fresh, 'pw-123456', { secure: false, nonces, now }), 'replay');
  assert.equal(verifyUsernameToken(token('pw-123456', '2026-01-01T11:50:00Z', 'AAAAAAAAAAAAAAAAAAAAAA=='), 'pw-123456', { secure: false, nonces, now }), 'stale');
  assert.equal(verifyUsernameToken(token('pw-123456', '2026-01-01T12:10:00Z', 'AQAAAAAAAAAAAAAAAAAAAA=='), 'pw-123456', { secure: false, nonces, now }), 'stale');
  assert.equal(verifyUsernameToken(token('wrong', '2026-01-01T12:00:00Z', 'AgAAAAAAAAAAAAAAAAAAAA=='), 'pw-123456', { secure: false, nonces, now }), 'bad-password');
  const text = token('pw-123456', '2026-01-01T12:00:00Z', 'AwAAAAAAAAAAAAAAAAAAAA==', 'PasswordText');
  assert.equal(verifyUsernameToken(text, 'pw-123456', { secure: false, nonces, now }), 'text-needs-tls');
  assert.equal(verifyUsernameToken(text, 'pw-123456', { secure: true, nonces, now }), 'ok');
});

test('nonce cache stays bounded and never lets an evicted nonce back in', () => {
  const nonces = new NonceCache({ windowMs: 300_000, maxEntries: 100 });
  const now = 1_000_000_000;
  const first = Buffer.from('first-nonce');
  assert.equal(nonces.check(first, now - 1000, now), 'ok');
  for (let i = 0; i < 200; i++) assert.equal(nonces.check(Buffer.from(`n${i}`), now - 500 + i, now), 'ok');
  // 'first' was evicted: replaying it must still fail (as stale, because of the moving floor).
  assert.notEqual(nonces.check(first, now - 1000, now), 'ok');
});

test('throttle locks a source out after repeated failures, with growing lockouts', () => {
  let t = 0;
  const th = new AuthThrottle({ maxFailures: 3, windowMs: 60_000, lockMs: 1000, maxLockMs: 4000 }, () => t);
  th.recordFailure('a');
  th.recordFailure('a');
  assert.equal(th.lockedFor('a'), 0);
  th.recordFailure('a');
  assert.equal(th.lockedFor('a'), 1000);
  assert.equal(th.lockedFor('b'), 0);
  t = 1500;
  for (let i = 0; i < 3; i++) th.recordFailure('a');
  assert.equal(th.lockedFor('a'), 2000);
});

test('default access policy table (Core spec)', () => {
  assert.ok(isAllowed('Anonymous', 'PRE_AUTH'));
  assert.ok(!isAllowed('Anonymous', 'READ_SYSTEM'));
  assert.ok(isAllowed('User', 'READ_MEDIA'));
  assert.ok(!isAllowed('User', 'ACTUATE'));
  assert.ok(isAllowed('Operator', 'ACTUATE'));
  assert.ok(!isAllowed('Operator', 'WRITE_SYSTEM'));
  assert.ok(!isAllowed('Operator', 'READ_SYSTEM_SECRET'));
  assert.ok(isAllowed('Administrator', 'UNRECOVERABLE'));
});

test('secrets: sealing round trip, tamper detection, constant-time compare, password generator', () => {
  const box = new SecretBox(SecretBox.generateKey());
  const sealed = box.seal('hunter2-but-longer');
  assert.equal(box.open(sealed), 'hunter2-but-longer');
  const tampered = Buffer.from(sealed, 'base64');
  tampered[tampered.length - 1]! ^= 1;
  assert.throws(() => box.open(tampered.toString('base64')));
  assert.ok(safeEqual('abc', 'abc'));
  assert.ok(!safeEqual('abc', 'abd'));
  assert.ok(!safeEqual('abc', 'abcd'));
  const p = generatePassword();
  assert.equal(p.length, 24);
  assert.notEqual(p, generatePassword());
});

test('wsu:Created timestamps read exactly as Date.parse reads them', () => {
  for (const s of ['2026-11-21T19:54:33Z', '2026-11-21T19:54:33.123Z', '2024-02-29T00:00:00Z', '2023-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-04-31T10:00:00.000Z', '2026-11-21T24:00:00Z', '2026-11-21T19:54:33+01:00', '2026-11-21T19:54:33.5Z', '0050-01-01T00:00:00Z', 'junk', '2026-1x-21T19:54:33Z']) {
    assert.deepEqual(parseTimestamp(s), Date.parse(s), s);
  }
  fc.assert(
    fc.property(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }), fc.boolean(), (d, ms) => {
      const s = ms ? d.toISOString() : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
      assert.equal(parseTimestamp(s), Date.parse(s));
    }),
    { numRuns: 2000 },
  );
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  authParam,
  basicChallenge,
  digestChallenge,
  parseAuthorization,
  parseWwwAuthenticate,
  serializeAuthorization,
  serializeChallenge,
  serializeWwwAuthenticate,
  type AuthChallenge,
  type AuthParam,
  type Authorization,
} from '../../../../src/protocol/rtsp/headers/auth.js';
import { onlyParseErrors, throwsCode } from '../helpers.js';

void describe('WWW-Authenticate', () => {
  void it('parses the RFC 2617 §3.5 Digest challenge (folded onto one line)', () => {
    const [challenge, ...rest] = parseWwwAuthenticate(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    assert.equal(rest.length, 0);
    assert.equal(challenge!.scheme, 'Digest');
    assert.equal(authParam(challenge!, 'REALM'), 'testrealm@host.com');
    assert.equal(authParam(challenge!, 'qop'), 'auth,auth-int');
    assert.equal(authParam(challenge!, 'opaque'), '5ccc069c403ebaf9f0171e9517f40e41');
    assert.equal(authParam(challenge!, 'stale'), undefined);
  });

  void it('splits several challenges in one value (RFC 7235 §4.1 example) with escapes', () => {
    const challenges = parseWwwAuthenticate('Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"');
    assert.deepEqual(challenges, [
      {
        scheme: 'Newauth',
        params: [
          { name: 'realm', value: 'apps', quoted: true },
          { name: 'type', value: '1', quoted: false },
          { name: 'title', value: 'Login to "apps"', quoted: true },
        ],
      },
      { scheme: 'Basic', params: [{ name: 'realm', value: 'simple', quoted: true }] },
    ]);
    assert.equal(
      serializeWwwAuthenticate(challenges),
      'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"',
    );
  });

  void it('merges several header fields, token68 challenges and bare schemes', () => {
    const challenges = parseWwwAuthenticate(['Digest realm="IP Camera", nonce=abc/def==, algorithm=MD5', 'Basic realm="IP Camera"', 'Negotiate, Custom abc123==']);
    assert.deepEqual(challenges.map((c) => c.scheme), ['Digest', 'Basic', 'Negotiate', 'Custom']);
    assert.equal(authParam(challenges[0]!, 'nonce'), 'abc/def==');
    assert.equal(challenges[3]!.token68, 'abc123==');
    assert.equal(serializeChallenge(challenges[3]!), 'Custom abc123==');
  });

  void it('builds Digest and Basic challenges with RFC 7616 quoting', () => {
    assert.equal(
      serializeChallenge(digestChallenge({ realm: 'Vigil', nonce: 'n"1', opaque: 'o', algorithm: 'MD5', qop: 'auth', stale: true })),
      'Digest realm="Vigil", nonce="n\\"1", opaque="o", algorithm=MD5, qop="auth", stale=TRUE',
    );
    assert.equal(serializeChallenge(basicChallenge('Vigil')), 'Basic realm="Vigil"');
  });

  void it('rejects malformed challenges with BAD_AUTH', () => {
    // "Digest realm" and "Digest realm=" are token68 challenges by the grammar, not errors.
    assert.equal(parseWwwAuthenticate('Digest realm=')[0]!.token68, 'realm=');
    for (const text of ['', ',', 'Digest =', 'Digest ==', 'Digest realm="x', 'Digest realm="x" nonce="y"', 'Digest realm="a\u0001"', '"Digest"', 'Digest =x', 'Digest,realm="x"']) {
      throwsCode(() => parseWwwAuthenticate(text), 'BAD_AUTH');
    }
  });
});

void describe('Authorization', () => {
  void it('parses the RFC 2617 §3.5 Digest response', () => {
    const auth = parseAuthorization(
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    assert.deepEqual(auth, {
      scheme: 'digest',
      username: 'Mufasa',
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      uri: '/dir/index.html',
      response: '6629fae49393a05397450978507c4ef1',
      qop: 'auth',
      nc: '00000001',
      cnonce: '0a4f113b',
      opaque: '5ccc069c403ebaf9f0171e9517f40e41',
    });
    assert.equal(
      serializeAuthorization(auth),
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", response="6629fae49393a05397450978507c4ef1", qop=auth, nc=00000001, cnonce="0a4f113b", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
  });

  void it('parses an RTSP client Digest header with an rtsp:// uri and unquoted algorithm', () => {
    const auth = parseAuthorization(
      'Digest username="admin", realm="IP Camera(C1234)", nonce="d2a7f1c0e3", uri="rtsp://192.168.0.1:554/onvif1", response="8c1a0f3e", algorithm=MD5',
    );
    assert.ok(auth.scheme === 'digest');
    assert.equal(auth.uri, 'rtsp://192.168.0.1:554/onvif1');
    assert.equal(auth.algorithm, 'MD5');
  });

  void it('parses Basic credentials (RFC 7617 example), passwords with colons and UTF-8', () => {
    assert.deepEqual(parseAuthorization('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=='), { scheme: 'basic', username: 'Aladdin', password: 'open sesame' });
    assert.deepEqual(parseAuthorization('basic dTpwOnE='), { scheme: 'basic', username: 'u', password: 'p:q' });
    const utf8: Authorization = { scheme: 'basic', username: 'tëst', password: '€' };
    assert.deepEqual(parseAuthorization(serializeAuthorization(utf8)), utf8);
    assert.throws(() => serializeAuthorization({ scheme: 'basic', username: 'a:b', password: '' }), TypeError);
  });

  void it('rejects malformed or unsupported credentials with BAD_AUTH', () => {
    const bad = [
      'Basic',
      'Basic !!!!',
      'Basic dXNlcg==', // no colon
      'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ===',
      'Basic a',
      'Digest username="u", realm="r", nonce="n", uri="/"', // no response
      'Digest username="u", username="v", realm="r", nonce="n", uri="/", response="x"',
      'Digest abc==',
      'Bearer abc',
      'Basic dTpw, Basic dTpw',
    ];
    for (const text of bad) throwsCode(() => parseAuthorization(text), 'BAD_AUTH');
  });

  // eslint-disable-next-line no-control-regex
  const printable = fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s));
  const tokenValue = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);

  void it('round-trips generated challenges and credentials (fuzz)', () => {
    const param: fc.Arbitrary<AuthParam> = fc.oneof(
      fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), value: printable, quoted: fc.constant(true) }),
      fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), value: tokenValue, quoted: fc.constant(false) }),
    );
    const challenge: fc.Arbitrary<AuthChallenge> = fc.oneof(
      fc.record({ scheme: fc.stringMatching(/^[A-Z][a-z]{1,8}$/), params: fc.array(param.map((p) => ({ ...p })), { maxLength: 4 }) }),
      fc.record({
        scheme: fc.stringMatching(/^[A-Z][a-z]{1,8}$/),
        token68: fc.stringMatching(/^[A-Za-z0-9\-._~+/]{1,16}={0,2}$/),
        params: fc.constant<AuthParam[]>([]),
      }),
    ).map((c) => ({ ...c }));
    fc.assert(fc.property(fc.array(challenge, { minLength: 1, maxLength: 3 }), (challenges) => {
      assert.deepEqual(parseWwwAuthenticate(serializeWwwAuthenticate(challenges)), challenges);
    }), { numRuns: 300 });

    const digest: fc.Arbitrary<Authorization> = fc
      .record(
        {
          scheme: fc.constant('digest' as const),
          username: printable,
          realm: printable,
          nonce: printable,
          uri: printable,
          response: printable,
          algorithm: tokenValue,
          qop: tokenValue,
          nc: tokenValue,
          cnonce: printable,
          opaque: printable,
        },
        { requiredKeys: ['scheme', 'username', 'realm', 'nonce', 'uri', 'response'] },
      )
      .map((d) => ({ ...d }));
    const basic: fc.Arbitrary<Authorization> = fc
      .record({ scheme: fc.constant('basic' as const), username: printable.filter((u) => !u.includes(':')), password: printable })
      .map((b) => ({ ...b }));
    fc.assert(fc.property(fc.oneof(digest, basic), (auth) => {
      assert.deepEqual(parseAuthorization(serializeAuthorization(auth)), auth);
    }), { numRuns: 300 });
  });

  void it('throws only RtspParseError on arbitrary text (fuzz)', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc
        .array(fc.constantFrom('Digest', 'Basic', ' ', ',', '=', '"', '\\', 'realm', 'nonce', 'abc', '==', 'dTpw'), { maxLength: 16 })
        .map((p) => p.join('')),
    );
    fc.assert(
      fc.property(text, (value) => {
        onlyParseErrors(() => parseAuthorization(value));
        onlyParseErrors(() => {
          const challenges = parseWwwAuthenticate(value);
          assert.deepEqual(parseWwwAuthenticate(serializeWwwAuthenticate(challenges)).length, challenges.length);
        });
      }),
      { numRuns: 500 },
    );
  });
});

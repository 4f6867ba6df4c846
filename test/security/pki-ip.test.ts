/**
 * IP literal parsing/formatting and DNS-name validation used for subjectAltName entries.
 */
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalIpAddress, formatIpAddress, normalizeDnsName, parseIpAddress, PkiError } from '../../src/security/pki.js';

function isPkiError(code: string) {
  return (error: unknown) => error instanceof PkiError && error.code === code;
}

describe('parseIpAddress / formatIpAddress', () => {
  const vectors: Array<[string, string, string]> = [
    // input, bytes (hex), canonical text
    ['127.0.0.1', '7f000001', '127.0.0.1'],
    ['0.0.0.0', '00000000', '0.0.0.0'],
    ['255.255.255.255', 'ffffffff', '255.255.255.255'],
    ['::', '0'.repeat(32), '::'],
    ['::1', `${'0'.repeat(30)}01`, '::1'],
    ['0:0:0:0:0:0:0:1', `${'0'.repeat(30)}01`, '::1'],
    ['2001:DB8::0:1', '20010db8000000000000000000000001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '20010db8000000000001000000000001', '2001:db8::1:0:0:1'], // first longest run (RFC 5952 4.2.3)
    ['2001:db8:0:1:1:1:1:1', '20010db8000000010001000100010001', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed
    ['fe80::', 'fe800000000000000000000000000000', 'fe80::'],
    ['::ffff:192.0.2.1', '00000000000000000000ffffc0000201', '::ffff:192.0.2.1'],
    ['::ffff:c000:201', '00000000000000000000ffffc0000201', '::ffff:192.0.2.1'],
    ['::192.0.2.1', '000000000000000000000000c0000201', '::c000:201'],
    ['1:2:3:4:5:6:1.2.3.4', '00010002000300040005000601020304', '1:2:3:4:5:6:102:304'],
  ];
  for (const [input, hex, canonical] of vectors) {
    it(`${input} → ${canonical}`, () => {
      assert.equal(Buffer.from(parseIpAddress(input)).toString('hex'), hex);
      assert.equal(canonicalIpAddress(input), canonical);
    });
  }

  const invalid = [
    '', ' ', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.-4', '1..2.3', '127.1', '0x7f.0.0.1',
    ':', ':::', '1:::2', '1::2::3', '12345::', 'g::', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8',
    '::1.2.3', '::1.2.3.4.5', '1.2.3.4::', 'fe80::1%eth0', '[::1]', '::ffff:256.0.0.1', ':1.2.3.4', '1::2:', 'x'.repeat(100),
  ];
  for (const input of invalid) {
    it(`rejects ${JSON.stringify(input.length > 20 ? `${input.substring(0, 20)}…` : input)}`, () => {
      assert.throws(() => parseIpAddress(input), isPkiError('PKI_INVALID_IP'));
    });
  }

  it('formatIpAddress rejects lengths other than 4 and 16', () => {
    for (const length of [0, 3, 5, 8, 15, 17, 32]) assert.throws(() => formatIpAddress(new Uint8Array(length)), isPkiError('PKI_INVALID_IP'));
  });

  it('property: bytes → text → bytes round-trips, and the text is one Node also accepts', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), sparseIpv6()), (bytes) => {
        const text = formatIpAddress(bytes);
        assert.deepEqual(parseIpAddress(text), bytes);
        assert.equal(isIP(text), bytes.length === 4 ? 4 : 6);
        assert.equal(canonicalIpAddress(text), text, 'canonical text is a fixed point');
      }),
      { numRuns: 2000 },
    );
  });

  it('property: agrees with Node on which IPv6 texts are valid, and on their bytes', () => {
    fc.assert(
      fc.property(fc.ipV6(), (text) => {
        const bytes = parseIpAddress(text);
        assert.equal(bytes.length, 16);
        assert.equal(isIP(text), 6);
        assert.deepEqual(parseIpAddress(formatIpAddress(bytes)), bytes);
      }),
      { numRuns: 1000 },
    );
    fc.assert(fc.property(fc.ipV4(), (text) => assert.equal(canonicalIpAddress(text), text)), { numRuns: 500 });
  });

  it('fuzz: arbitrary text never raises anything but PkiError, and accepted text is a valid IP for Node', () => {
    const alphabet = fc.constantFrom(...'0123456789abcdefABCDEF:.%[]x -'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: alphabet, maxLength: 45 })), (text) => {
        try {
          parseIpAddress(text);
        } catch (error) {
          if (error instanceof PkiError && error.code === 'PKI_INVALID_IP') return;
          throw error;
        }
        assert.notEqual(isIP(text), 0, `accepted ${JSON.stringify(text)} which Node rejects`);
      }),
      { numRuns: 5000 },
    );
  });
});

/** IPv6 addresses with runs of zero groups, where compression choices matter. */
function sparseIpv6(): fc.Arbitrary<Uint8Array> {
  return fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }).map((groups) => {
    const bytes = new Uint8Array(16);
    groups.forEach((group, index) => {
      bytes[index * 2] = group >> 8;
      bytes[index * 2 + 1] = group & 0xff;
    });
    return bytes;
  });
}

describe('normalizeDnsName', () => {
  it('lower-cases, drops a trailing dot, accepts wildcards and underscores', () => {
    assert.equal(normalizeDnsName('NVR.Example.'), 'nvr.example');
    assert.equal(normalizeDnsName('*.cams.example'), '*.cams.example');
    assert.equal(normalizeDnsName('_onvif.local'), '_onvif.local');
    assert.equal(normalizeDnsName('localhost'), 'localhost');
    assert.equal(normalizeDnsName(`${'a'.repeat(63)}.example`), `${'a'.repeat(63)}.example`);
  });

  for (const bad of ['', '.', 'a..b', '-a.example', 'a-.example', 'a b', 'café.example', '*', 'a.*.example', '*.', `${'a'.repeat(64)}.example`, `${'a.'.repeat(127)}a`, '1.2.3.4:80']) {
    it(`rejects ${JSON.stringify(bad.length > 20 ? `${bad.substring(0, 20)}…` : bad)}`, () => {
      assert.throws(() => normalizeDnsName(bad), isPkiError('PKI_INVALID_NAME'));
    });
  }

  it('fuzz: never raises anything but PkiError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.domain()), (text) => {
        try {
          normalizeDnsName(text);
        } catch (error) {
          if (!(error instanceof PkiError)) throw error;
        }
      }),
      { numRuns: 2000 },
    );
    fc.assert(fc.property(fc.domain(), (name) => assert.equal(normalizeDnsName(name), name.toLowerCase())), { numRuns: 500 });
  });
});

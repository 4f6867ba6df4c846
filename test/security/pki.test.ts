/**
 * Certificate issuing and description (src/security/pki.ts), checked with Node's X509Certificate
 * and `openssl verify` / `openssl x509` as independent readers.
 */
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  createCa,
  DEFAULT_LEAF_VALIDITY_DAYS,
  describeCertificate,
  issueClientCert,
  issueServerCert,
  PkiError,
  subjectCommonName,
  verifyCa,
  type CertificateAndKey,
  type IssuedServerCertificate,
} from '../../src/security/pki.js';
import { x509 } from '../../src/security/pki/x509.js';
import { run, withTempDir, writeFiles } from './pki-test-helpers.js';

const DAY_MS = 86_400_000;

function isPkiError(code: string) {
  return (error: unknown) => error instanceof PkiError && error.code === code;
}

async function opensslText(pem: string): Promise<string> {
  return withTempDir(async (dir) => {
    const files = await writeFiles(dir, { 'c.pem': pem });
    const result = await run('openssl', ['x509', '-in', files['c.pem']!, '-noout', '-text']);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout;
  });
}

async function opensslVerify(caPem: string, leafPem: string, extra: string[]) {
  return withTempDir(async (dir) => {
    const files = await writeFiles(dir, { 'ca.pem': caPem, 'leaf.pem': leafPem });
    return run('openssl', ['verify', '-CAfile', files['ca.pem']!, ...extra, files['leaf.pem']!]);
  });
}

/** The text openssl prints after an extension heading, up to the next heading. */
function extensionText(text: string, heading: string): string {
  const start = text.indexOf(heading);
  assert.notEqual(start, -1, `missing ${heading}`);
  return text.substring(start, start + 300).split('\n').slice(0, 2).join('\n');
}

describe('createCa', () => {
  let ca: CertificateAndKey;
  before(async () => {
    ca = await createCa({ commonName: 'Vigil Root', organization: 'Vigil Project', validityDays: 100 });
  });

  it('is a self-signed ECDSA P-256 CA with critical basicConstraints and keyUsage, and an SKI', async () => {
    const certificate = new X509Certificate(ca.certPem);
    assert.equal(certificate.ca, true);
    assert.equal(certificate.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.ok(certificate.verify(certificate.publicKey), 'self-signed');
    assert.ok(certificate.checkPrivateKey(createPrivateKey(ca.keyPem)));
    assert.match(ca.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    const text = await opensslText(ca.certPem);
    assert.match(extensionText(text, 'X509v3 Basic Constraints'), /critical\n\s+CA:TRUE/);
    assert.match(extensionText(text, 'X509v3 Key Usage'), /critical\n\s+Certificate Sign, CRL Sign$/);
    assert.match(text, /X509v3 Subject Key Identifier/);
    assert.match(text, /Signature Algorithm: ecdsa-with-SHA256/);
    assert.match(text, /Subject: O = Vigil Project, CN = Vigil Root/);
  });

  it('honours validityDays and uses a 16-byte positive serial', () => {
    const description = describeCertificate(ca.certPem);
    const days = (description.notAfter.getTime() - description.notBefore.getTime()) / DAY_MS;
    assert.ok(days > 100 && days <= 100.05, `validity ${days} days`);
    assert.match(description.serial, /^[4-7][0-9a-f]{31}$/);
  });

  it('passes verifyCa, and verifyCa refuses a leaf or a foreign key', async () => {
    await verifyCa(ca);
    const leaf = await issueClientCert(ca, { commonName: 'leaf' });
    await assert.rejects(verifyCa(leaf), isPkiError('PKI_NOT_A_CA'));
    const other = await createCa({ commonName: 'Other' });
    await assert.rejects(verifyCa({ certPem: ca.certPem, keyPem: other.keyPem }), isPkiError('PKI_KEY_MISMATCH'));
  });

  it('refuses bad options', async () => {
    await assert.rejects(createCa({ commonName: '' }), isPkiError('PKI_INVALID_NAME'));
    await assert.rejects(createCa({ commonName: 'x'.repeat(65) }), isPkiError('PKI_INVALID_NAME'));
    await assert.rejects(createCa({ commonName: 'line\nbreak' }), isPkiError('PKI_INVALID_NAME'));
    await assert.rejects(createCa({ commonName: 'ok', validityDays: 0 }), isPkiError('PKI_INVALID_OPTIONS'));
    await assert.rejects(createCa({ commonName: 'ok', validityDays: 1.5 }), isPkiError('PKI_INVALID_OPTIONS'));
  });
});

describe('issueServerCert / issueClientCert', () => {
  let ca: CertificateAndKey;
  let server: IssuedServerCertificate;

  before(async () => {
    ca = await createCa({ commonName: 'Vigil Issuing CA' });
    server = await issueServerCert(ca, {
      commonName: 'nvr.local',
      dnsNames: ['nvr.local', 'NVR.example.', '*.cams.example', 'nvr.local'],
      ipAddresses: ['192.0.2.10', '2001:db8:0:0:0:0:0:1', '::ffff:192.0.2.10'],
    });
  });

  it('carries the SANs (normalized, de-duplicated), EKU serverAuth, AKI = CA SKI, CA:FALSE', async () => {
    const description = describeCertificate(server.certPem);
    assert.deepEqual(description.sans, {
      dnsNames: ['nvr.local', 'nvr.example', '*.cams.example'],
      ipAddresses: ['192.0.2.10', '2001:db8::1', '::ffff:192.0.2.10'],
    });
    const leafText = await opensslText(server.certPem);
    const caText = await opensslText(ca.certPem);
    assert.match(extensionText(leafText, 'X509v3 Extended Key Usage'), /TLS Web Server Authentication$/);
    assert.match(extensionText(leafText, 'X509v3 Basic Constraints'), /critical\n\s+CA:FALSE/);
    assert.match(extensionText(leafText, 'X509v3 Key Usage'), /critical\n\s+Digital Signature$/);
    assert.match(leafText, /IP Address:192\.0\.2\.10, IP Address:2001:DB8:0:0:0:0:0:1, IP Address:0:0:0:0:0:FFFF:C000:20A/);
    const ski = /X509v3 Subject Key Identifier: ?\n\s+([0-9A-F:]+)/.exec(caText)?.[1];
    const aki = /X509v3 Authority Key Identifier: ?\n\s+(?:keyid:)?([0-9A-F:]+)/.exec(leafText)?.[1];
    assert.ok(ski);
    assert.equal(aki, ski);
  });

  it('openssl verifies the server certificate for sslserver, by name and by IP; Node checks host and IP', async () => {
    assert.equal((await opensslVerify(ca.certPem, server.certPem, ['-purpose', 'sslserver', '-verify_hostname', 'nvr.local'])).code, 0);
    assert.equal((await opensslVerify(ca.certPem, server.certPem, ['-purpose', 'sslserver', '-verify_hostname', 'cam7.cams.example'])).code, 0);
    assert.equal((await opensslVerify(ca.certPem, server.certPem, ['-purpose', 'sslserver', '-verify_ip', '2001:db8::1'])).code, 0);
    assert.notEqual((await opensslVerify(ca.certPem, server.certPem, ['-purpose', 'sslclient'])).code, 0, 'not a client certificate');
    assert.notEqual((await opensslVerify(ca.certPem, server.certPem, ['-verify_hostname', 'other.example'])).code, 0);
    const certificate = new X509Certificate(server.certPem);
    assert.equal(certificate.checkHost('NVR.EXAMPLE'), 'nvr.example'); // returns the matching SAN
    assert.equal(certificate.checkIP('192.0.2.10'), '192.0.2.10');
    assert.equal(certificate.checkIP('192.0.2.11'), undefined);
    assert.ok(certificate.checkIssued(new X509Certificate(ca.certPem)));
    assert.ok(certificate.checkPrivateKey(createPrivateKey(server.keyPem)));
  });

  it('returns chainPem = leaf then CA', () => {
    assert.equal(server.chainPem, server.certPem + ca.certPem);
  });

  it('issues client certificates with EKU clientAuth that openssl accepts for sslclient only', async () => {
    const client = await issueClientCert(ca, { commonName: 'Operator Ünal', organization: 'Site 3' });
    assert.equal((await opensslVerify(ca.certPem, client.certPem, ['-purpose', 'sslclient'])).code, 0);
    assert.notEqual((await opensslVerify(ca.certPem, client.certPem, ['-purpose', 'sslserver'])).code, 0);
    assert.equal(subjectCommonName(client.certPem), 'Operator Ünal');
    assert.deepEqual(describeCertificate(client.certPem).sans, { dnsNames: [], ipAddresses: [] });
    const text = await opensslText(client.certPem);
    assert.match(extensionText(text, 'X509v3 Extended Key Usage'), /TLS Web Client Authentication$/);
  });

  it('gives every certificate a distinct 16-byte positive serial', async () => {
    const serials = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const serial = describeCertificate((await issueClientCert(ca, { commonName: `c${i}` })).certPem).serial;
      assert.match(serial, /^[4-7][0-9a-f]{31}$/);
      serials.add(serial);
    }
    assert.equal(serials.size, 20);
  });

  it('defaults to 397 days and never outlives the CA', async () => {
    const leaf = describeCertificate(server.certPem);
    const days = (leaf.notAfter.getTime() - Date.now()) / DAY_MS;
    assert.ok(days > DEFAULT_LEAF_VALIDITY_DAYS - 1 && days <= DEFAULT_LEAF_VALIDITY_DAYS);
    const shortCa = await createCa({ commonName: 'Short CA', validityDays: 10 });
    const capped = await issueClientCert(shortCa, { commonName: 'capped', validityDays: 365 });
    assert.equal(describeCertificate(capped.certPem).notAfter.getTime(), describeCertificate(shortCa.certPem).notAfter.getTime());
  });

  it('keeps awkward distinguished-name values verbatim', async () => {
    const awkward = 'Cam, "Nord" #1 + a=b \\ ü';
    const odd = await createCa({ commonName: awkward, organization: '#hash, org' });
    const leaf = await issueClientCert(odd, { commonName: awkward });
    assert.equal(subjectCommonName(odd.certPem), awkward);
    assert.equal(subjectCommonName(leaf.certPem), awkward);
    // The leaf's issuer must equal the CA's subject byte for byte for chain building to work.
    assert.ok(new X509Certificate(leaf.certPem).checkIssued(new X509Certificate(odd.certPem)));
    assert.equal((await opensslVerify(odd.certPem, leaf.certPem, [])).code, 0);
  });

  it('refuses bad requests with typed errors', async () => {
    const base = { commonName: 'x', dnsNames: ['x.example'], ipAddresses: [] as string[] };
    await assert.rejects(issueServerCert(ca, { ...base, dnsNames: [] }), isPkiError('PKI_INVALID_OPTIONS'));
    await assert.rejects(issueServerCert(ca, { ...base, dnsNames: ['bad name'] }), isPkiError('PKI_INVALID_NAME'));
    await assert.rejects(issueServerCert(ca, { ...base, dnsNames: ['-lead.example'] }), isPkiError('PKI_INVALID_NAME'));
    await assert.rejects(issueServerCert(ca, { ...base, dnsNames: ['café.example'] }), isPkiError('PKI_INVALID_NAME'));
    await assert.rejects(issueServerCert(ca, { ...base, ipAddresses: ['10.0.0.256'] }), isPkiError('PKI_INVALID_IP'));
    await assert.rejects(issueServerCert(ca, { ...base, validityDays: -1 }), isPkiError('PKI_INVALID_OPTIONS'));
    const leaf = await issueClientCert(ca, { commonName: 'not a ca' });
    await assert.rejects(issueServerCert(leaf, base), isPkiError('PKI_NOT_A_CA'));
    const other = await createCa({ commonName: 'Other' });
    await assert.rejects(issueServerCert({ certPem: ca.certPem, keyPem: other.keyPem }, base), isPkiError('PKI_KEY_MISMATCH'));
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    await assert.rejects(issueServerCert({ certPem: ca.certPem, keyPem: rsa }, base), isPkiError('PKI_UNSUPPORTED_KEY'));
    await assert.rejects(issueServerCert({ certPem: ca.certPem, keyPem: 'nope' }, base), isPkiError('PKI_INVALID_KEY'));
    await assert.rejects(issueServerCert({ certPem: 'nope', keyPem: ca.keyPem }, base), isPkiError('PKI_INVALID_PEM'));
  });

  it('refuses to issue from an expired CA', async () => {
    // Build a CA whose validity ended yesterday, with the library directly.
    const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const expired = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=Expired CA',
      keys,
      notBefore: new Date(Date.now() - 10 * DAY_MS),
      notAfter: new Date(Date.now() - DAY_MS),
      extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
    });
    const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
    const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64')}\n-----END PRIVATE KEY-----\n`;
    await assert.rejects(issueClientCert({ certPem: expired.toString('pem'), keyPem }, { commonName: 'late' }), isPkiError('PKI_CA_EXPIRED'));
  });
});

describe('describeCertificate / subjectCommonName', () => {
  let ca: CertificateAndKey;
  before(async () => {
    ca = await createCa({ commonName: 'Describe CA', organization: 'Vigil' });
  });

  it('agrees with Node’s X509Certificate', () => {
    const node = new X509Certificate(ca.certPem);
    const description = describeCertificate(ca.certPem);
    assert.equal(description.fingerprintSha256, node.fingerprint256);
    assert.equal(description.serial, node.serialNumber.toLowerCase());
    assert.equal(description.notBefore.getTime(), Date.parse(node.validFrom));
    assert.equal(description.notAfter.getTime(), Date.parse(node.validTo));
    assert.equal(description.subject, 'O=Vigil, CN=Describe CA');
    assert.equal(description.issuer, description.subject);
  });

  it('accepts PEM, DER, Node and @peculiar X509Certificate objects, and uses the first PEM of a chain', async () => {
    const node = new X509Certificate(ca.certPem);
    assert.equal(subjectCommonName(ca.certPem), 'Describe CA');
    assert.equal(subjectCommonName(node), 'Describe CA');
    assert.equal(subjectCommonName(node.raw), 'Describe CA');
    assert.equal(subjectCommonName(new x509.X509Certificate(node.raw)), 'Describe CA');
    const leaf = await issueServerCert(ca, { commonName: 'first', dnsNames: ['first.example'], ipAddresses: [] });
    assert.equal(subjectCommonName(leaf.chainPem), 'first');
  });

  it('returns undefined for a subject without a commonName', async () => {
    const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const noCn = await x509.X509CertificateGenerator.createSelfSigned({ name: 'O=Only Org', keys });
    assert.equal(subjectCommonName(noCn.toString('pem')), undefined);
  });

  it('throws typed errors for truncated or corrupted input', () => {
    const der = new X509Certificate(ca.certPem).raw;
    for (const cut of [0, 1, 10, der.length >> 1, der.length - 1]) {
      assert.throws(() => describeCertificate(der.subarray(0, cut)), isPkiError('PKI_INVALID_CERTIFICATE'), `cut at ${cut}`);
    }
    assert.throws(() => describeCertificate(''), isPkiError('PKI_INVALID_PEM'));
    assert.throws(() => describeCertificate('-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n'), isPkiError('PKI_INVALID_PEM'));
  });

  it('fuzz: arbitrary bytes, mutated certificates and strings only ever raise PkiError', () => {
    const der = new X509Certificate(ca.certPem).raw;
    const onlyPkiErrors = (input: string | Uint8Array) => {
      try {
        const description = describeCertificate(input);
        assert.equal(typeof description.fingerprintSha256, 'string');
        subjectCommonName(input);
      } catch (error) {
        if (!(error instanceof PkiError)) throw error;
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), onlyPkiErrors), { numRuns: 300 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(der.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => {
        const mutated = Buffer.from(der);
        for (const [offset, value] of edits) mutated[offset] = value;
        onlyPkiErrors(mutated);
      }),
      { numRuns: 500 },
    );
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => onlyPkiErrors(`-----BEGIN CERTIFICATE-----\n${text}\n-----END CERTIFICATE-----`)), { numRuns: 200 });
    fc.assert(fc.property(fc.base64String({ maxLength: 400 }), (text) => onlyPkiErrors(`-----BEGIN CERTIFICATE-----\n${text}\n-----END CERTIFICATE-----`)), { numRuns: 200 });
  });
});

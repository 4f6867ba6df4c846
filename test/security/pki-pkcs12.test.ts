/**
 * PKCS#12 export: read back by `openssl pkcs12` and by Node's TLS stack; the PKCS#12 KDF is
 * checked against OpenSSL's own implementation (`openssl kdf PKCS12KDF`).
 */
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { before, describe, it } from 'node:test';
import tls from 'node:tls';
import { id_data } from '@peculiar/asn1-cms';
import { AuthenticatedSafe, CertBag, PFX, SafeContents, id_certBag, id_pkcs8ShroudedKeyBag } from '@peculiar/asn1-pfx';
import { FriendlyName, id_pkcs9_at_friendlyName } from '@peculiar/asn1-pkcs9';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import fc from 'fast-check';
import {
  bmpPassword,
  createCa,
  issueClientCert,
  issueServerCert,
  PKCS12_ITERATIONS,
  pkcs12Kdf,
  PkiError,
  toPkcs12,
  type CertificateAndKey,
  type IssuedServerCertificate,
  type Pkcs12KdfHash,
} from '../../src/security/pki.js';
import { run, withTempDir, writeFiles } from './pki-test-helpers.js';

const PASSWORD = 'correct horse battery staple';

function pemBlocks(text: string, label: string): string[] {
  return [...text.matchAll(new RegExp(`-----BEGIN ${label}-----[^-]+-----END ${label}-----`, 'g'))].map((match) => match[0]);
}

function sameCertificate(a: string, b: string): boolean {
  return new X509Certificate(a).raw.equals(new X509Certificate(b).raw);
}

async function opensslInfo(p12: Buffer, password: string) {
  return withTempDir(async (dir) => {
    const files = await writeFiles(dir, { 'x.p12': p12 });
    return run('openssl', ['pkcs12', '-in', files['x.p12']!, '-passin', `pass:${password}`, '-nodes', '-info']);
  });
}

/** Decodes our own output with the asn1 schemas: the bags in file order. */
function decodeBags(p12: Buffer) {
  const pfx = AsnConvert.parse(p12, PFX);
  assert.equal(pfx.version, 3);
  assert.equal(pfx.authSafe.contentType, id_data);
  const authenticatedSafe = AsnConvert.parse(AsnConvert.parse(pfx.authSafe.content, OctetString), AuthenticatedSafe);
  const bags = [];
  for (const contentInfo of authenticatedSafe) {
    assert.equal(contentInfo.contentType, id_data);
    bags.push(...AsnConvert.parse(AsnConvert.parse(contentInfo.content, OctetString), SafeContents));
  }
  return { pfx, bags };
}

async function assertThrowsPki(fn: () => unknown, code: string): Promise<void> {
  await assert.rejects(async () => fn(), (error: unknown) => error instanceof PkiError && error.code === code);
}

describe('toPkcs12', () => {
  let ca: CertificateAndKey;
  let server: IssuedServerCertificate;

  before(async () => {
    ca = await createCa({ commonName: 'Vigil PKCS12 CA' });
    server = await issueServerCert(ca, { commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  });

  it('is read by openssl pkcs12 with the expected algorithms, certificates and key', async () => {
    const p12 = toPkcs12({ certPem: server.certPem, keyPem: server.keyPem, caCertPem: ca.certPem, password: PASSWORD, friendlyName: 'Vigil server' });
    const result = await opensslInfo(p12, PASSWORD);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`MAC: sha256, Iteration ${PKCS12_ITERATIONS}`));
    assert.match(result.stderr, new RegExp(`Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration ${PKCS12_ITERATIONS}, PRF hmacWithSHA256`));
    assert.equal((result.stderr.match(/Certificate bag/g) ?? []).length, 2);
    const certificates = pemBlocks(result.stdout, 'CERTIFICATE');
    assert.equal(certificates.length, 2);
    assert.ok(sameCertificate(certificates[0]!, server.certPem), 'leaf first');
    assert.ok(sameCertificate(certificates[1]!, ca.certPem), 'then the CA');
    const [keyPem] = pemBlocks(result.stdout, 'PRIVATE KEY');
    assert.ok(keyPem);
    assert.ok(new X509Certificate(server.certPem).checkPrivateKey(createPrivateKey(keyPem)));
    // The leaf and its key carry the same localKeyID and friendlyName; the CA carries neither.
    const localKeyIds = [...result.stdout.matchAll(/localKeyID: ([0-9A-F ]+)/g)].map((match) => match[1]?.trim());
    assert.equal(localKeyIds.length, 2);
    assert.equal(localKeyIds[0], localKeyIds[1]);
    assert.equal((result.stdout.match(/friendlyName: Vigil server/g) ?? []).length, 2);
  });

  it('rejects the wrong password in openssl (MAC check) and in Node', async () => {
    const p12 = toPkcs12({ certPem: server.certPem, keyPem: server.keyPem, password: PASSWORD });
    const result = await opensslInfo(p12, 'not the password');
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Mac verify error/);
    assert.throws(() => tls.createSecureContext({ pfx: p12, passphrase: 'not the password' }), /mac verify failure/i);
  });

  it('handles non-ASCII passwords the way openssl and Node expect (UTF-8 for PBES2, UTF-16 for the MAC)', async () => {
    const password = 'pässwört € 😀';
    const p12 = toPkcs12({ certPem: server.certPem, keyPem: server.keyPem, password });
    const result = await opensslInfo(p12, password);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(pemBlocks(result.stdout, 'PRIVATE KEY').length, 1);
    assert.doesNotThrow(() => tls.createSecureContext({ pfx: p12, passphrase: password }));
  });

  it('serves TLS from Node with tls.createSecureContext({ pfx, passphrase })', async () => {
    const p12 = toPkcs12({ certPem: server.certPem, keyPem: server.keyPem, caCertPem: ca.certPem, password: PASSWORD });
    assert.doesNotThrow(() => tls.createSecureContext({ pfx: p12, passphrase: PASSWORD }));
    const tlsServer = tls.createServer({ pfx: p12, passphrase: PASSWORD }, (socket) => {
      socket.on('error', () => undefined);
      socket.end('from-pfx\n');
    });
    tlsServer.listen(0, '127.0.0.1');
    await once(tlsServer, 'listening');
    try {
      const client = tls.connect({ host: '127.0.0.1', port: (tlsServer.address() as AddressInfo).port, servername: 'localhost', ca: ca.certPem });
      client.setEncoding('utf8');
      let received = '';
      client.on('data', (chunk: string) => (received += chunk));
      await once(client, 'end');
      assert.equal(client.authorized, true);
      assert.equal(received, 'from-pfx\n');
      client.destroy();
    } finally {
      tlsServer.close();
    }
  });

  it('writes the documented structure: leaf + CA cert bags, one shrouded key bag, HMAC-SHA256 MAC', () => {
    const p12 = toPkcs12({ certPem: server.certPem, keyPem: server.keyPem, caCertPem: ca.certPem, password: PASSWORD, friendlyName: 'Kamera Süd ☃' });
    const { pfx, bags } = decodeBags(p12);
    assert.equal(pfx.macData.iterations, PKCS12_ITERATIONS);
    assert.equal(pfx.macData.mac.digestAlgorithm.algorithm, '2.16.840.1.101.3.4.2.1');
    assert.equal(pfx.macData.mac.digest.byteLength, 32);
    assert.deepEqual(bags.map((bag) => bag.bagId), [id_certBag, id_certBag, id_pkcs8ShroudedKeyBag]);
    const leafBag = AsnConvert.parse(bags[0]!.bagValue, CertBag);
    assert.ok(Buffer.from(AsnConvert.parse(leafBag.certValue, OctetString).buffer).equals(new X509Certificate(server.certPem).raw));
    // The friendlyName survives as a BMPString, including characters outside Latin-1.
    const friendly = bags[0]!.bagAttributes?.find((attribute) => attribute.attrId === id_pkcs9_at_friendlyName);
    assert.ok(friendly?.attrValues[0]);
    assert.equal(AsnConvert.parse(friendly.attrValues[0], FriendlyName).value, 'Kamera Süd ☃');
    assert.equal(bags[1]!.bagAttributes, undefined);
  });

  it('omits the CA when none is given, and includes every certificate of a CA chain', () => {
    assert.equal(decodeBags(toPkcs12({ certPem: server.certPem, keyPem: server.keyPem, password: PASSWORD })).bags.length, 2);
    const chain = ca.certPem + ca.certPem;
    assert.equal(decodeBags(toPkcs12({ certPem: server.certPem, keyPem: server.keyPem, caCertPem: chain, password: PASSWORD })).bags.length, 4);
  });

  it('refuses bad input with typed errors', async () => {
    const client = await issueClientCert(ca, { commonName: 'someone' });
    await assertThrowsPki(() => toPkcs12({ certPem: server.certPem, keyPem: client.keyPem, password: PASSWORD }), 'PKI_KEY_MISMATCH');
    await assertThrowsPki(() => toPkcs12({ certPem: server.certPem, keyPem: server.keyPem, password: '' }), 'PKI_INVALID_OPTIONS');
    await assertThrowsPki(() => toPkcs12({ certPem: server.certPem, keyPem: server.keyPem, password: 'a\u0000b' }), 'PKI_INVALID_OPTIONS');
    await assertThrowsPki(() => toPkcs12({ certPem: server.certPem, keyPem: server.keyPem, password: 'a\ud800b' }), 'PKI_INVALID_OPTIONS');
    await assertThrowsPki(() => toPkcs12({ certPem: 'no pem here', keyPem: server.keyPem, password: PASSWORD }), 'PKI_INVALID_PEM');
    await assertThrowsPki(() => toPkcs12({ certPem: server.certPem, keyPem: 'garbage', password: PASSWORD }), 'PKI_INVALID_KEY');
    const truncated = server.certPem.replace(/^(-----BEGIN CERTIFICATE-----\n)(.{64}\n){3}/, '$1');
    await assertThrowsPki(() => toPkcs12({ certPem: truncated, keyPem: server.keyPem, password: PASSWORD }), 'PKI_INVALID_CERTIFICATE');
  });
});

describe('PKCS#12 KDF (RFC 7292 Appendix B)', () => {
  it('encodes passwords as big-endian BMPString with a zero terminator', () => {
    assert.equal(bmpPassword('p').toString('hex'), '00700000');
    assert.equal(bmpPassword('€').toString('hex'), '20ac0000');
    assert.equal(bmpPassword('😀').toString('hex'), 'd83dde000000'); // surrogate pair, as OpenSSL writes it
  });

  async function opensslKdf(hash: Pkcs12KdfHash, password: Uint8Array, salt: Uint8Array, id: number, iterations: number, length: number): Promise<string> {
    const result = await run('openssl', [
      'kdf', '-keylen', String(length), '-kdfopt', `digest:${hash.toUpperCase()}`, '-kdfopt', `hexpass:${Buffer.from(password).toString('hex')}`,
      '-kdfopt', `hexsalt:${Buffer.from(salt).toString('hex')}`, '-kdfopt', `iter:${iterations}`, '-kdfopt', `id:${id}`, 'PKCS12KDF',
    ]);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout.trim().replace(/:/g, '').toLowerCase();
  }

  const vectors: Array<[Pkcs12KdfHash, string, string, number, number, number]> = [
    ['sha256', 'password', '0102030405060708', 3, 2048, 32], // the MAC key toPkcs12 derives
    ['sha256', 'pässwört € 😀', '00', 3, 1, 32],
    ['sha256', 'x', '0102030405060708090a0b0c0d0e0f10', 1, 3, 80], // several output blocks: exercises the I_j update
    ['sha1', 'smeg', '0a58cf64530d823f', 1, 1, 24],
    ['sha512', 'a much longer password that spans more than one sixty-four byte block', 'ff'.repeat(65), 2, 5, 200],
  ];
  for (const [hash, password, saltHex, id, iterations, length] of vectors) {
    it(`matches openssl for ${hash}, id ${id}, ${iterations} iteration(s), ${length} bytes`, async () => {
      const salt = Buffer.from(saltHex, 'hex');
      const ours = pkcs12Kdf(hash, bmpPassword(password), salt, id, iterations, length).toString('hex');
      assert.equal(ours, await opensslKdf(hash, bmpPassword(password), salt, id, iterations, length));
    });
  }

  it('matches openssl for random inputs (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Pkcs12KdfHash>('sha1', 'sha256', 'sha512'),
        fc.uint8Array({ minLength: 0, maxLength: 150 }),
        fc.uint8Array({ minLength: 1, maxLength: 150 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 150 }),
        async (hash, password, salt, id, iterations, length) => {
          const ours = pkcs12Kdf(hash, password, salt, id, iterations, length).toString('hex');
          assert.equal(ours, await opensslKdf(hash, password, salt, id, iterations, length));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('rejects nonsensical parameters', () => {
    assert.throws(() => pkcs12Kdf('sha256', bmpPassword('p'), Buffer.alloc(8), 3, 0, 32), (error: unknown) => error instanceof PkiError && error.code === 'PKI_INVALID_OPTIONS');
    assert.throws(() => pkcs12Kdf('sha256', bmpPassword('p'), Buffer.alloc(8), 3, 1, -1), (error: unknown) => error instanceof PkiError && error.code === 'PKI_INVALID_OPTIONS');
  });
});

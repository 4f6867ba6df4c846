/**
 * ensureNodePki: first-run creation, idempotent loading, permissions, and the rules for
 * reissuing the server certificate.
 */
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmod, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  createCa,
  describeCertificate,
  ensureNodePki,
  issueServerCert,
  NODE_PKI_FILES,
  PkiError,
  type NodePki,
} from '../../src/security/pki.js';
import { withTempDir } from './pki-test-helpers.js';

const POSIX = process.platform !== 'win32';
const OPTIONS = { hostnames: ['nvr.local', 'localhost'], ips: ['127.0.0.1', '::1'] };

function isPkiError(code: string) {
  return (error: unknown) => error instanceof PkiError && error.code === code;
}

async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

async function readStore(dir: string): Promise<Record<keyof typeof NODE_PKI_FILES, string>> {
  return {
    caCert: await readFile(join(dir, NODE_PKI_FILES.caCert), 'utf8'),
    caKey: await readFile(join(dir, NODE_PKI_FILES.caKey), 'utf8'),
    serverCert: await readFile(join(dir, NODE_PKI_FILES.serverCert), 'utf8'),
    serverKey: await readFile(join(dir, NODE_PKI_FILES.serverKey), 'utf8'),
  };
}

function assertServerValid(pki: NodePki): void {
  const server = new X509Certificate(pki.serverCertPem);
  assert.ok(server.checkIssued(new X509Certificate(pki.caCertPem)));
  assert.ok(server.verify(new X509Certificate(pki.caCertPem).publicKey));
  assert.ok(server.checkPrivateKey(createPrivateKey(pki.serverKeyPem)));
}

describe('ensureNodePki', () => {
  it('creates the CA and server files on first call, with 0600 keys and no temp files left', () =>
    withTempDir(async (root) => {
      const dir = join(root, 'nested', 'pki');
      const pki = await ensureNodePki(dir, OPTIONS);
      assert.equal(pki.created, true);
      assert.equal(pki.serverIssued, 'missing');
      assert.deepEqual((await readdir(dir)).sort(), ['ca.key', 'ca.pem', 'server.key', 'server.pem']);
      const stored = await readStore(dir);
      assert.equal(stored.caCert, pki.caCertPem);
      assert.equal(stored.caKey, pki.caKeyPem);
      assert.equal(stored.serverCert, pki.serverCertPem);
      assert.equal(stored.serverKey, pki.serverKeyPem);
      if (POSIX) {
        assert.equal(await mode(join(dir, 'ca.key')), 0o600);
        assert.equal(await mode(join(dir, 'server.key')), 0o600);
        assert.equal(await mode(join(dir, 'ca.pem')), 0o644);
        assert.equal(await mode(join(dir, 'server.pem')), 0o644);
        assert.equal(await mode(dir), 0o700);
      }
      assertServerValid(pki);
      assert.equal(new X509Certificate(pki.caCertPem).ca, true);
      assert.match(describeCertificate(pki.caCertPem).subject, /^CN=Vigil Local CA [0-9a-f]{8}$/);
      assert.deepEqual(describeCertificate(pki.serverCertPem).sans, { dnsNames: ['nvr.local', 'localhost'], ipAddresses: ['127.0.0.1', '::1'] });
    }));

  it('loads the same certificates on later calls (idempotent)', () =>
    withTempDir(async (dir) => {
      const first = await ensureNodePki(dir, OPTIONS);
      const second = await ensureNodePki(dir, OPTIONS);
      const third = await ensureNodePki(dir, { hostnames: ['LOCALHOST'], ips: ['0:0:0:0:0:0:0:1'] }); // a subset, spelled differently
      for (const later of [second, third]) {
        assert.equal(later.created, false);
        assert.equal(later.serverIssued, null);
        assert.equal(later.caCertPem, first.caCertPem);
        assert.equal(later.caKeyPem, first.caKeyPem);
        assert.equal(later.serverCertPem, first.serverCertPem);
        assert.equal(later.serverKeyPem, first.serverKeyPem);
      }
    }));

  it('reissues the server certificate (same CA, new key) when a requested name is not covered', () =>
    withTempDir(async (dir) => {
      const first = await ensureNodePki(dir, OPTIONS);
      const renamed = await ensureNodePki(dir, { hostnames: ['nvr.local', 'nvr.example'], ips: ['127.0.0.1'] });
      assert.equal(renamed.created, false);
      assert.equal(renamed.serverIssued, 'names-changed');
      assert.equal(renamed.caCertPem, first.caCertPem);
      assert.notEqual(renamed.serverCertPem, first.serverCertPem);
      assert.notEqual(renamed.serverKeyPem, first.serverKeyPem);
      assert.deepEqual(describeCertificate(renamed.serverCertPem).sans, { dnsNames: ['nvr.local', 'nvr.example'], ipAddresses: ['127.0.0.1'] });
      assertServerValid(renamed);
      const stored = await readStore(dir);
      assert.equal(stored.serverCert, renamed.serverCertPem);
      assert.equal(stored.serverKey, renamed.serverKeyPem);

      const newIp = await ensureNodePki(dir, { hostnames: ['nvr.local'], ips: ['192.0.2.5'] });
      assert.equal(newIp.serverIssued, 'names-changed');
      assert.deepEqual(describeCertificate(newIp.serverCertPem).sans.ipAddresses, ['192.0.2.5']);
      assert.equal((await ensureNodePki(dir, { hostnames: ['nvr.local'], ips: ['192.0.2.5'] })).serverIssued, null);
    }));

  it('reissues a server certificate that expires within 30 days', () =>
    withTempDir(async (dir) => {
      const first = await ensureNodePki(dir, OPTIONS);
      const ca = { certPem: first.caCertPem, keyPem: first.caKeyPem };
      const short = await issueServerCert(ca, { commonName: 'nvr.local', dnsNames: OPTIONS.hostnames, ipAddresses: OPTIONS.ips, validityDays: 29 });
      await writeFile(join(dir, 'server.pem'), short.certPem);
      await writeFile(join(dir, 'server.key'), short.keyPem, { mode: 0o600 });
      const renewed = await ensureNodePki(dir, OPTIONS);
      assert.equal(renewed.serverIssued, 'expiring');
      assert.ok(describeCertificate(renewed.serverCertPem).notAfter.getTime() > Date.now() + 300 * 86_400_000);

      const fine = await issueServerCert(ca, { commonName: 'nvr.local', dnsNames: OPTIONS.hostnames, ipAddresses: OPTIONS.ips, validityDays: 31 });
      await writeFile(join(dir, 'server.pem'), fine.certPem);
      await writeFile(join(dir, 'server.key'), fine.keyPem, { mode: 0o600 });
      const kept = await ensureNodePki(dir, OPTIONS);
      assert.equal(kept.serverIssued, null);
      assert.equal(kept.serverCertPem, fine.certPem);
    }));

  it('reissues a server certificate that is missing, unreadable, mismatched or from another CA', () =>
    withTempDir(async (dir) => {
      const first = await ensureNodePki(dir, OPTIONS);
      await rm(join(dir, 'server.key'));
      assert.equal((await ensureNodePki(dir, OPTIONS)).serverIssued, 'missing');

      await writeFile(join(dir, 'server.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
      assert.equal((await ensureNodePki(dir, OPTIONS)).serverIssued, 'unreadable');

      await writeFile(join(dir, 'server.key'), first.caKeyPem, { mode: 0o600 }); // a valid key, but not the server's
      assert.equal((await ensureNodePki(dir, OPTIONS)).serverIssued, 'key-mismatch');

      const stranger = await createCa({ commonName: 'Stranger' });
      const foreign = await issueServerCert(stranger, { commonName: 'nvr.local', dnsNames: OPTIONS.hostnames, ipAddresses: OPTIONS.ips });
      await writeFile(join(dir, 'server.pem'), foreign.certPem);
      await writeFile(join(dir, 'server.key'), foreign.keyPem, { mode: 0o600 });
      const fixed = await ensureNodePki(dir, OPTIONS);
      assert.equal(fixed.serverIssued, 'other-issuer');
      assert.equal(fixed.caCertPem, first.caCertPem);
      assertServerValid(fixed);
    }));

  it('narrows key files that became group/world readable back to 0600', () =>
    withTempDir(async (dir) => {
      await ensureNodePki(dir, OPTIONS);
      await chmod(join(dir, 'ca.key'), 0o644);
      await chmod(join(dir, 'server.key'), 0o640);
      await ensureNodePki(dir, OPTIONS);
      assert.equal(await mode(join(dir, 'ca.key')), 0o600);
      assert.equal(await mode(join(dir, 'server.key')), 0o600);
    }));

  it('never replaces the CA: half a CA or a broken CA is an error for the operator', () =>
    withTempDir(async (dir) => {
      const first = await ensureNodePki(dir, OPTIONS);
      await rm(join(dir, 'ca.key'));
      await assert.rejects(ensureNodePki(dir, OPTIONS), isPkiError('PKI_STORE_INCOMPLETE'));
      assert.equal(await readFile(join(dir, 'ca.pem'), 'utf8'), first.caCertPem, 'left untouched');

      await writeFile(join(dir, 'ca.key'), first.serverKeyPem, { mode: 0o600 }); // wrong key for the CA
      await assert.rejects(ensureNodePki(dir, OPTIONS), isPkiError('PKI_STORE_CORRUPT'));
      await writeFile(join(dir, 'ca.key'), 'garbage', { mode: 0o600 });
      await assert.rejects(ensureNodePki(dir, OPTIONS), isPkiError('PKI_STORE_CORRUPT'));

      await writeFile(join(dir, 'ca.key'), first.caKeyPem, { mode: 0o600 });
      await rm(join(dir, 'ca.pem'));
      await assert.rejects(ensureNodePki(dir, OPTIONS), isPkiError('PKI_STORE_INCOMPLETE'));
    }));

  it('validates the requested names before touching the disk', () =>
    withTempDir(async (root) => {
      const dir = join(root, 'never-created');
      await assert.rejects(ensureNodePki(dir, { hostnames: [], ips: [] }), isPkiError('PKI_INVALID_OPTIONS'));
      await assert.rejects(ensureNodePki(dir, { hostnames: ['bad name'], ips: [] }), isPkiError('PKI_INVALID_NAME'));
      await assert.rejects(ensureNodePki(dir, { hostnames: [], ips: ['300.1.1.1'] }), isPkiError('PKI_INVALID_IP'));
      await assert.rejects(stat(dir), { code: 'ENOENT' });
    }));

  it('uses caCommonName and organization when creating the CA, and an IP as CN when there is no hostname', () =>
    withTempDir(async (dir) => {
      const pki = await ensureNodePki(dir, { hostnames: [], ips: ['192.0.2.9'], caCommonName: 'Site 7 CA', organization: 'Example Ltd' });
      assert.equal(describeCertificate(pki.caCertPem).subject, 'O=Example Ltd, CN=Site 7 CA');
      assert.equal(describeCertificate(pki.serverCertPem).subject, 'CN=192.0.2.9');
    }));
});

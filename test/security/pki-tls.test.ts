/**
 * Interop: certificates from src/security/pki.ts used for real TLS with mutual authentication,
 * against Node's TLS stack and `openssl s_client`.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { before, describe, it } from 'node:test';
import tls from 'node:tls';
import { createCa, issueClientCert, issueServerCert, type CertificateAndKey, type IssuedServerCertificate } from '../../src/security/pki.js';
import { runUntil, withTempDir, writeFiles } from './pki-test-helpers.js';

const GREETING = 'vigil-ok';

interface Rejection {
  authorizationError: string | undefined;
}

/**
 * A mutual-TLS server that greets every authorized client and records what it saw. It never
 * closes first: the client closes once greeted, so TLS shutdown is clean on both sides.
 */
class MutualTlsServer {
  readonly accepted: string[] = [];
  readonly rejected: Rejection[] = [];
  private readonly server: tls.Server;

  constructor(server: IssuedServerCertificate, ca: CertificateAndKey) {
    this.server = tls.createServer(
      { cert: server.chainPem, key: server.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true },
      (socket) => {
        this.accepted.push(String(socket.getPeerCertificate().subject?.CN));
        socket.on('error', () => undefined);
        socket.resume(); // read (and discard) input, so the client's close is seen and answered
        socket.write(`${GREETING}\n`);
      },
    );
    this.server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: tls.TLSSocket) => {
      void error; // "socket hang up": the useful part is why the peer was not authorized
      this.rejected.push({ authorizationError: socket.authorizationError?.toString() });
    });
  }

  async listen(): Promise<number> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as AddressInfo).port;
  }

  /** The first rejected handshake (each negative test uses its own server, so it is that test's). */
  async firstRejection(): Promise<Rejection> {
    if (this.rejected.length === 0) await once(this.server, 'tlsClientError');
    return this.rejected[0]!;
  }

  async close(): Promise<void> {
    const closed = once(this.server, 'close');
    this.server.close();
    await closed;
  }
}

interface ClientOutcome {
  authorized: boolean;
  received: string;
  error: NodeJS.ErrnoException | undefined;
}

/** Connects with Node's TLS client and reads until the server closes or an error occurs. */
async function nodeClient(options: tls.ConnectionOptions): Promise<ClientOutcome> {
  const socket = tls.connect(options);
  let received = '';
  let authorized = false;
  socket.setEncoding('utf8');
  socket.on('secureConnect', () => (authorized = socket.authorized));
  socket.on('data', (chunk: string) => {
    received += chunk;
    if (received.includes('\n')) socket.end();
  });
  const [error] = await Promise.race([once(socket, 'close').then(() => [undefined]), once(socket, 'error')]);
  socket.destroy();
  return { authorized, received, error: error as NodeJS.ErrnoException | undefined };
}

describe('mutual TLS with issued certificates', () => {
  let ca: CertificateAndKey;
  let otherCa: CertificateAndKey;
  let serverCert: IssuedServerCertificate;
  let goodClient: CertificateAndKey;
  let foreignClient: CertificateAndKey;

  before(async () => {
    ca = await createCa({ commonName: 'Vigil Test CA', organization: 'Vigil' });
    otherCa = await createCa({ commonName: 'Vigil Test CA', organization: 'Vigil' }); // same name on purpose: only the key differs
    serverCert = await issueServerCert(ca, { commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'] });
    goodClient = await issueClientCert(ca, { commonName: 'operator-1', organization: 'Vigil' });
    foreignClient = await issueClientCert(otherCa, { commonName: 'intruder', organization: 'Vigil' });
  });

  /** A fresh server per test, so every event it records belongs to that test. */
  async function withServer(body: (server: MutualTlsServer, port: number) => Promise<void>): Promise<void> {
    const server = new MutualTlsServer(serverCert, ca);
    const port = await server.listen();
    try {
      await body(server, port);
    } finally {
      await server.close();
    }
  }

  function sClientArgs(port: number, files: Record<string, string>, extra: string[]): string[] {
    return ['s_client', '-connect', `127.0.0.1:${port}`, '-verify_return_error', '-CAfile', files['ca.pem']!, '-cert', files['client.pem']!, '-key', files['client.key']!, ...extra];
  }

  it('Node client verifies the server by DNS name and authenticates with its client certificate', () =>
    withServer(async (server, port) => {
      const outcome = await nodeClient({ host: '127.0.0.1', port, servername: 'localhost', ca: ca.certPem, cert: goodClient.certPem, key: goodClient.keyPem });
      assert.equal(outcome.error, undefined);
      assert.equal(outcome.authorized, true);
      assert.equal(outcome.received, `${GREETING}\n`);
      assert.deepEqual(server.accepted, ['operator-1']);
    }));

  it('Node client verifies the server by its IP subjectAltName (no servername)', () =>
    withServer(async (_server, port) => {
      const outcome = await nodeClient({ host: '127.0.0.1', port, ca: ca.certPem, cert: goodClient.certPem, key: goodClient.keyPem });
      assert.equal(outcome.error, undefined);
      assert.equal(outcome.authorized, true);
      assert.equal(outcome.received, `${GREETING}\n`);
    }));

  it('Node client refuses a name the certificate does not carry', () =>
    withServer(async (_server, port) => {
      const outcome = await nodeClient({ host: '127.0.0.1', port, servername: 'camera.example', ca: ca.certPem, cert: goodClient.certPem, key: goodClient.keyPem });
      assert.equal(outcome.error?.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
      assert.equal(outcome.received, '');
    }));

  it('Node client refuses the server when it trusts only another CA with the same name', () =>
    withServer(async (_server, port) => {
      const outcome = await nodeClient({ host: '127.0.0.1', port, servername: 'localhost', ca: otherCa.certPem, cert: goodClient.certPem, key: goodClient.keyPem });
      assert.match(String(outcome.error?.code), /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_SIGNATURE_FAILURE/);
      assert.equal(outcome.received, '');
    }));

  it('server rejects a Node client whose certificate comes from another CA', () =>
    withServer(async (server, port) => {
      const outcome = await nodeClient({ host: '127.0.0.1', port, servername: 'localhost', ca: ca.certPem, cert: foreignClient.certPem, key: foreignClient.keyPem });
      assert.equal(outcome.received, '');
      const rejection = await server.firstRejection();
      assert.match(String(rejection.authorizationError), /UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_SIGNATURE_FAILURE/);
      assert.deepEqual(server.accepted, []);
    }));

  for (const protocol of [[], ['-tls1_2']]) {
    const label = protocol.length ? 'TLS 1.2' : 'TLS 1.3';

    it(`openssl s_client (${label}) with a client certificate from the same CA is accepted`, () =>
      withServer((server, port) =>
        withTempDir(async (dir) => {
          const files = await writeFiles(dir, { 'ca.pem': ca.certPem, 'client.pem': goodClient.certPem, 'client.key': goodClient.keyPem });
          const args = sClientArgs(port, files, ['-servername', 'localhost', '-verify_hostname', 'localhost', ...protocol]);
          const result = await runUntil('openssl', args, 'hello\n', new RegExp(GREETING));
          assert.equal(result.code, 0, result.stderr);
          assert.match(result.stdout, new RegExp(GREETING));
          assert.match(result.stdout, /Verify return code: 0 \(ok\)/);
          assert.deepEqual(server.accepted, ['operator-1']);
        }),
      ));

    it(`openssl s_client (${label}) with a client certificate from another CA is refused`, () =>
      withServer((server, port) =>
        withTempDir(async (dir) => {
          const files = await writeFiles(dir, { 'ca.pem': ca.certPem, 'client.pem': foreignClient.certPem, 'client.key': foreignClient.keyPem });
          const args = sClientArgs(port, files, ['-servername', 'localhost', ...protocol]);
          const result = await runUntil('openssl', args, 'hello\n', new RegExp(GREETING));
          assert.notEqual(result.code, 0);
          assert.doesNotMatch(result.stdout, new RegExp(GREETING));
          const rejection = await server.firstRejection();
          assert.match(String(rejection.authorizationError), /UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_SIGNATURE_FAILURE/);
          assert.deepEqual(server.accepted, []);
        }),
      ));
  }

  it('openssl s_client verifies the server certificate by IP address', () =>
    withServer((server, port) =>
      withTempDir(async (dir) => {
        const files = await writeFiles(dir, { 'ca.pem': ca.certPem, 'client.pem': goodClient.certPem, 'client.key': goodClient.keyPem });
        const result = await runUntil('openssl', sClientArgs(port, files, ['-verify_ip', '127.0.0.1']), 'hello\n', new RegExp(GREETING));
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /Verify return code: 0 \(ok\)/);
        assert.deepEqual(server.accepted, ['operator-1']);
      }),
    ));

  it('openssl s_client refuses the server for an IP address it does not carry', () =>
    withServer((_server, port) =>
      withTempDir(async (dir) => {
        const files = await writeFiles(dir, { 'ca.pem': ca.certPem, 'client.pem': goodClient.certPem, 'client.key': goodClient.keyPem });
        const result = await runUntil('openssl', sClientArgs(port, files, ['-verify_ip', '192.0.2.7']), 'hello\n', new RegExp(GREETING));
        assert.notEqual(result.code, 0);
        assert.doesNotMatch(result.stdout, new RegExp(GREETING));
        assert.match(result.stdout + result.stderr, /IP address mismatch/);
      }),
    ));
});

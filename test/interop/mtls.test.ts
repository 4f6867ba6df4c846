/**
 * Mutual TLS: openssl s_client with a client certificate from the node's CA gets through and is
 * identified as the user its CN names; one from another CA is refused in the handshake.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import { createCa, issueClientCert } from '../../src/security/pki/issue.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { envelope } from '../helpers/soap-client.js';

let t: TestNode;
const dir = mkdtempSync(join(tmpdir(), 'vigil-mtls-'));
let caPem: string;

before(async () => {
  t = await startTestNode({ tls: { clientCertMode: 'required' } });
  caPem = t.node.caCertPem;
  writeFileSync(join(dir, 'ca.pem'), caPem);
  const nodeCa = { certPem: caPem, keyPem: readFileSync(join(t.dataDir, 'pki', 'ca.key'), 'utf8') };
  const good = await issueClientCert(nodeCa, { commonName: 'admin', organization: 'Police' });
  writeFileSync(join(dir, 'good.pem'), good.certPem);
  writeFileSync(join(dir, 'good.key'), good.keyPem);
  const otherCa = await createCa({ commonName: 'Some Other CA' });
  const bad = await issueClientCert(otherCa, { commonName: 'admin' });
  writeFileSync(join(dir, 'bad.pem'), bad.certPem);
  writeFileSync(join(dir, 'bad.key'), bad.keyPem);
});
after(async () => {
  await t.stop();
});

function sClient(cert: string | undefined, input: string): Promise<{ code: number; out: string }> {
  const args = ['s_client', '-connect', `127.0.0.1:${t.node.httpsPort}`, '-CAfile', join(dir, 'ca.pem'), '-servername', 'localhost', '-ign_eof'];
  if (cert) args.push('-cert', join(dir, `${cert}.pem`), '-key', join(dir, `${cert}.key`));
  return new Promise((resolve) => {
    const p = spawn('openssl', args);
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => resolve({ code: code ?? -1, out }));
    p.stdin.end(input);
  });
}

const body = envelope('<GetUsers xmlns="http://www.onvif.org/ver10/device/wsdl"/>');
const httpReq = `POST /onvif/device_service HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/soap+xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;

test('openssl s_client: certificate from the node CA is accepted and authenticates as its CN', async () => {
  const r = await sClient('good', httpReq);
  assert.match(r.out, /Verify return code: 0 \(ok\)/);
  assert.match(r.out, /HTTP\/1\.1 200 OK/);
  assert.match(r.out, /<tt:Username>admin<\/tt:Username>/);
  assert.ok(t.node.audit.recent(5).some((e) => e.authMethod === 'mtls' && e.operation === 'GetUsers'));
});

test('openssl s_client: certificate from another CA is refused in the handshake', async () => {
  const r = await sClient('bad', httpReq);
  assert.doesNotMatch(r.out, /HTTP\/1\.1 200/);
  assert.match(r.out, /alert|handshake failure|unknown ca|certificate/i);
});

test('openssl s_client: no certificate at all is refused when mTLS is required', async () => {
  const r = await sClient(undefined, httpReq);
  assert.doesNotMatch(r.out, /HTTP\/1\.1 200/);
});

test('node https client with the PKCS#12-issued pair is served', async () => {
  const res = await new Promise<number>((resolve, reject) => {
    const req = request(
      `https://127.0.0.1:${t.node.httpsPort}/onvif/device_service`,
      {
        method: 'POST', ca: caPem, servername: 'localhost', cert: readFileSync(join(dir, 'good.pem')), key: readFileSync(join(dir, 'good.key')),
        headers: { 'content-type': 'application/soap+xml' },
      },
      (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
  assert.equal(res, 200);
});

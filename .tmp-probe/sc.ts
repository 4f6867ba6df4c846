import tls from 'node:tls';
import { once } from 'node:events';
import { createCa, issueServerCert, issueClientCert } from '../src/security/pki.js';
import { run, withTempDir, writeFiles } from '../test/security/pki-test-helpers.js';
const ca = await createCa({ commonName: 'CA' });
const other = await createCa({ commonName: 'Other' });
const srv = await issueServerCert(ca, { commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
const good = await issueClientCert(ca, { commonName: 'good' });
const bad = await issueClientCert(other, { commonName: 'bad' });
const server = tls.createServer({ cert: srv.chainPem, key: srv.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (s) => { console.log('server: secure', s.authorized, s.getPeerCertificate().subject); s.end('vigil-ok\n'); });
server.on('tlsClientError', (e, s) => console.log('server tlsClientError', (e as NodeJS.ErrnoException).code, e.message, s.authorizationError));
server.listen(0, '127.0.0.1'); await once(server, 'listening');
const port = (server.address() as import('node:net').AddressInfo).port;
await withTempDir(async (dir) => {
  const p = await writeFiles(dir, { 'ca.pem': ca.certPem, 'good.pem': good.certPem, 'good.key': good.keyPem, 'bad.pem': bad.certPem, 'bad.key': bad.keyPem });
  for (const who of ['good', 'bad']) for (const v of [[], ['-tls1_2']]) {
    const r = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', p['ca.pem']!, '-cert', p[`${who}.pem`]!, '-key', p[`${who}.key`]!, '-verify_return_error', '-verify_hostname', 'localhost', '-servername', 'localhost', '-ign_eof', ...v], 'hello\n');
    console.log(who, v, 'code', r.code, 'vigil-ok?', r.stdout.includes('vigil-ok'), r.stdout.match(/Verify return code.*/)?.[0], '\nSTDERR:', r.stderr.trim().split('\n').slice(-3).join(' | '));
  }
});
server.close();

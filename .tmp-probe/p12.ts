import { writeFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { createCa, issueServerCert } from '../src/security/pki/issue.js';
import { toPkcs12 } from '../src/security/pki/pkcs12.js';
const ca = await createCa({ commonName: 'CA' });
const srv = await issueServerCert(ca, { commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: [] });
const p12 = toPkcs12({ certPem: srv.certPem, keyPem: srv.keyPem, caCertPem: ca.certPem, password: 'pässwört €', friendlyName: 'Vigil ü' });
writeFileSync('.tmp-probe/x.p12', p12);
createSecureContext({ pfx: p12, passphrase: 'pässwört €' }); console.log('node ok');
try { createSecureContext({ pfx: p12, passphrase: 'wrong' }); } catch (e) { console.log('node wrong:', (e as Error).message); }

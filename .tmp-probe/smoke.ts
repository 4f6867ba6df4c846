import { writeFileSync } from 'node:fs';
import { createCa, issueServerCert, issueClientCert } from '../src/security/pki/issue.js';
import { describeCertificate, subjectCommonName } from '../src/security/pki/describe.js';
const ca = await createCa({ commonName: 'Vigil, CA "t" #1 + ü \\x', organization: 'Org' });
const srv = await issueServerCert(ca, { commonName: 'localhost', dnsNames: ['localhost', 'Cam.Local'], ipAddresses: ['127.0.0.1', '::1', '::ffff:10.0.0.1'] });
const cl = await issueClientCert(ca, { commonName: 'operator' });
writeFileSync('.tmp-probe/ca.pem', ca.certPem); writeFileSync('.tmp-probe/srv.pem', srv.certPem); writeFileSync('.tmp-probe/cl.pem', cl.certPem);
console.log(describeCertificate(srv.chainPem), subjectCommonName(ca.certPem), describeCertificate(ca.certPem).subject);

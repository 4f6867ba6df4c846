import './shim.js';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
x509.cryptoProvider.set(webcrypto);
const ext = new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'Localhost' }, { type: 'ip', value: '127.0.0.1' }, { type: 'ip', value: '::1' }, { type: 'ip', value: 'fe80::1:2' }, { type: 'ip', value: '::ffff:1.2.3.4' }]);
const back = new x509.SubjectAlternativeNameExtension(ext.rawData);
console.log(back.names.toJSON());
for (const v of ['foo', '1.2.3', '1.2.3.256', '::g'])
    try {
        const e2 = new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: v }]);
        console.log(v, 'accepted', new x509.SubjectAlternativeNameExtension(e2.rawData).names.toJSON());
    }
    catch (e) {
        console.log(v, 'err', e.message);
    }
const n = new x509.Name([{ CN: ['a, b=c+"x"'] }, { O: ['Ünïcode'] }]);
console.log(n.toString(), n.getField('CN'));
const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
const c = await x509.X509CertificateGenerator.createSelfSigned({ name: n, keys });
console.log(c.subject, c.serialNumber);

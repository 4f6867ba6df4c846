/**
 * The single place that loads @peculiar/x509: installs the metadata shim it needs first and
 * points it at Node's WebCrypto. Every other pki file imports x509 from here.
 */
import './reflect-metadata-shim.js';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// Node's webcrypto is the standard WebCrypto API; its TypeScript type differs only nominally.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
export const subtle = webcrypto.subtle;

/**
 * PEM framing (RFC 7468) and the ECDSA P-256 key handling shared by the issuing code.
 */
import { createPrivateKey, type KeyObject, webcrypto, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { PkiError } from './errors.js';
import { subtle } from './x509.js';

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
/** Upper bound on accepted PEM input, far above any certificate chain or key we handle. */
const MAX_PEM_LENGTH = 1 << 20;

export function pemEncode(label: string, der: Uint8Array | ArrayBuffer): string {
  const base64 = Buffer.from(der instanceof ArrayBuffer ? new Uint8Array(der) : der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** All PEM blocks with the given label, in order, as DER. */
export function pemDecodeAll(pem: string, label: string): Buffer[] {
  if (typeof pem !== 'string') throw new PkiError('PKI_INVALID_PEM', 'PEM input must be a string');
  if (pem.length > MAX_PEM_LENGTH) throw new PkiError('PKI_INVALID_PEM', 'PEM input is too large');
  const blocks: Buffer[] = [];
  const pattern = new RegExp(`-----BEGIN ${label}-----([^-]*)-----END ${label}-----`, 'g');
  for (const match of pem.matchAll(pattern)) {
    const body = (match[1] ?? '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) {
      throw new PkiError('PKI_INVALID_PEM', `PEM ${label} block has invalid base64`);
    }
    blocks.push(Buffer.from(body, 'base64'));
  }
  return blocks;
}

/** The first PEM block with the given label, as DER. */
export function pemDecodeFirst(pem: string, label: string): Buffer {
  const first = pemDecodeAll(pem, label)[0];
  if (!first) throw new PkiError('PKI_INVALID_PEM', `no PEM ${label} block found`);
  return first;
}

/** Parses a private key PEM (PKCS#8 or SEC1) and insists on ECDSA P-256. */
export function readP256PrivateKey(keyPem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: keyPem, format: 'pem' });
  } catch (cause) {
    throw new PkiError('PKI_INVALID_KEY', 'private key PEM does not decode (encrypted keys are not supported)', { cause });
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new PkiError('PKI_UNSUPPORTED_KEY', `expected an ECDSA P-256 key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  return key;
}

/** WebCrypto signing key for a PEM private key (for @peculiar/x509's generator). */
export async function importSigningKey(keyPem: string): Promise<webcrypto.CryptoKey> {
  const der = readP256PrivateKey(keyPem).export({ format: 'der', type: 'pkcs8' });
  return subtle.importKey('pkcs8', der, EC_P256, false, ['sign']);
}

export interface GeneratedKeyPair {
  publicKey: webcrypto.CryptoKey;
  privateKey: webcrypto.CryptoKey;
  privateKeyPem: string;
}

export async function generateP256KeyPair(): Promise<GeneratedKeyPair> {
  const pair = await subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const pkcs8 = await subtle.exportKey('pkcs8', pair.privateKey);
  return { publicKey: pair.publicKey, privateKey: pair.privateKey, privateKeyPem: pemEncode('PRIVATE KEY', pkcs8) };
}

/** True when the private key is the partner of the certificate's public key (OpenSSL compares the points). */
export function privateKeyMatches(key: KeyObject, certificateDer: Uint8Array): boolean {
  return new NodeX509Certificate(certificateDer).checkPrivateKey(key);
}

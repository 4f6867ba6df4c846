/**
 * PKCS#12 (RFC 7292) export of a certificate, its private key and optionally the CA chain,
 * in the profile OpenSSL 3 writes by default and every current reader accepts:
 *
 *   PFX v3, authSafe = Data(AuthenticatedSafe [
 *     Data(SafeContents [certBag (leaf, friendlyName + localKeyId), certBag (CA)...]),
 *     Data(SafeContents [pkcs8ShroudedKeyBag (friendlyName + localKeyId)]) ])
 *   key: PBES2 = PBKDF2-HMAC-SHA256 + AES-256-CBC (OpenSSL's own PKCS#8 encoder, via node:crypto)
 *   MAC: HMAC-SHA256, key from the PKCS#12 KDF (RFC 7292 Appendix B) over the BMPString password.
 *
 * Certificates are public, so they sit in plain Data rather than password-encrypted content.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { ContentInfo, id_data } from '@peculiar/asn1-cms';
import {
  AuthenticatedSafe,
  CertBag,
  id_certBag,
  id_pkcs8ShroudedKeyBag,
  id_x509Certificate,
  MacData,
  PFX,
  PKCS12Attribute,
  SafeBag,
  SafeContents,
} from '@peculiar/asn1-pfx';
import { FriendlyName, id_pkcs9_at_friendlyName, id_pkcs9_at_localKeyId } from '@peculiar/asn1-pkcs9';
import { DigestInfo, sha256 } from '@peculiar/asn1-rsa';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { PkiError } from './errors.js';
import { pemDecodeAll, pemDecodeFirst, privateKeyMatches, readP256PrivateKey } from './pem.js';

/** OpenSSL 3's default for both the MAC and PBKDF2; higher counts only slow every reader. */
export const PKCS12_ITERATIONS = 2048;
const MAC_SALT_BYTES = 16;
const MAX_FRIENDLY_NAME = 256;

export interface Pkcs12Options {
  certPem: string;
  keyPem: string;
  /** CA certificate(s) to include after the leaf; every CERTIFICATE block in the string is used. */
  caCertPem?: string;
  password: string;
  /** Label shown by key stores (Windows, macOS Keychain); stored as a BMPString attribute. */
  friendlyName?: string;
}

/** (output size u, block size v) in bytes for the hashes the PKCS#12 KDF is used with. */
const KDF_HASHES = { sha1: [20, 64], sha256: [32, 64], sha512: [64, 128] } as const;
export type Pkcs12KdfHash = keyof typeof KDF_HASHES;

/** Purpose byte of the PKCS#12 KDF (RFC 7292 B.3). */
export const PKCS12_KDF_ID = { encryptionKey: 1, iv: 2, macKey: 3 } as const;

function repeatToMultiple(source: Uint8Array, blockSize: number): Buffer {
  if (source.length === 0) return Buffer.alloc(0);
  const out = Buffer.alloc(blockSize * Math.ceil(source.length / blockSize));
  for (let i = 0; i < out.length; i++) out[i] = source[i % source.length] ?? 0;
  return out;
}

/**
 * The PKCS#12 key derivation function, RFC 7292 Appendix B.2. `password` is already encoded
 * (see bmpPassword); the function itself is byte-oriented.
 */
export function pkcs12Kdf(hash: Pkcs12KdfHash, password: Uint8Array, salt: Uint8Array, id: number, iterations: number, length: number): Buffer {
  const [u, v] = KDF_HASHES[hash];
  if (!Number.isInteger(iterations) || iterations < 1) throw new PkiError('PKI_INVALID_OPTIONS', 'iterations must be a positive integer');
  if (!Number.isInteger(length) || length < 0) throw new PkiError('PKI_INVALID_OPTIONS', 'length must be a non-negative integer');
  const diversifier = Buffer.alloc(v, id);
  const input = Buffer.concat([repeatToMultiple(salt, v), repeatToMultiple(password, v)]);
  const blocks = Math.ceil(length / u);
  const out = Buffer.alloc(blocks * u);
  for (let block = 0; block < blocks; block++) {
    let digest = createHash(hash).update(diversifier).update(input).digest();
    for (let round = 1; round < iterations; round++) digest = createHash(hash).update(digest).digest();
    digest.copy(out, block * u);
    if (block === blocks - 1) break;
    // I_j = (I_j + B + 1) mod 2^(8v) for every v-byte block I_j, with B = digest repeated to v bytes.
    const b = repeatToMultiple(digest, v).subarray(0, v);
    for (let offset = 0; offset < input.length; offset += v) {
      let carry = 1;
      for (let i = v - 1; i >= 0; i--) {
        const sum = (input[offset + i] ?? 0) + (b[i] ?? 0) + carry;
        input[offset + i] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return out.subarray(0, length);
}

/** RFC 7292 B.1: the password as a big-endian BMPString with a two-byte zero terminator. */
export function bmpPassword(password: string): Buffer {
  const utf16 = Buffer.from(`${password}\u0000`, 'utf16le');
  return utf16.swap16();
}

function checkPassword(password: unknown): string {
  if (typeof password !== 'string' || password.length === 0) throw new PkiError('PKI_INVALID_OPTIONS', 'a non-empty password is required');
  // A NUL would terminate the password early in C readers; a lone surrogate has no UTF-8 form,
  // so the key-encryption password (UTF-8) and the MAC password (UTF-16) would disagree.
  if (password.includes('\u0000') || /\p{Surrogate}/u.test(password)) {
    throw new PkiError('PKI_INVALID_OPTIONS', 'the password contains NUL or an unpaired surrogate');
  }
  return password;
}

function bagAttribute(id: string, valueDer: ArrayBuffer): PKCS12Attribute {
  // PKCS12Attribute's constructor drops its argument (asn1-pfx 2.11), so fill the fields directly.
  const attribute = new PKCS12Attribute();
  attribute.attrId = id;
  attribute.attrValues = [valueDer];
  return attribute;
}

function dataContentInfo(der: ArrayBuffer): ContentInfo {
  return new ContentInfo({ contentType: id_data, content: AsnConvert.serialize(new OctetString(der)) });
}

function certificateBag(der: Uint8Array, attributes?: PKCS12Attribute[]): SafeBag {
  const certBag = new CertBag({ certId: id_x509Certificate, certValue: AsnConvert.serialize(new OctetString(der)) });
  return new SafeBag({ bagId: id_certBag, bagValue: AsnConvert.serialize(certBag), ...(attributes ? { bagAttributes: attributes } : {}) });
}

export function toPkcs12(options: Pkcs12Options): Buffer {
  const password = checkPassword(options.password);
  const friendlyName = options.friendlyName;
  if (friendlyName !== undefined && (typeof friendlyName !== 'string' || friendlyName.length > MAX_FRIENDLY_NAME || /\p{Surrogate}/u.test(friendlyName))) {
    throw new PkiError('PKI_INVALID_OPTIONS', `friendlyName must be a well-formed string of at most ${MAX_FRIENDLY_NAME} characters`);
  }
  const leafDer = pemDecodeFirst(options.certPem, 'CERTIFICATE');
  const caDers = options.caCertPem === undefined ? [] : pemDecodeAll(options.caCertPem, 'CERTIFICATE');
  const key = readP256PrivateKey(options.keyPem);
  let matches: boolean;
  try {
    matches = privateKeyMatches(key, leafDer);
  } catch (cause) {
    throw new PkiError('PKI_INVALID_CERTIFICATE', 'certPem does not decode as an X.509 certificate', { cause });
  }
  if (!matches) throw new PkiError('PKI_KEY_MISMATCH', 'the private key does not belong to the certificate');

  // localKeyId pairs the key with its certificate inside the file; any octets work, a hash of the
  // certificate is the customary choice.
  const attributes = [bagAttribute(id_pkcs9_at_localKeyId, AsnConvert.serialize(new OctetString(createHash('sha256').update(leafDer).digest())))];
  if (friendlyName !== undefined) attributes.push(bagAttribute(id_pkcs9_at_friendlyName, AsnConvert.serialize(new FriendlyName(friendlyName))));

  const certificates = new SafeContents([certificateBag(leafDer, attributes), ...caDers.map((der) => certificateBag(der))]);
  const encryptedKey = key.export({ format: 'der', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: password });
  const keyBag = new SafeBag({ bagId: id_pkcs8ShroudedKeyBag, bagValue: new Uint8Array(encryptedKey).buffer, bagAttributes: attributes });
  const keys = new SafeContents([keyBag]);

  const authenticatedSafe = AsnConvert.serialize(
    new AuthenticatedSafe([dataContentInfo(AsnConvert.serialize(certificates)), dataContentInfo(AsnConvert.serialize(keys))]),
  );
  const macSalt = randomBytes(MAC_SALT_BYTES);
  const macKey = pkcs12Kdf('sha256', bmpPassword(password), macSalt, PKCS12_KDF_ID.macKey, PKCS12_ITERATIONS, 32);
  const mac = createHmac('sha256', macKey).update(new Uint8Array(authenticatedSafe)).digest();
  const pfx = new PFX({
    version: 3,
    authSafe: dataContentInfo(authenticatedSafe),
    macData: new MacData({
      mac: new DigestInfo({ digestAlgorithm: sha256, digest: new OctetString(mac) }),
      macSalt: new OctetString(macSalt),
      iterations: PKCS12_ITERATIONS,
    }),
  });
  return Buffer.from(AsnConvert.serialize(pfx));
}

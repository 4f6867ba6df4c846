/**
 * Password storage. Both WS-UsernameToken PasswordDigest (SHA1(nonce+created+password)) and HTTP
 * Digest (H(user:realm:password)) need the password itself, so a one-way hash cannot be stored.
 * Passwords are kept encrypted with AES-256-GCM under a per-node key in the data directory
 * (mode 0600), so a leaked database alone reveals nothing.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export class SecretBox {
  readonly #key: Buffer;
  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('secret key must be 32 bytes');
    this.#key = key;
  }
  static generateKey(): Buffer {
    return randomBytes(32);
  }
  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
  }
  open(sealed: string): string {
    const buf = Buffer.from(sealed, 'base64');
    if (buf.length < 28) throw new Error('sealed secret too short');
    const d = createDecipheriv('aes-256-gcm', this.#key, buf.subarray(0, 12));
    d.setAuthTag(buf.subarray(12, 28));
    return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
  }
}

/**
 * Constant-time string comparison (length leak only): every code unit is compared whatever the
 * first difference, without the two Buffer copies timingSafeEqual would need for strings.
 */
export function safeEqual(a: string, b: string): boolean {
  const n = a.length;
  // Unequal lengths still walk `a` against itself, so the time depends on a's length only.
  const other = b.length === n ? b : a;
  let diff = b.length ^ n;
  for (let i = 0; i < n; i++) diff |= a.charCodeAt(i) ^ other.charCodeAt(i);
  return diff === 0;
}

/** A printable random password for first start (24 chars, ~143 bits). */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
  const limit = 256 - (256 % alphabet.length); // rejection sampling: no modulo bias
  let out = '';
  while (out.length < 24) {
    for (const b of randomBytes(32)) {
      if (b < limit && out.length < 24) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}

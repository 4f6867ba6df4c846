// Shared by the codec and SDP tests: fixture loading and the "only ParseError escapes" check.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ParseError } from '../../../src/protocol/codec/errors.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/codec/', import.meta.url));

/** A fixture as a fresh Uint8Array (not a view on Node's shared pool). */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(FIXTURES + name));
}

/** Runs `fn`; a ParseError is an accepted outcome, anything else thrown fails the test. */
export function parsesOrParseError<T>(fn: () => T): T | ParseError {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ParseError) return err;
    throw err;
  }
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

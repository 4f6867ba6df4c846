// Shared test helpers: drain a reader, normalise items for deep comparison, and assert that a
// call throws an RtspParseError with a given code.
import assert from 'node:assert/strict';
import { RtspParseError, type RtspParseErrorCode } from '../../../src/protocol/rtsp/errors.js';
import type { RtspReader, RtspReaderItem } from '../../../src/protocol/rtsp/reader.js';

export const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
export const dec = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function drain(reader: RtspReader): RtspReaderItem[] {
  const items: RtspReaderItem[] = [];
  for (let item = reader.next(); item !== null; item = reader.next()) items.push(item);
  return items;
}

/** Plain-data view of an item (headers as pairs, bytes as arrays) for deepEqual. */
export function plain(item: RtspReaderItem): unknown {
  if (item.kind === 'interleaved') return { kind: item.kind, channel: item.channel, payload: [...item.payload] };
  const { headers, body, ...rest } = item.msg;
  return { kind: item.kind, ...rest, headers: [...headers], body: [...body] };
}

/** Feeds `bytes` in the given chunks and returns all items (plain). */
export function readAll(reader: RtspReader, chunks: Uint8Array[]): unknown[] {
  const items: unknown[] = [];
  for (const chunk of chunks) {
    reader.push(chunk);
    for (const item of drain(reader)) items.push(plain(item));
  }
  return items;
}

export function throwsCode(fn: () => unknown, code: RtspParseErrorCode): RtspParseError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof RtspParseError, `expected RtspParseError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

/** For fuzzing: run fn; any exception other than RtspParseError fails the property. */
export function onlyParseErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof RtspParseError)) throw err;
  }
}

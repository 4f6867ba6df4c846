/**
 * H.264/H.265 Annex B byte streams: NAL units separated by 0x000001 / 0x00000001 start codes.
 * Both codecs share the format (H.264 Annex B, H.265 Annex B), so nothing here looks inside a NAL.
 * NAL units are returned without start codes and without trailing_zero_8bits.
 */
import { ParseError } from './errors.js';

/** Index of the first byte of the next 0x000001 at or after `from`, or -1. */
function nextStartCode(buf: Uint8Array, from: number): number {
  let i = from;
  while (i + 2 < buf.length) {
    const third = buf[i + 2] as number;
    // A byte > 1 at i+2 rules out start codes beginning at i, i+1 and i+2's predecessors.
    if (third > 1) i += 3;
    else if (third === 1 && buf[i] === 0 && buf[i + 1] === 0) return i;
    else i++;
  }
  return -1;
}

/** Index just past the last non-zero byte of buf[start, end), or `start` when all are zero. */
function trimTrailingZeros(buf: Uint8Array, start: number, end: number): number {
  let e = end;
  while (e > start && buf[e - 1] === 0) e--;
  return e;
}

/**
 * Splits a complete Annex B buffer into NAL units (subarrays of `buf`, no copies).
 * Leading zero bytes are allowed; any other data before the first start code is an INVALID
 * ParseError, as is non-empty input with no start code. Empty NAL units are skipped.
 */
export function splitAnnexB(buf: Uint8Array): Uint8Array[] {
  const first = nextStartCode(buf, 0);
  const leadingEnd = first < 0 ? buf.length : first;
  for (let i = 0; i < leadingEnd; i++) {
    if (buf[i] !== 0) {
      throw new ParseError('INVALID', first < 0 ? 'no Annex B start code found' : 'data before the first start code', {
        offset: i,
      });
    }
  }
  const nals: Uint8Array[] = [];
  if (first < 0) return nals;
  let start = first + 3;
  while (start <= buf.length) {
    const next = nextStartCode(buf, start);
    const end = trimTrailingZeros(buf, start, next < 0 ? buf.length : next);
    if (end > start) nals.push(buf.subarray(start, end));
    if (next < 0) break;
    start = next + 3;
  }
  return nals;
}

/** Concatenates NAL units, each preceded by a 4-byte (default) or 3-byte start code. One allocation. */
export function joinAnnexB(nals: readonly Uint8Array[], startCodeLength: 3 | 4 = 4): Uint8Array {
  let total = 0;
  for (const nal of nals) total += startCodeLength + nal.length;
  const out = new Uint8Array(total);
  let pos = 0;
  for (const nal of nals) {
    out[pos + startCodeLength - 1] = 1; // the zero bytes before it are already zero
    pos += startCodeLength;
    out.set(nal, pos);
    pos += nal.length;
  }
  return out;
}

export interface AnnexBSplitterOptions {
  /** Largest NAL unit accepted before push() throws TOO_LARGE (default 16 MiB). */
  maxNalSize?: number;
}

/**
 * Incremental Annex B splitter for byte streams that arrive in arbitrary chunks (a pipe from an
 * encoder, a file read in blocks). `push()` returns the NAL units completed by that chunk, i.e.
 * those followed by a start code; `flush()` returns the last one at end of stream.
 *
 * Output NAL units are subarrays of the pushed chunks when a unit lies in one chunk and copies
 * only when it spans chunks, so pushed chunks must not be modified afterwards. Bytes before the
 * first start code are discarded (the stream may have been joined mid-way).
 */
export class AnnexBSplitter {
  readonly #maxNalSize: number;
  /** Bytes of the current NAL unit from earlier chunks, in order. */
  #parts: Uint8Array[] = [];
  #partsLength = 0;
  /** A start code has been seen, so bytes belong to a NAL unit rather than leading garbage. */
  #inNal = false;
  /** Zero bytes at the end of the data pushed so far (only "at least 2" matters). */
  #trailingZeros = 0;

  constructor(options: AnnexBSplitterOptions = {}) {
    this.#maxNalSize = options.maxNalSize ?? 16 * 1024 * 1024;
  }

  /** Bytes held for the NAL unit that is not yet complete. */
  get pendingBytes(): number {
    return this.#partsLength;
  }

  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let nalStart = 0; // where the current NAL unit's bytes begin in this chunk
    let pos = 0;
    while (pos < chunk.length) {
      const one = chunk.indexOf(1, pos);
      if (one < 0) break;
      let zeros = 0;
      while (zeros < one && chunk[one - 1 - zeros] === 0) zeros++;
      if (zeros === one) zeros += this.#trailingZeros; // the zero run continues from the previous chunk
      if (zeros >= 2) {
        if (this.#inNal) this.#emit(chunk.subarray(nalStart, one), out);
        this.#inNal = true;
        this.#parts = [];
        this.#partsLength = 0;
        nalStart = one + 1;
      }
      pos = one + 1;
    }
    if (this.#inNal && nalStart < chunk.length) {
      const rest = chunk.subarray(nalStart);
      this.#parts.push(rest);
      this.#partsLength += rest.length;
      if (this.#partsLength > this.#maxNalSize) {
        const length = this.#partsLength;
        this.#reset();
        throw new ParseError('TOO_LARGE', `NAL unit longer than ${this.#maxNalSize} bytes`, { offset: length });
      }
    }
    const end = trimTrailingZeros(chunk, 0, chunk.length);
    const chunkZeros = chunk.length - end;
    this.#trailingZeros = end === 0 ? Math.min(this.#trailingZeros + chunkZeros, 3) : Math.min(chunkZeros, 3);
    return out;
  }

  /** Ends the stream: returns the last NAL unit, if any, and resets the splitter. */
  flush(): Uint8Array[] {
    const out: Uint8Array[] = [];
    if (this.#inNal) this.#emit(new Uint8Array(0), out);
    this.#reset();
    return out;
  }

  /** Emits the pending parts plus `tail` as one NAL unit, minus the zeros before the start code. */
  #emit(tail: Uint8Array, out: Uint8Array[]): void {
    const parts = tail.length > 0 ? [...this.#parts, tail] : [...this.#parts];
    while (parts.length > 0) {
      const last = parts[parts.length - 1] as Uint8Array;
      const end = trimTrailingZeros(last, 0, last.length);
      if (end > 0) {
        parts[parts.length - 1] = last.subarray(0, end);
        break;
      }
      parts.pop();
    }
    if (parts.length === 0) return;
    if (parts.length === 1) {
      out.push(parts[0] as Uint8Array);
      return;
    }
    let total = 0;
    for (const part of parts) total += part.length;
    const nal = new Uint8Array(total);
    let pos = 0;
    for (const part of parts) {
      nal.set(part, pos);
      pos += part.length;
    }
    out.push(nal);
  }

  #reset(): void {
    this.#parts = [];
    this.#partsLength = 0;
    this.#inNal = false;
    this.#trailingZeros = 0;
  }
}

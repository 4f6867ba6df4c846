/**
 * MSB-first bit reading and writing for codec headers (H.264/H.265 parameter sets, AAC
 * AudioSpecificConfig, ADTS), including the exp-Golomb codes of H.264 9.1 / H.265 9.2, and the
 * emulation-prevention escaping of H.264 7.4.1 / H.265 7.4.2 between NAL payloads and RBSPs.
 */
import { ParseError } from './errors.js';

/** Exp-Golomb codes longer than this cannot describe a 32-bit value; longer prefixes are garbage. */
const MAX_EXP_GOLOMB_PREFIX = 31;

export class BitReader {
  readonly #data: Uint8Array;
  /** Absolute bit position from the start of `#data`. */
  #pos: number;

  /** Reads `data` from its first byte, or from `byteOffset`. */
  constructor(data: Uint8Array, byteOffset = 0) {
    // Bit positions are kept in int32-safe range so shifts can be used on them.
    if (data.length >= 2 ** 28) throw new RangeError('BitReader input larger than 256 MiB');
    if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset > data.length) {
      throw new RangeError(`BitReader byteOffset ${byteOffset} outside the data`);
    }
    this.#data = data;
    this.#pos = byteOffset * 8;
  }

  /** Bits not yet read. */
  get bitsLeft(): number {
    return this.#data.length * 8 - this.#pos;
  }

  /** Position of the next bit, counted from the start of the data. */
  get bitPosition(): number {
    return this.#pos;
  }

  /** True when the next bit starts a byte. */
  get byteAligned(): boolean {
    return (this.#pos & 7) === 0;
  }

  /** Reads `n` (0..32) bits as an unsigned number. */
  readBits(n: number): number {
    if (!Number.isInteger(n) || n < 0 || n > 32) throw new RangeError(`readBits(${n}): n must be 0..32`);
    this.#need(n);
    let value = 0;
    let remaining = n;
    while (remaining > 0) {
      const byte = this.#data[this.#pos >> 3] as number;
      const bitInByte = this.#pos & 7;
      const take = Math.min(8 - bitInByte, remaining);
      const bits = (byte >> (8 - bitInByte - take)) & ((1 << take) - 1);
      // Multiplication instead of << keeps values above 2^31 positive.
      value = value * (1 << take) + bits;
      remaining -= take;
      this.#pos += take;
    }
    return value;
  }

  readBit(): number {
    return this.readBits(1);
  }

  readFlag(): boolean {
    return this.readBits(1) === 1;
  }

  /** Unsigned exp-Golomb ue(v). Throws INVALID for prefixes longer than 31 zero bits. */
  readUE(): number {
    const start = this.#pos;
    let zeros = 0;
    while (this.readBits(1) === 0) {
      zeros++;
      if (zeros > MAX_EXP_GOLOMB_PREFIX) {
        throw new ParseError('INVALID', 'exp-Golomb code longer than 32 bits', { offset: start >> 3 });
      }
    }
    return 2 ** zeros - 1 + this.readBits(zeros);
  }

  /** Signed exp-Golomb se(v): 1, -1, 2, -2, ... for codes 1, 2, 3, 4, ... */
  readSE(): number {
    const k = this.readUE();
    return k % 2 === 1 ? (k + 1) / 2 : 0 - k / 2; // 0 - x, not -x: no negative zero
  }

  skipBits(n: number): void {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`skipBits(${n}): n must be a non-negative integer`);
    this.#need(n);
    this.#pos += n;
  }

  /** Skips to the next byte boundary (no-op when aligned). */
  byteAlign(): void {
    // Never passes the end: the data length in bits is itself a multiple of 8.
    this.#pos = (this.#pos + 7) & ~7;
  }

  #need(n: number): void {
    if (n > this.bitsLeft) {
      const neededBits = n - this.bitsLeft;
      throw new ParseError('TRUNCATED', `needed ${n} bits, ${this.bitsLeft} left`, {
        offset: this.#pos >> 3,
        needed: Math.ceil(neededBits / 8),
      });
    }
  }
}

export class BitWriter {
  #buf: Uint8Array;
  #pos = 0;

  constructor(initialBytes = 64) {
    // Headers written with this class are tiny; the int32 bit positions below rely on it.
    this.#buf = new Uint8Array(Math.max(1, initialBytes));
  }

  /** Bits written so far. */
  get bitLength(): number {
    return this.#pos;
  }

  /** Writes the low `n` (0..32) bits of `value`, most significant first. */
  writeBits(value: number, n: number): this {
    if (!Number.isInteger(n) || n < 0 || n > 32) throw new RangeError(`writeBits(_, ${n}): n must be 0..32`);
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** n) {
      throw new RangeError(`writeBits(${value}, ${n}): value does not fit in ${n} unsigned bits`);
    }
    this.#reserve(n);
    for (let i = n - 1; i >= 0; i--) {
      // Math.floor division rather than >> so bit 31 of 32-bit values is handled.
      const bit = Math.floor(value / 2 ** i) & 1;
      if (bit) this.#buf[this.#pos >> 3]! |= 0x80 >> (this.#pos & 7);
      this.#pos++;
    }
    return this;
  }

  writeBit(bit: number | boolean): this {
    return this.writeBits(bit ? 1 : 0, 1);
  }

  /** Unsigned exp-Golomb, 0 .. 2^32-2. */
  writeUE(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 2 ** 32 - 2) {
      throw new RangeError(`writeUE(${value}): out of range`);
    }
    const codeNum = value + 1;
    const len = Math.floor(Math.log2(codeNum));
    this.writeBits(0, len);
    // codeNum has len+1 bits; write its leading 1 and then the len low bits.
    this.writeBits(1, 1);
    return this.writeBits(codeNum - 2 ** len, len);
  }

  /** Signed exp-Golomb, -(2^31-1) .. 2^31-1. */
  writeSE(value: number): this {
    if (!Number.isInteger(value) || Math.abs(value) > 2 ** 31 - 1) throw new RangeError(`writeSE(${value}): out of range`);
    return this.writeUE(value > 0 ? 2 * value - 1 : -2 * value);
  }

  /** rbsp_trailing_bits(): a 1 bit, then zero bits up to the byte boundary. */
  writeTrailingBits(): this {
    this.writeBits(1, 1);
    while (this.#pos & 7) this.writeBits(0, 1);
    return this;
  }

  /** The bytes written; a partial last byte is padded with zero bits. Returns a copy. */
  toBytes(): Uint8Array {
    const out = new Uint8Array((this.#pos + 7) >> 3);
    out.set(this.#buf.subarray(0, out.length));
    return out;
  }

  #reserve(bits: number): void {
    const neededBytes = (this.#pos + bits + 7) >> 3;
    if (neededBytes >= 2 ** 28) throw new RangeError('BitWriter output larger than 256 MiB');
    if (neededBytes <= this.#buf.length) return;
    const grown = new Uint8Array(Math.max(neededBytes, this.#buf.length * 2));
    grown.set(this.#buf);
    this.#buf = grown;
  }
}

/**
 * Removes emulation_prevention_three_byte (the 0x03 in every 0x00 0x00 0x03) from a NAL unit,
 * giving the RBSP that exp-Golomb parsing expects. Returns `nal` itself when nothing is escaped.
 */
export function unescapeRbsp(nal: Uint8Array): Uint8Array {
  const first = findEscape(nal);
  if (first < 0) return nal;
  const out = new Uint8Array(nal.length - 1);
  out.set(nal.subarray(0, first));
  let length = first;
  let zeros = 0;
  for (let i = first + 1; i < nal.length; i++) {
    const byte = nal[i] as number;
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    out[length++] = byte;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, length);
}

/** Index of the first emulation-prevention 0x03, or -1. */
function findEscape(nal: Uint8Array): number {
  let zeros = 0;
  for (let i = 0; i < nal.length; i++) {
    const byte = nal[i] as number;
    if (zeros >= 2 && byte === 3) return i;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return -1;
}

/**
 * Inserts emulation_prevention_three_byte so the payload never contains 0x000000, 0x000001,
 * 0x000002 or 0x000003 and does not end in 0x0000 (which would run into the next start code).
 * `unescapeRbsp(escapeRbsp(x))` equals `x` for every input.
 */
export function escapeRbsp(rbsp: Uint8Array): Uint8Array {
  let extra = 0;
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      extra++;
      zeros = 0;
    }
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  const trailing = zeros >= 2 ? 1 : 0;
  if (extra === 0 && trailing === 0) return rbsp;
  const out = new Uint8Array(rbsp.length + extra + trailing);
  let length = 0;
  zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out[length++] = 3;
      zeros = 0;
    }
    out[length++] = byte;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  if (trailing) out[length++] = 3;
  return out;
}

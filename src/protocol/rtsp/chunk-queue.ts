// A queue of received chunks read as one logical byte string. consume(n) hands out a subarray
// when a single chunk holds the n bytes (the common case: one TCP read carries a whole RTP
// packet) and copies only when the bytes straddle chunks. Modelled on undici's WebSocket
// receiver; chunks are referenced, never copied on push, so callers must not reuse pushed buffers.

export class ChunkQueue {
  #chunks: Uint8Array[] = [];
  /** Index of the first live chunk in #chunks (avoids Array#shift on every consume). */
  #first = 0;
  /** Bytes of #chunks[#first] already consumed. */
  #head = 0;
  #length = 0;
  /** Chunk where the last indexOf() stopped, and its logical start; -1 when unknown. */
  #cursorChunk = -1;
  #cursorBase = 0;

  get length(): number {
    return this.#length;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** Byte at logical index i (0 ≤ i < length). */
  byteAt(i: number): number {
    if (i < 0 || i >= this.#length) throw new RangeError(`byteAt(${i}) outside queue of ${this.#length}`);
    let index = i + this.#head;
    for (let c = this.#first; ; c++) {
      const chunk = this.#chunks[c]!;
      if (index < chunk.length) return chunk[index]!;
      index -= chunk.length;
    }
  }

  /** Logical index of the first `byte` in [from, to), or -1. */
  indexOf(byte: number, from: number, to: number): number {
    const end = Math.min(to, this.#length);
    if (from >= end) return -1;
    // Start at the remembered chunk when it is not past `from`: a scanner that searches forward
    // while data trickles in one byte per push would otherwise walk every chunk on every call.
    let c = this.#first;
    let base = -this.#head; // logical index of chunk c's byte 0
    if (this.#cursorChunk >= 0 && this.#cursorBase <= from) {
      c = this.#cursorChunk;
      base = this.#cursorBase;
    }
    for (; c < this.#chunks.length && base < end; c++) {
      const chunk = this.#chunks[c]!;
      const chunkEnd = base + chunk.length;
      this.#cursorChunk = c;
      this.#cursorBase = base;
      if (chunkEnd > from) {
        const start = Math.max(from, base) - base;
        const stop = Math.min(end, chunkEnd) - base;
        const found = chunk.subarray(0, stop).indexOf(byte, start);
        if (found >= 0) return base + found;
      }
      base = chunkEnd;
    }
    return -1;
  }

  /** Removes and returns the next n bytes: a view when one chunk holds them, a copy otherwise. */
  consume(n: number): Uint8Array {
    if (n < 0 || n > this.#length) throw new RangeError(`consume(${n}) from queue of ${this.#length}`);
    if (n === 0) return new Uint8Array(0);
    const firstChunk = this.#chunks[this.#first]!;
    const available = firstChunk.length - this.#head;
    if (n <= available) {
      const view = firstChunk.subarray(this.#head, this.#head + n);
      this.#advance(n);
      return view;
    }
    const out = new Uint8Array(n);
    let written = 0;
    while (written < n) {
      const chunk = this.#chunks[this.#first]!;
      const take = Math.min(n - written, chunk.length - this.#head);
      out.set(chunk.subarray(this.#head, this.#head + take), written);
      written += take;
      this.#advance(take);
    }
    return out;
  }

  /** Drops the next n bytes without materialising them. */
  skip(n: number): void {
    if (n < 0 || n > this.#length) throw new RangeError(`skip(${n}) from queue of ${this.#length}`);
    let left = n;
    while (left > 0) {
      const chunk = this.#chunks[this.#first]!;
      const take = Math.min(left, chunk.length - this.#head);
      this.#advance(take);
      left -= take;
    }
  }

  /** Drops everything (used when the owner fails and will never read again). */
  clear(): void {
    this.#cursorChunk = -1;
    this.#chunks = [];
    this.#first = 0;
    this.#head = 0;
    this.#length = 0;
  }

  /** Moves the read position forward by n bytes, all inside the first live chunk. */
  #advance(n: number): void {
    this.#cursorChunk = -1; // logical indices and chunk positions shift
    this.#head += n;
    this.#length -= n;
    if (this.#head === this.#chunks[this.#first]!.length) {
      this.#first++;
      this.#head = 0;
      // Compact now and then so the array does not grow without bound.
      if (this.#first === this.#chunks.length) {
        this.#chunks = [];
        this.#first = 0;
      } else if (this.#first >= 64) {
        this.#chunks.splice(0, this.#first);
        this.#first = 0;
      }
    }
  }
}

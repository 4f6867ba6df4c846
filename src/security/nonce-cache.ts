/**
 * The replay cache of WS-Security UsernameToken nonces. It holds up to `maxEntries` nonces (one
 * per authenticated request within the freshness window, so hundreds of thousands under load),
 * which is why it keeps no JavaScript objects per nonce: a 63-bit fingerprint of each nonce lives
 * in an open-addressing table in one typed array (linear probing, backward-shift deletion), and a
 * ring in arrival order gives expiry and eviction in O(1). The garbage collector sees a handful
 * of arrays however full the cache is. The table is megabytes, read at random: both halves of a
 * fingerprint sit side by side, so a probe costs one cache miss, not one per array.
 *
 * Whenever an entry leaves — expired or evicted because the cache is full — the window's lower
 * edge (the floor) moves up to its Created time, so a nonce that left can never be replayed: any
 * token created at or before the floor is refused as stale. That also covers the node's clock
 * being set back. Fingerprints are two independent 32-bit FNV-1a lanes, the second with its low bit
 * set (so a slot holding 0 there is empty): two distinct nonces are taken for one with
 * probability about size / 2^63, and only an authenticated client could even try to collide with
 * another's (unknown, future) nonce.
 */

export interface NonceCacheOptions {
  /** Accepted |now − Created|, in ms. */
  windowMs: number;
  maxEntries: number;
}

export class NonceCache {
  readonly #opts: NonceCacheOptions;
  readonly #mask: number;
  /** Slot i is [2i] = lane a, [2i + 1] = lane b (odd; 0 when the slot is empty). */
  readonly #slots: Int32Array;
  /** Fingerprints in arrival order, laid out like #slots, and their Created times. */
  readonly #ring: Int32Array;
  readonly #ringCreated: Float64Array;
  #head = 0;
  #size = 0;
  #floor = -Infinity;

  constructor(opts: Partial<NonceCacheOptions> = {}) {
    this.#opts = { windowMs: 5 * 60_000, maxEntries: 200_000, ...opts };
    // At most half full: short probe sequences.
    let slots = 16;
    while (slots < 2 * this.#opts.maxEntries) slots *= 2;
    this.#mask = slots - 1;
    this.#slots = new Int32Array(2 * slots);
    this.#ring = new Int32Array(2 * this.#opts.maxEntries);
    this.#ringCreated = new Float64Array(this.#opts.maxEntries);
  }

  get windowMs(): number {
    return this.#opts.windowMs;
  }

  get size(): number {
    return this.#size;
  }

  /** Returns 'ok' and remembers the nonce, or why it is refused. */
  check(nonce: Uint8Array, createdMs: number, now: number): 'ok' | 'stale' | 'replay' {
    if (!Number.isFinite(createdMs) || Math.abs(now - createdMs) > this.#opts.windowMs || createdMs <= this.#floor) {
      return 'stale';
    }
    // Arrivals are roughly in Created order; an out-of-order one waits for its turn at the head.
    while (this.#size > 0 && now - this.#ringCreated[this.#head]! > this.#opts.windowMs) this.#dropOldest();
    let a = 0x811c9dc5 | 0;
    let b = 0x050c5d1f | 0;
    for (let i = 0; i < nonce.length; i++) {
      a = Math.imul(a ^ nonce[i]!, 0x01000193);
      b = Math.imul(b ^ nonce[nonce.length - 1 - i]!, 0x01000193);
    }
    b = Math.imul(b ^ nonce.length, 0x01000193) | 1;
    if (this.#find(a, b) >= 0) return 'replay';
    if (this.#size === this.#opts.maxEntries) this.#dropOldest();
    this.#insert(a, b);
    const tail = (this.#head + this.#size) % this.#opts.maxEntries;
    this.#ring[2 * tail] = a;
    this.#ring[2 * tail + 1] = b;
    this.#ringCreated[tail] = createdMs;
    this.#size++;
    return 'ok';
  }

  #find(a: number, b: number): number {
    const mask = this.#mask;
    const slots = this.#slots;
    for (let i = a & mask; slots[2 * i + 1] !== 0; i = (i + 1) & mask) {
      if (slots[2 * i] === a && slots[2 * i + 1] === b) return i;
    }
    return -1;
  }

  #insert(a: number, b: number): void {
    const mask = this.#mask;
    const slots = this.#slots;
    let i = a & mask;
    while (slots[2 * i + 1] !== 0) i = (i + 1) & mask;
    slots[2 * i] = a;
    slots[2 * i + 1] = b;
  }

  /** Linear-probing deletion without tombstones: later members of the cluster shift back. */
  #remove(a: number, b: number): void {
    const mask = this.#mask;
    const slots = this.#slots;
    let hole = this.#find(a, b);
    if (hole < 0) return;
    for (let j = (hole + 1) & mask; slots[2 * j + 1] !== 0; j = (j + 1) & mask) {
      const home = slots[2 * j]! & mask;
      // j's entry may move into the hole unless its home lies cyclically in (hole, j].
      const stays = hole < j ? home > hole && home <= j : home > hole || home <= j;
      if (stays) continue;
      slots[2 * hole] = slots[2 * j]!;
      slots[2 * hole + 1] = slots[2 * j + 1]!;
      hole = j;
    }
    slots[2 * hole] = 0;
    slots[2 * hole + 1] = 0;
  }

  #dropOldest(): void {
    const head = this.#head;
    this.#remove(this.#ring[2 * head]!, this.#ring[2 * head + 1]!);
    const created = this.#ringCreated[head]!;
    if (created > this.#floor) this.#floor = created;
    this.#head = (head + 1) % this.#opts.maxEntries;
    this.#size--;
  }
}

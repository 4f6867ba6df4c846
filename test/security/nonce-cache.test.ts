import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NonceCache } from '../../src/security/nonce-cache.js';

/** The cache's contract, written the obvious way: a list in arrival order and a floor. */
class ModelCache {
  readonly entries: { key: string; created: number }[] = [];
  floor = -Infinity;
  constructor(readonly windowMs: number, readonly maxEntries: number) {}
  check(nonce: Uint8Array, created: number, now: number): 'ok' | 'stale' | 'replay' {
    if (!Number.isFinite(created) || Math.abs(now - created) > this.windowMs || created <= this.floor) return 'stale';
    while (this.entries.length > 0 && now - this.entries[0]!.created > this.windowMs) this.drop();
    const key = Buffer.from(nonce).toString('hex');
    if (this.entries.some((e) => e.key === key)) return 'replay';
    if (this.entries.length === this.maxEntries) this.drop();
    this.entries.push({ key, created });
    return 'ok';
  }
  drop(): void {
    const e = this.entries.shift()!;
    this.floor = Math.max(this.floor, e.created);
  }
}

test('nonce cache agrees with the obvious model on arbitrary traffic (replays, eviction, expiry, clock jumps)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.array(
        fc.record({
          nonce: fc.uint8Array({ minLength: 0, maxLength: 20 }).map((b) => (b.length > 3 ? b : Uint8Array.of(b.length, ...b))),
          reuse: fc.nat(),
          reusing: fc.boolean(),
          createdOffset: fc.integer({ min: -1500, max: 1500 }),
          advance: fc.integer({ min: -300, max: 400 }),
        }),
        { maxLength: 400 },
      ),
      (maxEntries, steps) => {
        const real = new NonceCache({ windowMs: 1000, maxEntries });
        const model = new ModelCache(1000, maxEntries);
        const seen: Uint8Array[] = [];
        let now = 1_000_000;
        for (const s of steps) {
          now += s.advance;
          const nonce = s.reusing && seen.length ? seen[s.reuse % seen.length]! : s.nonce;
          seen.push(nonce);
          const created = now + s.createdOffset;
          assert.equal(real.check(nonce, created, now), model.check(nonce, created, now));
          assert.equal(real.size, model.entries.length);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('nonce cache: a full table of 200,000 distinct nonces, each replay refused, the oldest evicted one refused as stale', () => {
  const cache = new NonceCache({ windowMs: 300_000, maxEntries: 200_000 });
  const now = 1_700_000_000_000;
  const nonce = (i: number): Uint8Array => {
    const b = new Uint8Array(16);
    new DataView(b.buffer).setUint32(12, i); // counter nonces: only the last bytes differ
    return b;
  };
  for (let i = 0; i < 200_000; i++) assert.equal(cache.check(nonce(i), now - 200_000 + i, now), 'ok');
  for (let i = 0; i < 200_000; i += 997) assert.equal(cache.check(nonce(i), now - 200_000 + i, now), 'replay');
  assert.equal(cache.check(nonce(200_000), now, now), 'ok'); // evicts nonce 0
  assert.equal(cache.size, 200_000);
  assert.equal(cache.check(nonce(0), now - 200_000, now), 'stale');
  assert.equal(cache.check(nonce(1), now - 200_000 + 1, now), 'replay');
});

/**
 * Throttling of repeated authentication failures. After `maxFailures` failures from one source
 * address within `windowMs`, that source is locked out for `lockMs` (doubling on each further
 * lockout up to `maxLockMs`); during a lockout credentials are not even checked, so password
 * guessing gains nothing. Memory is bounded: at most `maxEntries` sources are tracked.
 */
export interface ThrottleOptions {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
  maxLockMs: number;
  maxEntries: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  maxFailures: 5,
  windowMs: 60_000,
  lockMs: 10_000,
  maxLockMs: 15 * 60_000,
  maxEntries: 50_000,
};

interface Entry {
  failures: number;
  windowStart: number;
  lockedUntil: number;
  lockouts: number;
}

export class AuthThrottle {
  readonly #opts: ThrottleOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(opts: Partial<ThrottleOptions> = {}, now: () => number = Date.now) {
    this.#opts = { ...DEFAULT_THROTTLE, ...opts };
    this.#now = now;
  }

  /** Milliseconds the source must still wait, or 0 when it may try. */
  lockedFor(source: string): number {
    const e = this.#entries.get(source);
    if (!e) return 0;
    return Math.max(0, e.lockedUntil - this.#now());
  }

  recordFailure(source: string): void {
    const now = this.#now();
    let e = this.#entries.get(source);
    if (!e) {
      if (this.#entries.size >= this.#opts.maxEntries) this.#evictOldest();
      e = { failures: 0, windowStart: now, lockedUntil: 0, lockouts: 0 };
      this.#entries.set(source, e);
    }
    if (now - e.windowStart > this.#opts.windowMs) {
      e.failures = 0;
      e.windowStart = now;
    }
    e.failures++;
    if (e.failures >= this.#opts.maxFailures) {
      const lock = Math.min(this.#opts.lockMs * 2 ** e.lockouts, this.#opts.maxLockMs);
      e.lockedUntil = now + lock;
      e.lockouts++;
      e.failures = 0;
      e.windowStart = now;
    }
  }

  recordSuccess(source: string): void {
    const e = this.#entries.get(source);
    if (e && e.lockedUntil <= this.#now()) this.#entries.delete(source);
  }

  #evictOldest(): void {
    // Map iteration order is insertion order: the first key is the longest-tracked source.
    const first = this.#entries.keys().next();
    if (!first.done) this.#entries.delete(first.value);
  }
}

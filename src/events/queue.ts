/**
 * A subscription's bounded message queue. A slow or absent consumer never makes the node hold
 * more than `capacity` messages for it. Overflow policy, applied when a message arrives at a
 * full queue (and so with the queue's order otherwise preserved):
 *
 * 1. drop the oldest queued non-property event;
 * 2. else drop the oldest queued property message that is superseded — a later message for the
 *    same property instance (topic + Source + Key) is queued or is the one arriving — so the
 *    latest state of every property is kept;
 * 3. else, if the arriving message is a non-property event, drop it (the queue then holds only
 *    the latest states of distinct properties, which are worth more than one more event);
 * 4. else drop the oldest message.
 *
 * Every dropped message is counted in `dropped`. A client that lost messages can ask for a
 * synchronization point to get every property's current state again.
 */
import type { PublishedEvent } from './message.js';

export class EventQueue {
  readonly capacity: number;
  #items: PublishedEvent[] = [];
  /** Queued messages per property instance, for finding superseded ones without a rescan. */
  readonly #perProperty = new Map<string, number>();
  #dropped = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('queue capacity must be a positive integer');
    this.capacity = capacity;
  }

  get length(): number {
    return this.#items.length;
  }

  /** Messages discarded by the overflow policy since the queue was created. */
  get dropped(): number {
    return this.#dropped;
  }

  push(ev: PublishedEvent): void {
    if (this.#items.length >= this.capacity && !this.#makeRoom(ev)) {
      this.#dropped++;
      return;
    }
    this.#items.push(ev);
    this.#count(ev, 1);
  }

  /** Removes and returns up to `limit` messages from the head. */
  take(limit: number): PublishedEvent[] {
    const out = this.#items.splice(0, Math.max(0, limit));
    for (const ev of out) this.#count(ev, -1);
    return out;
  }

  /** Puts messages back at the head (a delivery that failed), then trims to capacity. */
  requeue(batch: readonly PublishedEvent[]): void {
    this.#items.unshift(...batch);
    for (const ev of batch) this.#count(ev, 1);
    while (this.#items.length > this.capacity) {
      const last = this.#items.pop()!;
      this.#count(last, -1);
      if (!this.#makeRoom(last)) {
        this.#dropped++;
        continue;
      }
      this.#items.push(last);
      this.#count(last, 1);
    }
  }

  clear(): void {
    this.#items = [];
    this.#perProperty.clear();
  }

  /** Frees one slot for `incoming` following the policy; false when `incoming` itself is dropped. */
  #makeRoom(incoming: PublishedEvent): boolean {
    let victim = this.#items.findIndex((e) => e.propertyId === undefined);
    if (victim < 0) {
      victim = this.#items.findIndex(
        (e) => e.propertyId !== undefined && ((this.#perProperty.get(e.propertyId) ?? 0) > 1 || e.propertyId === incoming.propertyId),
      );
    }
    if (victim < 0) {
      if (incoming.propertyId === undefined) return false;
      victim = 0;
    }
    const [gone] = this.#items.splice(victim, 1);
    this.#count(gone!, -1);
    this.#dropped++;
    return true;
  }

  #count(ev: PublishedEvent, delta: number): void {
    if (ev.propertyId === undefined) return;
    const n = (this.#perProperty.get(ev.propertyId) ?? 0) + delta;
    if (n <= 0) this.#perProperty.delete(ev.propertyId);
    else this.#perProperty.set(ev.propertyId, n);
  }
}

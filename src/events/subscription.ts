/**
 * Subscriptions: a filter, a bounded queue (queue.ts documents the overflow policy), a
 * termination time, and one of two ways out — a pull point the client polls with PullMessages
 * (Core spec "Real-time Pull-Point Notification Interface"), or WS-BaseNotification Notify
 * messages pushed to a consumer ("Basic Notification Interface").
 *
 * Besides its queue, a subscription may hold a pending state cursor (state-provider.ts): the
 * "Initialized" states of provider-kept properties, enumerated only when the client takes
 * messages. Each batch is the queued messages first, then as many states as still fit.
 */
import { performance } from 'node:perf_hooks';
import { EventFault } from './errors.js';
import { applyFilter, type EventFilter } from './filters/registry.js';
import type { PublishedEvent } from './message.js';
import { EventQueue } from './queue.js';
import type { StateCursor } from './state-provider.js';

export interface SubscriptionInit {
  id: string;
  /** User name of the subscriber: only they may use the subscription. */
  owner: string;
  filter: EventFilter;
  /** tev:ChangedOnly policy: no Initialized/Deleted property messages. */
  changedOnly: boolean;
  /** Node-clock ms since the epoch. */
  terminationTime: number;
  queueCapacity: number;
}

export abstract class Subscription {
  readonly id: string;
  readonly owner: string;
  readonly filter: EventFilter;
  readonly changedOnly: boolean;
  terminationTime: number;
  protected readonly queue: EventQueue;
  #closed = false;
  #snapshot: StateCursor | undefined;

  constructor(init: SubscriptionInit) {
    this.id = init.id;
    this.owner = init.owner;
    this.filter = init.filter;
    this.changedOnly = init.changedOnly;
    this.terminationTime = init.terminationTime;
    this.queue = new EventQueue(init.queueCapacity);
  }

  abstract readonly kind: 'pull' | 'push';

  get closed(): boolean {
    return this.#closed;
  }

  get queued(): number {
    return this.queue.length;
  }

  get dropped(): number {
    return this.queue.dropped;
  }

  /** Whether provider-kept states are still to be reported. */
  get snapshotPending(): boolean {
    return this.#snapshot !== undefined;
  }

  /** Whether a batch taken now would not be empty (or might not: the cursor is not yet exhausted). */
  protected get hasPending(): boolean {
    return this.queue.length > 0 || this.#snapshot !== undefined;
  }

  /** Whether expiry must wait (a PullMessages is blocked on it). */
  get busy(): boolean {
    return false;
  }

  /** A message from the broker: queued when the filter and the subscription policy accept it. */
  offer(ev: PublishedEvent): void {
    if (this.#closed) return;
    if (this.changedOnly && ev.propertyOperation !== undefined && ev.propertyOperation !== 'Changed') return;
    // The pending cursor reports this property later, as it then is.
    if (this.#snapshot?.ahead(ev)) return;
    const out = applyFilter(this.filter, ev);
    if (!out) return;
    this.queue.push(out);
    this.wake();
  }

  /**
   * Queues property states ("Initialized" messages) that pass the filter: at creation, and at a
   * synchronization point. An explicit SetSynchronizationPoint is honoured even under ChangedOnly.
   */
  enqueueStates(states: readonly PublishedEvent[]): void {
    if (this.#closed) return;
    let any = false;
    for (const s of states) {
      const out = applyFilter(this.filter, s);
      if (!out) continue;
      this.queue.push(out);
      any = true;
    }
    if (any) this.wake();
  }

  /**
   * Reports provider-kept states through `cursor`, page by page as the client takes messages
   * (replacing a cursor still pending: a synchronization point starts the enumeration again).
   */
  startSnapshot(cursor: StateCursor | undefined): void {
    if (this.#closed || !cursor) return;
    this.#snapshot = cursor;
    this.wake();
  }

  /** Up to `limit` messages: the queued ones first, then states from the pending cursor. */
  protected takeBatch(limit: number): PublishedEvent[] {
    const out = this.queue.take(limit);
    const cursor = this.#snapshot;
    if (!cursor) return out;
    while (out.length < limit) {
      const s = cursor.next();
      if (!s) {
        this.#snapshot = undefined;
        break;
      }
      const sent = applyFilter(this.filter, s);
      if (sent) out.push(sent);
    }
    return out;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#snapshot = undefined;
    this.queue.clear();
    this.wake();
  }

  /** New messages are queued (or the subscription closed). */
  protected abstract wake(): void;
}

export class PullSubscription extends Subscription {
  readonly kind = 'pull' as const;
  #pulling = false;
  #wakeWaiter: (() => void) | undefined;

  override get busy(): boolean {
    return this.#pulling;
  }

  /**
   * PullMessages: returns queued messages (then pending states) at once; with none, waits until
   * one arrives (then returns everything queued by then, up to `limit`) or `timeoutMs` passes
   * (then returns none). A second concurrent pull is refused (Core spec: UnableToGetMessagesFault).
   */
  async pull(timeoutMs: number, limit: number): Promise<PublishedEvent[]> {
    if (this.closed) throw new EventFault('ResourceUnknown', 'no such subscription');
    if (this.#pulling) throw new EventFault('UnableToGetMessages', 'a PullMessages request is already waiting on this subscription');
    this.#pulling = true;
    try {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        if (this.closed) break;
        // Resumed after the publisher's synchronous run: messages produced together leave together.
        // An empty batch means the cursor (if any) is exhausted: nothing this filter accepts is left.
        if (this.hasPending) {
          const batch = this.takeBatch(limit);
          if (batch.length > 0) return batch;
        }
        const left = deadline - performance.now();
        if (left <= 0) return [];
        await new Promise<void>((resolve) => {
          // Not unref'd: a waiting request is real work. close() wakes it (and clears the timer).
          const timer = setTimeout(done, left);
          this.#wakeWaiter = done;
          function done(): void {
            clearTimeout(timer);
            resolve();
          }
        });
        this.#wakeWaiter = undefined;
      }
      throw new EventFault('ResourceUnknown', 'the subscription ended while PullMessages was waiting');
    } finally {
      this.#pulling = false;
    }
  }

  protected wake(): void {
    const w = this.#wakeWaiter;
    this.#wakeWaiter = undefined;
    w?.();
  }
}

/** Sends one wsnt:Notify with the given messages; rejects when the consumer did not take it. */
export interface NotifyTransport {
  send(events: readonly PublishedEvent[]): Promise<void>;
}

export interface PushPolicy {
  /** Messages per Notify. */
  batchSize: number;
  /** Back-off after the first failure, doubled after each further one, capped at retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Consecutive failed deliveries after which the subscription is dropped. */
  maxFailures: number;
}

export const DEFAULT_PUSH_POLICY: PushPolicy = { batchSize: 50, retryBaseMs: 1000, retryMaxMs: 30_000, maxFailures: 5 };

/**
 * A WS-BaseNotification subscription: queued messages go to the consumer in Notify batches, one
 * request at a time. A failed delivery is retried with exponential back-off (messages stay
 * queued, subject to the queue's overflow policy); after `maxFailures` consecutive failures the
 * subscription gives up and is removed.
 */
export class PushSubscription extends Subscription {
  readonly kind = 'push' as const;
  readonly #transport: NotifyTransport;
  readonly #policy: PushPolicy;
  readonly #onGiveUp: (sub: PushSubscription) => void;
  #inFlight = false;
  #scheduled = false;
  #failures = 0;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(init: SubscriptionInit, transport: NotifyTransport, policy: PushPolicy, onGiveUp: (sub: PushSubscription) => void) {
    super(init);
    this.#transport = transport;
    this.#policy = policy;
    this.#onGiveUp = onGiveUp;
  }

  get consecutiveFailures(): number {
    return this.#failures;
  }

  override close(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    super.close();
  }

  protected wake(): void {
    // Deferred so that messages published in one synchronous run share a Notify.
    if (this.#scheduled || this.closed) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#deliver();
    });
  }

  #deliver(): void {
    if (this.closed || this.#inFlight || this.#retryTimer || !this.hasPending) return;
    const batch = this.takeBatch(this.#policy.batchSize);
    if (batch.length === 0) return;
    this.#inFlight = true;
    this.#transport.send(batch).then(
      () => {
        this.#inFlight = false;
        this.#failures = 0;
        this.#deliver();
      },
      () => {
        this.#inFlight = false;
        if (this.closed) return;
        this.#failures++;
        if (this.#failures >= this.#policy.maxFailures) {
          this.#onGiveUp(this);
          return;
        }
        this.queue.requeue(batch);
        const delay = Math.min(this.#policy.retryMaxMs, this.#policy.retryBaseMs * 2 ** (this.#failures - 1));
        this.#retryTimer = setTimeout(() => {
          this.#retryTimer = undefined;
          this.#deliver();
        }, delay);
        this.#retryTimer.unref();
      },
    );
  }
}

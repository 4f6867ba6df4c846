/**
 * The subscription manager: creates pull points and WS-BaseNotification subscriptions with
 * unguessable ids, bounds their number, owns their lifetimes (termination time, Renew,
 * Unsubscribe, expiry), and checks that only the subscriber uses a subscription.
 *
 * Termination times (Core spec / WS-BaseNotification): a requested time that is not in the
 * future is refused (Unacceptable[Initial]TerminationTimeFault, with the acceptable range); a
 * later time than `maxTerminationMs` from now is shortened to that limit, which the response's
 * TerminationTime reports. A pull point stays alive while a PullMessages waits on it, and for at
 * least that request's Timeout after each response.
 */
import { randomBytes } from 'node:crypto';
import type { EventBroker } from './broker.js';
import { EventFault } from './errors.js';
import type { EventFilter } from './filters/registry.js';
import type { PublishedEvent } from './message.js';
import { DEFAULT_PUSH_POLICY, PullSubscription, PushSubscription, type NotifyTransport, type PushPolicy, type Subscription } from './subscription.js';
import { resolveTime, type AbsoluteOrRelativeTime } from './time.js';

export interface SubscriptionLimits {
  /** Pull points alive at once (tev:Capabilities MaxPullPoints). */
  maxPullPoints: number;
  /** WS-BaseNotification subscriptions alive at once (MaxNotificationProducers). */
  maxPushSubscriptions: number;
  /** Messages a subscription holds for its client (see queue.ts). */
  queueCapacity: number;
  /** When the client asks for no termination time. */
  defaultTerminationMs: number;
  maxTerminationMs: number;
}

export const DEFAULT_LIMITS: SubscriptionLimits = {
  maxPullPoints: 1000,
  maxPushSubscriptions: 100,
  queueCapacity: 1000,
  defaultTerminationMs: 60_000,
  maxTerminationMs: 3_600_000,
};

export interface ManagerOptions {
  /** The node's clock (ms since the epoch); termination times are on this clock. */
  now: () => number;
  limits?: Partial<SubscriptionLimits>;
  push?: Partial<PushPolicy>;
  /** How often expired subscriptions are removed (real time). 0 disables the timer. */
  sweepIntervalMs?: number;
  /** Called when a subscription ends, with the reason. */
  onEnded?: (sub: Subscription, reason: 'unsubscribed' | 'expired' | 'delivery-failed' | 'closed') => void;
}

export interface CreateRequest {
  owner: string;
  filter: EventFilter;
  changedOnly: boolean;
  /** InitialTerminationTime; undefined when absent or nil. */
  initialTermination: AbsoluteOrRelativeTime | undefined;
}

export class SubscriptionManager {
  readonly limits: SubscriptionLimits;
  readonly #broker: EventBroker;
  readonly #now: () => number;
  readonly #push: PushPolicy;
  readonly #subs = new Map<string, { sub: Subscription; detach: () => void }>();
  readonly #onEnded: ManagerOptions['onEnded'];
  #sweeper: NodeJS.Timeout | undefined;
  #pulls = 0;
  #pushes = 0;

  constructor(broker: EventBroker, opts: ManagerOptions) {
    this.#broker = broker;
    this.#now = opts.now;
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.#push = { ...DEFAULT_PUSH_POLICY, ...opts.push };
    this.#onEnded = opts.onEnded;
    const every = opts.sweepIntervalMs ?? 1000;
    if (every > 0) {
      this.#sweeper = setInterval(() => this.sweep(), every);
      this.#sweeper.unref();
    }
  }

  get counts(): { pull: number; push: number } {
    return { pull: this.#pulls, push: this.#pushes };
  }

  createPull(req: CreateRequest): PullSubscription {
    if (this.#pulls >= this.limits.maxPullPoints) {
      throw new EventFault('SubscribeCreationFailed', `the node serves at most ${this.limits.maxPullPoints} pull points; unsubscribe unused ones`);
    }
    const sub = new PullSubscription({ ...this.#init(req), queueCapacity: this.limits.queueCapacity });
    this.#add(sub, req.changedOnly);
    return sub;
  }

  createPush(req: CreateRequest, transport: NotifyTransport): PushSubscription {
    if (this.#pushes >= this.limits.maxPushSubscriptions) {
      throw new EventFault('SubscribeCreationFailed', `the node serves at most ${this.limits.maxPushSubscriptions} notification subscriptions`);
    }
    const sub = new PushSubscription({ ...this.#init(req), queueCapacity: this.limits.queueCapacity }, transport, this.#push, (s) =>
      this.#end(s, 'delivery-failed'),
    );
    this.#add(sub, req.changedOnly);
    return sub;
  }

  /**
   * The subscription `id` for `owner`: ResourceUnknown when it does not exist (or has expired),
   * NotAuthorized when it belongs to someone else.
   */
  lookup(id: string, owner: string): Subscription {
    const entry = this.#subs.get(id);
    if (!entry || this.#expired(entry.sub)) {
      if (entry) this.#end(entry.sub, 'expired');
      throw new EventFault('ResourceUnknown', 'no such subscription (it may have expired or been unsubscribed)');
    }
    if (entry.sub.owner !== owner) throw new EventFault('NotAuthorized', 'the subscription belongs to another user');
    return entry.sub;
  }

  /** PullMessages, keeping the pull point alive for `timeoutMs` after the response. */
  async pull(sub: PullSubscription, timeoutMs: number, limit: number): Promise<PublishedEvent[]> {
    try {
      return await sub.pull(timeoutMs, limit);
    } finally {
      if (!sub.closed) sub.terminationTime = Math.max(sub.terminationTime, this.#now() + timeoutMs);
    }
  }

  /** Renew: sets and returns the new termination time. */
  renew(sub: Subscription, requested: AbsoluteOrRelativeTime | undefined): number {
    sub.terminationTime = this.#termination(requested, 'UnacceptableTerminationTime');
    return sub.terminationTime;
  }

  unsubscribe(sub: Subscription): void {
    this.#end(sub, 'unsubscribed');
  }

  /** SetSynchronizationPoint: every current property state matching the filter, as Initialized. */
  synchronize(sub: Subscription): void {
    sub.enqueueStates(this.#broker.currentStates());
    sub.startSnapshot(this.#broker.openProvidedStates('synchronize'));
  }

  /** Ends every subscription whose termination time has passed; returns how many. */
  sweep(): number {
    let n = 0;
    for (const { sub } of [...this.#subs.values()]) {
      if (this.#expired(sub)) {
        this.#end(sub, 'expired');
        n++;
      }
    }
    return n;
  }

  close(): void {
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    for (const { sub } of [...this.#subs.values()]) this.#end(sub, 'closed');
  }

  #expired(sub: Subscription): boolean {
    return !sub.busy && this.#now() >= sub.terminationTime;
  }

  #init(req: CreateRequest): { id: string; owner: string; filter: EventFilter; changedOnly: boolean; terminationTime: number } {
    return {
      id: randomBytes(18).toString('base64url'),
      owner: req.owner,
      filter: req.filter,
      changedOnly: req.changedOnly,
      terminationTime: this.#termination(req.initialTermination, 'UnacceptableInitialTerminationTime'),
    };
  }

  #termination(requested: AbsoluteOrRelativeTime | undefined, fault: 'UnacceptableInitialTerminationTime' | 'UnacceptableTerminationTime'): number {
    const now = this.#now();
    const max = now + this.limits.maxTerminationMs;
    if (requested === undefined) return Math.min(now + this.limits.defaultTerminationMs, max);
    let at: number;
    try {
      at = resolveTime(requested, now);
    } catch {
      at = Number.POSITIVE_INFINITY;
    }
    if (at <= now) {
      throw new EventFault(fault, 'the requested termination time is not in the future', { minimumTime: now + 1000, maximumTime: max });
    }
    return Math.min(at, max);
  }

  #add(sub: Subscription, changedOnly: boolean): void {
    // Properties alive now are reported first (Core spec "Property Events"), unless ChangedOnly.
    // Provider-kept states (e.g. resources) follow lazily, as the client takes messages.
    if (!changedOnly) {
      sub.enqueueStates(this.#broker.currentStates());
      sub.startSnapshot(this.#broker.openProvidedStates('subscribe'));
    }
    const detach = this.#broker.attach(sub);
    this.#subs.set(sub.id, { sub, detach });
    if (sub.kind === 'pull') this.#pulls++;
    else this.#pushes++;
  }

  #end(sub: Subscription, reason: 'unsubscribed' | 'expired' | 'delivery-failed' | 'closed'): void {
    const entry = this.#subs.get(sub.id);
    if (!entry) return;
    this.#subs.delete(sub.id);
    entry.detach();
    if (sub.kind === 'pull') this.#pulls--;
    else this.#pushes--;
    sub.close();
    this.#onEnded?.(sub, reason);
  }
}

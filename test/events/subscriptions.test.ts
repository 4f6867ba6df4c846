import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBroker } from '../../src/events/broker.js';
import { EventFault } from '../../src/events/errors.js';
import { ACCEPT_ALL, type EventFilter } from '../../src/events/filters/registry.js';
import type { PublishedEvent } from '../../src/events/message.js';
import { PullSubscription, PushSubscription, type Subscription } from '../../src/events/subscription.js';
import { SubscriptionManager, type ManagerOptions } from '../../src/events/subscriptions.js';
import { parseAbsoluteOrRelativeTime } from '../../src/events/time.js';

const T0 = Date.UTC(2025, 0, 1);

function world(opts: Partial<ManagerOptions> = {}) {
  const b = new EventBroker();
  b.declareTopic({ topic: 'tns1:VideoSource/MotionAlarm', isProperty: true, messageDescription: { source: [{ name: 'Source', type: 'tt:ReferenceToken' }], data: [{ name: 'State', type: 'xs:boolean' }] } });
  b.declareTopic({ topic: 'tns1:Device/HardwareFailure/StorageFailure', isProperty: false, messageDescription: { data: [{ name: 'Failed', type: 'xs:boolean' }] } });
  const clock = { now: T0 };
  const ended: [string, string][] = [];
  const m = new SubscriptionManager(b, { now: () => clock.now, sweepIntervalMs: 0, onEnded: (s, r) => ended.push([s.id, r]), ...opts });
  const motion = (src: string, state: string, op?: 'Deleted'): PublishedEvent =>
    b.publish({ topic: 'tns1:VideoSource/MotionAlarm', utcTime: new Date(clock.now), propertyOperation: op, source: [['Source', src]], data: op ? [] : [['State', state]] });
  const failure = (): PublishedEvent => b.publish({ topic: 'tns1:Device/HardwareFailure/StorageFailure', utcTime: new Date(clock.now), source: [], data: [['Failed', 'true']] });
  const pull = (owner = 'alice', extra: { filter?: EventFilter; changedOnly?: boolean; initial?: string } = {}): PullSubscription =>
    m.createPull({
      owner,
      filter: extra.filter ?? ACCEPT_ALL,
      changedOnly: extra.changedOnly ?? false,
      initialTermination: extra.initial === undefined ? undefined : parseAbsoluteOrRelativeTime(extra.initial),
    });
  return { b, m, clock, ended, motion, failure, pull };
}

const ops = (evs: PublishedEvent[]): string[] => evs.map((e) => `${e.topic.path.at(-1)!.name}:${e.propertyOperation ?? '-'}:${e.source[0]?.value ?? ''}`);

function faultOf(fn: () => unknown): EventFault {
  try {
    fn();
  } catch (e) {
    if (e instanceof EventFault) return e;
    throw e;
  }
  assert.fail('no fault');
}

async function rejectsWith(p: Promise<unknown>, kind: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof EventFault && e.kind === kind);
}

describe('pull points', () => {
  test('a new pull point first reports every live property as Initialized, then what happens', async () => {
    const w = world();
    w.motion('vs1', 'false');
    w.motion('vs2', 'true');
    w.motion('vs1', 'true');
    const sub = w.pull();
    w.failure();
    w.motion('vs2', 'false');
    assert.deepEqual(ops(await w.m.pull(sub, 0, 100)), [
      'MotionAlarm:Initialized:vs1',
      'MotionAlarm:Initialized:vs2',
      'StorageFailure:-:',
      'MotionAlarm:Changed:vs2',
    ]);
  });

  test('MessageLimit: at most that many per pull; the rest stay for the next pull', async () => {
    const w = world();
    const sub = w.pull();
    for (let i = 0; i < 5; i++) w.failure();
    assert.equal((await w.m.pull(sub, 0, 2)).length, 2);
    assert.equal((await w.m.pull(sub, 0, 2)).length, 2);
    assert.equal((await w.m.pull(sub, 0, 2)).length, 1);
    assert.equal((await w.m.pull(sub, 0, 2)).length, 0);
  });

  test('a waiting pull wakes on publish and takes the messages published together', { timeout: 20_000 }, async () => {
    const w = world();
    const sub = w.pull();
    // Ten minutes: only a wake-up lets this finish within the test's timeout.
    const pending = w.m.pull(sub, 600_000, 100);
    await new Promise((r) => setImmediate(r));
    w.failure();
    w.motion('vs1', 'true');
    w.failure();
    assert.deepEqual(ops(await pending), ['StorageFailure:-:', 'MotionAlarm:Initialized:vs1', 'StorageFailure:-:']);
  });

  test('a pull with nothing to report returns none once its Timeout passes', async () => {
    const w = world();
    assert.deepEqual(await w.m.pull(w.pull(), 30, 10), []);
  });

  test('a second PullMessages while one waits gets UnableToGetMessages', async () => {
    const w = world();
    const sub = w.pull();
    const first = w.m.pull(sub, 600_000, 10);
    await rejectsWith(w.m.pull(sub, 10, 10), 'UnableToGetMessages');
    w.m.unsubscribe(sub);
    // Unsubscribing wakes the waiting pull, which then reports the subscription gone.
    await rejectsWith(first, 'ResourceUnknown');
    assert.equal(faultOf(() => w.m.lookup(sub.id, 'alice')).kind, 'ResourceUnknown');
  });

  test('only the subscriber may use a subscription', () => {
    const w = world();
    const sub = w.pull('alice');
    assert.equal(w.m.lookup(sub.id, 'alice'), sub);
    assert.equal(faultOf(() => w.m.lookup(sub.id, 'mallory')).kind, 'NotAuthorized');
    assert.equal(faultOf(() => w.m.lookup('no-such-id', 'alice')).kind, 'ResourceUnknown');
    assert.match(sub.id, /^[A-Za-z0-9_-]{24}$/);
    assert.notEqual(w.pull().id, sub.id);
  });

  test('ChangedOnly: no Initialized or Deleted, but an explicit synchronization point still reports states', async () => {
    const w = world();
    w.motion('vs1', 'false');
    const sub = w.pull('alice', { changedOnly: true });
    w.motion('vs2', 'false');
    w.motion('vs1', 'true');
    w.motion('vs2', '', 'Deleted');
    assert.deepEqual(ops(await w.m.pull(sub, 0, 10)), ['MotionAlarm:Changed:vs1']);
    w.m.synchronize(sub);
    assert.deepEqual(ops(await w.m.pull(sub, 0, 10)), ['MotionAlarm:Initialized:vs1']);
  });

  test('SetSynchronizationPoint re-sends the current states matching the filter as Initialized', async () => {
    const w = world();
    const onlyVs2: EventFilter = { accepts: (ev) => ev.source[0]?.value === 'vs2' };
    const sub = w.pull('alice', { filter: onlyVs2 });
    w.motion('vs1', 'true');
    w.motion('vs2', 'true');
    w.motion('vs2', 'false');
    assert.deepEqual(ops(await w.m.pull(sub, 0, 10)), ['MotionAlarm:Initialized:vs2', 'MotionAlarm:Changed:vs2']);
    w.m.synchronize(sub);
    const again = await w.m.pull(sub, 0, 10);
    assert.deepEqual(ops(again), ['MotionAlarm:Initialized:vs2']);
    assert.match(again[0]!.messageXml.s, /Name="State" Value="false"/);
  });

  test('a slow puller: the queue stays bounded and counts what it dropped', async () => {
    const w = world({ limits: { queueCapacity: 10 } });
    const sub = w.pull();
    for (let i = 0; i < 1000; i++) w.failure();
    w.motion('vs1', 'true');
    assert.equal(sub.queued, 10);
    assert.equal(sub.dropped, 991);
    const got = await w.m.pull(sub, 0, 100);
    assert.equal(got.length, 10);
    assert.ok(ops(got).includes('MotionAlarm:Initialized:vs1'), 'the property state survives the overflow');
  });
});

describe('limits and lifetimes', () => {
  test('the number of pull points is bounded (SubscribeCreationFailed), and freed by Unsubscribe', () => {
    const w = world({ limits: { maxPullPoints: 2 } });
    const a = w.pull();
    w.pull();
    assert.equal(faultOf(() => w.pull()).kind, 'SubscribeCreationFailed');
    w.m.unsubscribe(a);
    assert.ok(w.pull());
    assert.deepEqual(w.m.counts, { pull: 2, push: 0 });
  });

  test('InitialTerminationTime: default, relative, absolute, capped at the maximum, refused in the past', () => {
    const w = world({ limits: { defaultTerminationMs: 60_000, maxTerminationMs: 3_600_000 } });
    assert.equal(w.pull().terminationTime, T0 + 60_000);
    assert.equal(w.pull('alice', { initial: 'PT2M' }).terminationTime, T0 + 120_000);
    assert.equal(w.pull('alice', { initial: '2025-01-01T00:30:00Z' }).terminationTime, T0 + 1_800_000);
    assert.equal(w.pull('alice', { initial: 'P1Y' }).terminationTime, T0 + 3_600_000);
    assert.equal(w.pull('alice', { initial: 'P999999999999Y' }).terminationTime, T0 + 3_600_000);
    for (const bad of ['PT0S', '-PT5S', '2024-12-31T23:59:59Z']) {
      const f = faultOf(() => w.pull('alice', { initial: bad }));
      assert.equal(f.kind, 'UnacceptableInitialTerminationTime', bad);
      assert.equal(f.info.maximumTime, T0 + 3_600_000);
      assert.ok(f.info.minimumTime! > T0);
    }
  });

  test('Renew extends the termination time; an unacceptable one is refused', () => {
    const w = world();
    const sub = w.pull('alice', { initial: 'PT10S' });
    w.clock.now += 5000;
    assert.equal(w.m.renew(sub, parseAbsoluteOrRelativeTime('PT60S')), w.clock.now + 60_000);
    assert.equal(sub.terminationTime, w.clock.now + 60_000);
    assert.equal(faultOf(() => w.m.renew(sub, parseAbsoluteOrRelativeTime('2000-01-01T00:00:00Z'))).kind, 'UnacceptableTerminationTime');
  });

  test('expiry: a subscription past its termination time is gone, for lookups and sweeps alike', () => {
    const w = world();
    const a = w.pull('alice', { initial: 'PT10S' });
    const b = w.pull('alice', { initial: 'PT30S' });
    w.clock.now += 10_000;
    assert.equal(faultOf(() => w.m.lookup(a.id, 'alice')).kind, 'ResourceUnknown');
    assert.equal(w.m.lookup(b.id, 'alice'), b);
    w.clock.now += 20_000;
    assert.equal(w.m.sweep(), 1);
    assert.ok(b.closed);
    assert.deepEqual(w.ended.map(([, r]) => r), ['expired', 'expired']);
    assert.equal(w.b.sinkCount, 0, 'expired subscriptions no longer receive messages');
  });

  test('a pull point does not expire while a PullMessages waits, and lives for Timeout after the answer', async () => {
    const w = world();
    const sub = w.pull('alice', { initial: 'PT10S' });
    const pending = w.m.pull(sub, 50, 10);
    w.clock.now += 60_000;
    assert.equal(w.m.sweep(), 0);
    assert.deepEqual(await pending, []);
    assert.equal(sub.terminationTime, w.clock.now + 50);
    assert.equal(w.m.lookup(sub.id, 'alice'), sub);
  });

  test('close() ends everything', () => {
    const w = world();
    w.pull();
    w.pull();
    w.m.close();
    assert.deepEqual(w.m.counts, { pull: 0, push: 0 });
    assert.deepEqual(w.ended.map(([, r]) => r), ['closed', 'closed']);
  });
});

/** Waits until `cond` holds, turning the event loop (bounded, so a bug fails rather than hangs). */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  assert.ok(cond(), `timed out waiting for ${what}`);
}

describe('WS-BaseNotification push', () => {
  test('delivers in Notify batches, one request at a time, in order', async () => {
    const w = world({ push: { batchSize: 2 } });
    const batches: string[][] = [];
    let inFlight = 0;
    const sub = w.m.createPush({ owner: 'alice', filter: ACCEPT_ALL, changedOnly: false, initialTermination: undefined }, {
      async send(events) {
        assert.equal(++inFlight, 1);
        batches.push(events.map((e) => e.data[0]!.value as string));
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
      },
    });
    assert.ok(sub instanceof PushSubscription);
    for (const s of ['true', 'false', 'true']) w.motion('vs1', s);
    w.failure();
    await until(() => batches.flat().length === 4, 'all four messages');
    assert.deepEqual(batches.flat(), ['true', 'false', 'true', 'true']);
    assert.ok(batches.every((b) => b.length <= 2));
  });

  test('failed deliveries are retried with back-off, and after repeated failures the subscription is dropped', async () => {
    const w = world({ push: { retryBaseMs: 1, retryMaxMs: 4, maxFailures: 4 } });
    let attempts = 0;
    let failUntil = 2;
    const delivered: string[] = [];
    const sub: Subscription = w.m.createPush({ owner: 'alice', filter: ACCEPT_ALL, changedOnly: false, initialTermination: undefined }, {
      async send(events) {
        attempts++;
        if (attempts <= failUntil) throw new Error('consumer down');
        delivered.push(...events.map((e) => e.data[0]!.value as string));
      },
    });
    w.failure();
    await until(() => delivered.length === 1, 'delivery after two failures');
    assert.equal(attempts, 3);
    assert.equal((sub as PushSubscription).consecutiveFailures, 0, 'a success resets the failure count');

    failUntil = Number.POSITIVE_INFINITY;
    w.failure();
    await until(() => sub.closed, 'the subscription to be dropped');
    assert.equal(attempts, 3 + 4);
    assert.deepEqual(w.ended.at(-1), [sub.id, 'delivery-failed']);
    assert.equal(w.m.counts.push, 0);
    assert.equal(faultOf(() => w.m.lookup(sub.id, 'alice')).kind, 'ResourceUnknown');
  });

  test('the number of push subscriptions is bounded', () => {
    const w = world({ limits: { maxPushSubscriptions: 1 } });
    const transport = { send: async () => undefined };
    w.m.createPush({ owner: 'a', filter: ACCEPT_ALL, changedOnly: false, initialTermination: undefined }, transport);
    assert.equal(faultOf(() => w.m.createPush({ owner: 'a', filter: ACCEPT_ALL, changedOnly: false, initialTermination: undefined }, transport)).kind, 'SubscribeCreationFailed');
  });
});

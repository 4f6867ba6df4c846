/**
 * State providers (events/state-provider.ts) in the event core: the broker keeps no state for a
 * provider's topics and insists on explicit operations; cursors are concatenated in order and
 * only unexhausted ones hold live messages back; pull and push subscriptions take the states
 * batch by batch (queued messages first), reshaped by a filter's `select`; a synchronization
 * point restarts the enumeration; ChangedOnly subscriptions get none.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBroker } from '../../src/events/broker.js';
import { ACCEPT_ALL, type EventFilter } from '../../src/events/filters/registry.js';
import { lazyEvent, withData, withOperation, type PublishedEvent } from '../../src/events/message.js';
import { concatCursors, type CursorPurpose, type PropertyStateProvider, type StateCursor } from '../../src/events/state-provider.js';
import { SubscriptionManager } from '../../src/events/subscriptions.js';

const T = new Date(Date.UTC(2025, 0, 1));

/** A provider of `n` numbered states on tns1:Test/Thing; `ahead` holds back numbers not yet read. */
function numbered(b: EventBroker, n: number): PropertyStateProvider & { reads: number; purposes: CursorPurpose[] } {
  const topic = b.declareTopic({ topic: 'tns1:Test/Thing', isProperty: true, messageDescription: { source: [{ name: 'Id', type: 'xs:int' }], data: [{ name: 'V', type: 'xs:int' }] } });
  const p = {
    reads: 0,
    purposes: [] as CursorPurpose[],
    owns: (k: string) => k === topic.key,
    open(purpose: CursorPurpose): StateCursor {
      p.purposes.push(purpose);
      let i = 0;
      return {
        next: () => {
          if (i >= n) return undefined;
          p.reads++;
          i++;
          return lazyEvent(topic, T, 'Initialized', [{ name: 'Id', value: String(i) }], [], [{ name: 'V', value: '0' }]);
        },
        ahead: (ev) => i < n && Number(ev.source[0]!.value) > i && Number(ev.source[0]!.value) <= n,
      };
    },
  };
  return p;
}

const ids = (evs: readonly PublishedEvent[]): string[] => evs.map((e) => `${e.propertyOperation ?? '-'}:${e.source[0]?.value ?? ''}`);

describe('state providers', () => {
  test('the broker keeps no state for provided topics and wants their operation', () => {
    const b = new EventBroker();
    b.addStateProvider(numbered(b, 3));
    assert.throws(() => b.publish({ topic: 'tns1:Test/Thing', utcTime: T, source: [['Id', '1']], data: [['V', '1']] }), /carry their PropertyOperation/);
    b.publish({ topic: 'tns1:Test/Thing', utcTime: T, propertyOperation: 'Changed', source: [['Id', '1']], data: [['V', '1']] });
    assert.deepEqual(b.currentStates(), []);
    assert.equal(b.lastMessage(b.topics()[0]!.key)!.propertyOperation, 'Changed');
  });

  test('concatCursors: in order; exhausted cursors hold nothing back', () => {
    const mk = (name: string, n: number): StateCursor => {
      let i = 0;
      return { next: () => (i < n ? ({ source: [{ name, value: String(++i) }] } as unknown as PublishedEvent) : undefined), ahead: (ev) => i < n && ev.source[0]!.name === name };
    };
    const c = concatCursors([mk('a', 2), mk('b', 1)])!;
    const probe = (name: string): PublishedEvent => ({ source: [{ name, value: '9' }] }) as unknown as PublishedEvent;
    assert.ok(c.ahead(probe('a')) && c.ahead(probe('b')));
    const got: string[] = [];
    for (let e = c.next(); e; e = c.next()) got.push(`${e.source[0]!.name}${e.source[0]!.value as string}`);
    assert.deepEqual(got, ['a1', 'a2', 'b1']);
    assert.ok(!c.ahead(probe('a')) && !c.ahead(probe('b')));
    assert.equal(concatCursors([]), undefined);
  });

  test('pull: queued messages first, then states; nothing read before the client pulls; select applies', async () => {
    const b = new EventBroker();
    const p = numbered(b, 5);
    b.addStateProvider(p);
    const m = new SubscriptionManager(b, { now: () => T.getTime(), sweepIntervalMs: 0 });
    const tag: EventFilter = { accepts: () => true, select: (ev) => withData(ev, [{ name: 'V', value: 'selected' }]) };
    const sub = m.createPull({ owner: 'u', filter: tag, changedOnly: false, initialTermination: undefined });
    assert.equal(p.reads, 0);
    assert.ok(sub.snapshotPending);
    b.publish({ topic: 'tns1:Test/Thing', utcTime: T, propertyOperation: 'Changed', source: [['Id', '4']], data: [['V', '1']] });
    b.publish({ topic: 'tns1:Test/Thing', utcTime: T, propertyOperation: 'Deleted', source: [['Id', '9']], data: [] });
    const first = await m.pull(sub, 0, 2);
    assert.deepEqual(ids(first), ['Deleted:9', 'Initialized:1'], 'Changed 4 is held back: the cursor reports 4 later');
    assert.equal(p.reads, 1);
    assert.deepEqual(first[1]!.data, [{ name: 'V', value: 'selected' }]);
    assert.match(first[1]!.messageXml.s, /<tt:SimpleItem Name="V" Value="selected"\/>/);
    assert.deepEqual(ids(await m.pull(sub, 0, 10)), ['Initialized:2', 'Initialized:3', 'Initialized:4', 'Initialized:5']);
    assert.ok(!sub.snapshotPending);
    b.publish({ topic: 'tns1:Test/Thing', utcTime: T, propertyOperation: 'Changed', source: [['Id', '4']], data: [['V', '2']] });
    assert.deepEqual(ids(await m.pull(sub, 0, 10)), ['Changed:4']);
    m.synchronize(sub);
    assert.deepEqual(p.purposes, ['subscribe', 'synchronize']);
    assert.equal((await m.pull(sub, 0, 10)).length, 5);
    const co = m.createPull({ owner: 'u', filter: ACCEPT_ALL, changedOnly: true, initialTermination: undefined });
    assert.ok(!co.snapshotPending);
    m.close();
  });

  test('push: states go out in Notify batches, one batch at a time', async () => {
    const b = new EventBroker();
    const p = numbered(b, 120);
    b.addStateProvider(p);
    const m = new SubscriptionManager(b, { now: () => T.getTime(), sweepIntervalMs: 0, push: { batchSize: 50 } });
    const batches: number[] = [];
    const readsAtSend: number[] = [];
    let release: () => void = () => undefined;
    m.createPush({ owner: 'u', filter: ACCEPT_ALL, changedOnly: false, initialTermination: undefined }, {
      send: (evs) => {
        batches.push(evs.length);
        readsAtSend.push(p.reads);
        return new Promise<void>((r) => (release = r));
      },
    });
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setImmediate(r));
      release();
    }
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(batches, [50, 50, 20]);
    assert.deepEqual(readsAtSend, [50, 100, 120], 'the cursor is read one batch ahead at most');
    m.close();
  });

  test('withOperation copies a lazily serialized event field by field', () => {
    const b = new EventBroker();
    const topic = b.declareTopic({ topic: 'tns1:Test/Other', isProperty: true, messageDescription: {} });
    const ev = lazyEvent(topic, T, 'Changed', [{ name: 'Id', value: '1' }], [], []);
    const init = withOperation(ev, 'Initialized');
    assert.equal(init.propertyId, ev.propertyId);
    assert.equal(init.topicXml.s, ev.topicXml.s);
    assert.match(init.messageXml.s, /PropertyOperation="Initialized"/);
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EventBroker } from '../../src/events/broker.js';
import type { PublishedEvent } from '../../src/events/message.js';
import { EventQueue } from '../../src/events/queue.js';

const b = new EventBroker();
b.declareTopic({ topic: 'tns1:P', isProperty: true, messageDescription: { source: [{ name: 'S', type: 'xs:string' }], data: [{ name: 'V', type: 'xs:int' }] } });
b.declareTopic({ topic: 'tns1:E', isProperty: false, messageDescription: { data: [{ name: 'V', type: 'xs:int' }] } });
let seq = 0;
/** A property message for instance `s` (value = a global sequence number), or an event. */
const prop = (s: string): PublishedEvent => b.publish({ topic: 'tns1:P', utcTime: new Date(0), source: [['S', s]], data: [['V', String(++seq)]] });
const event = (): PublishedEvent => b.publish({ topic: 'tns1:E', utcTime: new Date(0), source: [], data: [['V', String(++seq)]] });
const label = (e: PublishedEvent): string => (e.propertyId ? `${e.source[0]!.value}${e.data[0]!.value}` : `e${e.data[0]!.value}`);

describe('EventQueue overflow policy', () => {
  test('1: the oldest non-property event goes first', () => {
    seq = 0;
    const q = new EventQueue(3);
    [prop('a'), event(), event()].forEach((e) => q.push(e));
    q.push(prop('b'));
    assert.deepEqual(q.take(10).map(label), ['a1', 'e3', 'b4']);
    assert.equal(q.dropped, 1);
  });

  test('2: then a property message superseded by a later one for the same instance', () => {
    seq = 0;
    const q = new EventQueue(3);
    [prop('a'), prop('b'), prop('a')].forEach((e) => q.push(e));
    q.push(prop('c'));
    assert.deepEqual(q.take(10).map(label), ['b2', 'a3', 'c4']);
    // …or by the arriving message itself.
    seq = 0;
    [prop('a'), prop('b'), prop('c')].forEach((e) => q.push(e));
    q.push(prop('b'));
    assert.deepEqual(q.take(10).map(label), ['a1', 'c3', 'b4']);
  });

  test('3: an arriving event is dropped rather than a live property state', () => {
    seq = 0;
    const q = new EventQueue(2);
    [prop('a'), prop('b')].forEach((e) => q.push(e));
    q.push(event());
    assert.deepEqual(q.take(10).map(label), ['a1', 'b2']);
    assert.equal(q.dropped, 1);
  });

  test('4: with only distinct live states, the oldest goes', () => {
    seq = 0;
    const q = new EventQueue(2);
    [prop('a'), prop('b'), prop('c')].forEach((e) => q.push(e));
    assert.deepEqual(q.take(10).map(label), ['b2', 'c3']);
  });

  test('requeue puts a failed batch back in front and trims by the same policy', () => {
    seq = 0;
    const q = new EventQueue(3);
    [event(), prop('a'), event()].forEach((e) => q.push(e));
    const batch = q.take(2);
    [prop('b'), prop('c')].forEach((e) => q.push(e));
    q.requeue(batch);
    // e1 (oldest event) is gone; a2 is back in front.
    assert.deepEqual(q.take(10).map(label), ['a2', 'b4', 'c5']);
  });

  test('fuzz: bounded, order kept, and every live property keeps its latest state when instances ≤ capacity', () => {
    const op = fc.oneof(
      fc.constantFrom('a', 'b', 'c', 'd').map((s) => ({ kind: 'prop' as const, s })),
      fc.constant({ kind: 'event' as const }),
      fc.integer({ min: 0, max: 3 }).map((n) => ({ kind: 'take' as const, n })),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 60 }), (capacity, ops) => {
        const q = new EventQueue(capacity);
        const latest = new Map<string, PublishedEvent>();
        const delivered = new Set<PublishedEvent>();
        const pushedOrder: PublishedEvent[] = [];
        for (const o of ops) {
          if (o.kind === 'take') {
            for (const e of q.take(o.n)) delivered.add(e);
            continue;
          }
          const e = o.kind === 'prop' ? prop(o.s) : event();
          if (e.propertyId) latest.set(e.propertyId, e);
          pushedOrder.push(e);
          q.push(e);
          assert.ok(q.length <= capacity);
        }
        const rest = q.take(capacity);
        assert.equal(q.length, 0);
        // Order: what is left is a subsequence of what was pushed.
        let i = 0;
        for (const e of rest) {
          i = pushedOrder.indexOf(e, i);
          assert.ok(i >= 0);
        }
        if (latest.size <= capacity) {
          for (const e of latest.values()) assert.ok(delivered.has(e) || rest.includes(e), `latest state ${label(e)} was lost`);
        }
      }),
      { numRuns: 1500 },
    );
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBroker } from '../../src/events/broker.js';
import type { PublishedEvent } from '../../src/events/message.js';
import { raw } from '../../src/xml/write.js';

const MOTION = 'tns1:VideoSource/MotionAlarm';
const T = new Date('2024-05-01T10:00:00.250Z');

function broker(): { b: EventBroker; seen: PublishedEvent[] } {
  const b = new EventBroker();
  b.declareTopic({
    topic: MOTION,
    isProperty: true,
    messageDescription: { source: [{ name: 'Source', type: 'tt:ReferenceToken' }], data: [{ name: 'State', type: 'xs:boolean' }] },
  });
  b.declareTopic({ topic: 'tns1:Device/HardwareFailure/StorageFailure', isProperty: false, messageDescription: { data: [{ name: 'Failed', type: 'xs:boolean' }] } });
  const seen: PublishedEvent[] = [];
  b.attach({ offer: (ev) => seen.push(ev) });
  return { b, seen };
}

describe('EventBroker', () => {
  test('serializes the tt:Message once, SimpleItems before ElementItems, with UtcTime and PropertyOperation', () => {
    const { b, seen } = broker();
    b.declareTopic({
      topic: 'tns1:Device/Location',
      isProperty: false,
      messageDescription: { data: [{ name: 'Where', type: 'tt:GeoLocation', element: true }, { name: 'Note', type: 'xs:string' }] },
    });
    b.publish({ topic: 'tns1:Device/Location', utcTime: T, source: [], data: [['Where', raw('<tt:GeoLocation lon="1"/>')], ['Note', 'a<b']] });
    const ev = seen[0]!;
    assert.equal(
      ev.messageXml.s,
      '<tt:Message UtcTime="2024-05-01T10:00:00.250Z"><tt:Data><tt:SimpleItem Name="Note" Value="a&lt;b"/><tt:ElementItem Name="Where"><tt:GeoLocation lon="1"/></tt:ElementItem></tt:Data></tt:Message>',
    );
    assert.equal(ev.topicXml.s, '<wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">tns1:Device/Location</wsnt:Topic>');
  });

  test('property states: Initialized for a new instance, Changed after, Deleted ends it', () => {
    const { b, seen } = broker();
    b.publish({ topic: MOTION, utcTime: T, source: [['Source', 'vs1']], data: [['State', 'false']] });
    b.publish({ topic: MOTION, utcTime: T, source: [['Source', 'vs2']], data: [['State', 'false']] });
    b.publish({ topic: MOTION, utcTime: T, source: [['Source', 'vs1']], data: [['State', 'true']] });
    assert.deepEqual(seen.map((e) => e.propertyOperation), ['Initialized', 'Initialized', 'Changed']);
    const states = b.currentStates();
    assert.equal(states.length, 2);
    assert.ok(states.every((s) => s.propertyOperation === 'Initialized'));
    assert.match(states[0]!.messageXml.s, /PropertyOperation="Initialized".*Name="State" Value="true"/);
    // The Initialized rendering is built once and reused.
    assert.equal(b.currentStates()[0], states[0]);

    b.publish({ topic: MOTION, utcTime: T, propertyOperation: 'Deleted', source: [['Source', 'vs1']], data: [] });
    assert.deepEqual(b.currentStates().map((s) => s.source[0]!.value), ['vs2']);
    // The same instance created again starts over with Initialized.
    b.publish({ topic: MOTION, utcTime: T, source: [['Source', 'vs1']], data: [['State', 'false']] });
    assert.equal(seen.at(-1)!.propertyOperation, 'Initialized');
  });

  test('non-property events leave no state; GetCurrentMessage sees the last message per topic', () => {
    const { b, seen } = broker();
    const ev = b.publish({ topic: 'tns1:Device/HardwareFailure/StorageFailure', utcTime: T, source: [], data: [['Failed', 'true']] });
    assert.equal(seen.length, 1);
    assert.equal(ev.propertyOperation, undefined);
    assert.equal(ev.propertyId, undefined);
    assert.deepEqual(b.currentStates(), []);
    assert.equal(b.lastMessage(ev.topic.key), ev);
  });

  test('programming errors are refused loudly', () => {
    const { b } = broker();
    assert.throws(() => b.publish({ topic: 'tns1:Not/Declared', utcTime: T, source: [], data: [] }), /not declared/);
    assert.throws(() => b.publish({ topic: 'nope:X', utcTime: T, source: [], data: [] }), /unknown topic namespace prefix/);
    assert.throws(
      () => b.publish({ topic: 'tns1:Device/HardwareFailure/StorageFailure', utcTime: T, propertyOperation: 'Changed', source: [], data: [] }),
      /not a property/,
    );
    assert.throws(() => b.publish({ topic: MOTION, utcTime: new Date(NaN), source: [], data: [] }), /valid Date/);
    assert.throws(() => b.declareTopic({ topic: MOTION, isProperty: false, messageDescription: {} }), /declared differently/);
    assert.throws(
      () => b.declareTopic({ topic: 'tns1:X/Y', isProperty: true, messageDescription: { source: [{ name: 'A', type: 'xs:string' }], data: [{ name: 'A', type: 'xs:string' }] } }),
      /unique/,
    );
    assert.throws(() => b.declareTopic({ topic: 'tns1:X/Z', isProperty: false, messageDescription: { key: [{ name: 'K', type: 'xs:string' }] } }), /Key/);
    assert.throws(() => b.namespaces.register('tt', 'urn:other'), /reserved/);
  });

  test('vendor topic namespaces: prefixed children keep their namespace and declare it on wsnt:Topic', () => {
    const b = new EventBroker();
    b.namespaces.register('acme', 'http://acme.example/topics');
    const t = b.declareTopic({ topic: 'tns1:VideoAnalytics/acme:Loitering', isProperty: false, messageDescription: {} });
    assert.equal(t.text, 'tns1:VideoAnalytics/acme:Loitering');
    assert.deepEqual(t.xmlns, { 'xmlns:acme': 'http://acme.example/topics' });
    // Re-declaring the same topic is idempotent.
    assert.equal(b.declareTopic({ topic: 'tns1:VideoAnalytics/acme:Loitering', isProperty: false, messageDescription: {} }), t);
  });

  test('a failing sink does not keep the message from the others', () => {
    const errors: unknown[] = [];
    const b = new EventBroker({ onSinkError: (e) => errors.push(e) });
    b.declareTopic({ topic: 'tns1:A', isProperty: false, messageDescription: {} });
    const got: string[] = [];
    b.attach({ offer: () => got.push('first') });
    b.attach({
      offer: () => {
        throw new Error('boom');
      },
    });
    const detach = b.attach({ offer: () => got.push('third') });
    b.publish({ topic: 'tns1:A', utcTime: T, source: [], data: [] });
    assert.deepEqual(got, ['first', 'third']);
    assert.equal(errors.length, 1);
    detach();
    assert.equal(b.sinkCount, 2);
  });
});

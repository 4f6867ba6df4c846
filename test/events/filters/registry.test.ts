import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBroker } from '../../../src/events/broker.js';
import { EventFault } from '../../../src/events/errors.js';
import type { EventFilter } from '../../../src/events/filters/registry.js';
import type { PublishedEvent } from '../../../src/events/message.js';
import { child } from '../../../src/xml/dom.js';
import { parseXml } from '../../../src/xml/parse.js';

const WSNT = 'http://docs.oasis-open.org/wsn/b-2';
const CONCRETE_SET = 'http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet';
const ITEM = 'http://www.onvif.org/ver10/tev/messageContentFilter/ItemFilter';

function setup(): { b: EventBroker; motion: (src: string, state: string) => PublishedEvent; failure: () => PublishedEvent } {
  const b = new EventBroker();
  b.declareTopic({ topic: 'tns1:VideoSource/MotionAlarm', isProperty: true, messageDescription: { source: [{ name: 'Source', type: 'tt:ReferenceToken' }], data: [{ name: 'State', type: 'xs:boolean' }] } });
  b.declareTopic({ topic: 'tns1:Device/HardwareFailure/StorageFailure', isProperty: false, messageDescription: { data: [{ name: 'Failed', type: 'xs:boolean' }] } });
  const t = new Date(0);
  return {
    b,
    motion: (src, state) => b.publish({ topic: 'tns1:VideoSource/MotionAlarm', utcTime: t, source: [['Source', src]], data: [['State', state]] }),
    failure: () => b.publish({ topic: 'tns1:Device/HardwareFailure/StorageFailure', utcTime: t, source: [], data: [['Failed', 'true']] }),
  };
}

/** A wsnt:Filter element as a client would send it, with its own prefix bindings. */
function filterEl(inner: string): ReturnType<typeof child> {
  const doc = parseXml(`<tev:Filter xmlns:tev="http://www.onvif.org/ver10/events/wsdl" xmlns:wsnt="${WSNT}" xmlns:ns9="http://www.onvif.org/ver10/topics">${inner}</tev:Filter>`);
  return doc;
}

function compile(b: EventBroker, inner: string): EventFilter {
  return b.filters.compile(filterEl(inner), { topics: () => b.topics() });
}

function faultKind(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof EventFault) return e.kind;
    throw e;
  }
  return 'none';
}

describe('FilterRegistry', () => {
  test('no Filter, or an empty one, lets everything through', () => {
    const { b, failure } = setup();
    assert.ok(b.filters.compile(undefined, { topics: () => b.topics() }).accepts(failure()));
    assert.ok(compile(b, '').accepts(failure()));
  });

  test('topic and content components combine with AND; prefixes resolve in the element scope', () => {
    const { b, motion, failure } = setup();
    const f = compile(
      b,
      `<wsnt:TopicExpression Dialect="${CONCRETE_SET}">ns9:VideoSource//.</wsnt:TopicExpression>` +
        `<wsnt:MessageContent Dialect="${ITEM}" xmlns:o="http://www.onvif.org/ver10/schema">boolean(//o:SimpleItem[@Name="Source" and @Value="vs1"])</wsnt:MessageContent>`,
    );
    assert.ok(f.accepts(motion('vs1', 'true')));
    assert.ok(!f.accepts(motion('vs2', 'true')));
    assert.ok(!f.accepts(failure()));
  });

  test('both topic dialect URIs (and the Core spec example misspelling) are understood', () => {
    const { b, failure } = setup();
    for (const d of [CONCRETE_SET, 'http://docs.oasis-open.org/wsn/t-1/TopicExpression/Concrete', 'http://docs.oasis-open.org/wsnt/t-1/TopicExpression/ConcreteSet']) {
      assert.ok(compile(b, `<wsnt:TopicExpression Dialect="${d}">ns9:Device//.</wsnt:TopicExpression>`).accepts(failure()));
    }
  });

  test('refusals map to the WS-BaseNotification faults', () => {
    const { b } = setup();
    const cases: [string, string][] = [
      [`<wsnt:TopicExpression Dialect="urn:unknown">ns9:Device//.</wsnt:TopicExpression>`, 'TopicExpressionDialectUnknown'],
      [`<wsnt:TopicExpression Dialect="${CONCRETE_SET}">ns9:Device//.|</wsnt:TopicExpression>`, 'InvalidTopicExpression'],
      [`<wsnt:TopicExpression Dialect="${CONCRETE_SET}">unbound:Device</wsnt:TopicExpression>`, 'InvalidTopicExpression'],
      [`<wsnt:TopicExpression Dialect="${CONCRETE_SET}">ns9:Nothing/Here</wsnt:TopicExpression>`, 'TopicNotSupported'],
      [`<wsnt:MessageContent Dialect="urn:xpath">true()</wsnt:MessageContent>`, 'InvalidMessageContentExpression'],
      [`<wsnt:MessageContent Dialect="${ITEM}">boolean(//tt:SimpleItem[@Name=])</wsnt:MessageContent>`, 'InvalidMessageContentExpression'],
      [`<wsnt:ProducerProperties Dialect="${ITEM}">x</wsnt:ProducerProperties>`, 'InvalidFilter'],
      [`<x:LocationFilter xmlns:x="urn:later"/>`, 'InvalidFilter'],
    ];
    for (const [inner, kind] of cases) assert.equal(faultKind(() => compile(b, inner)), kind, inner);
    try {
      compile(b, `<x:LocationFilter xmlns:x="urn:later"/>`);
    } catch (e) {
      assert.deepEqual((e as EventFault).info.qnames, [{ ns: 'urn:later', name: 'LocationFilter' }]);
    }
  });

  test('extension point: a new filter kind plugs in, with per-subscription state, and a new content dialect is advertised', () => {
    const { b, motion } = setup();
    // A stateful filter: passes each Source value only the first time (per subscription).
    b.filters.registerComponent('urn:later', 'FirstPerSource', () => {
      const seen = new Set<string>();
      return {
        accepts(ev) {
          const s = String(ev.source[0]?.value);
          if (seen.has(s)) return false;
          seen.add(s);
          return true;
        },
      };
    });
    b.filters.registerMessageContentDialect('urn:dialect:state', (text) => (ev) => ev.data.some((i) => i.value === text));
    const f1 = compile(b, `<x:FirstPerSource xmlns:x="urn:later"/><wsnt:MessageContent Dialect="urn:dialect:state">true</wsnt:MessageContent>`);
    const f2 = compile(b, `<x:FirstPerSource xmlns:x="urn:later"/>`);
    assert.ok(f1.accepts(motion('vs1', 'true')));
    assert.ok(!f1.accepts(motion('vs1', 'true')));
    assert.ok(!f1.accepts(motion('vs2', 'false')), 'content dialect refuses State=false');
    assert.ok(f2.accepts(motion('vs1', 'true')), 'state is per subscription');
    assert.ok(b.filters.messageContentDialects().includes('urn:dialect:state'));
    assert.throws(() => b.filters.registerComponent('urn:later', 'FirstPerSource', () => ({ accepts: () => true })), /already registered/);
  });
});

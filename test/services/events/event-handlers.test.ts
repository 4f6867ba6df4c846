/**
 * The event service's handlers driven directly (no HTTP), for what needs non-default limits or a
 * scripted consumer: subscription limits, Notify failures, close(), vendor topics, monitoring.
 * Responses and faults are wrapped in envelopes exactly as the engine does and schema-validated.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { RequestContext } from '../../../src/core/context.js';
import { VigilError } from '../../../src/core/errors.js';
import { EventBroker } from '../../../src/events/broker.js';
import { createEventService, type EventService, type EventServiceDeps } from '../../../src/services/events/index.js';
import { PROCESSOR_USAGE_TOPIC, startMonitoring } from '../../../src/services/events/monitoring.js';
import { readEnvelope, writeEnvelope } from '../../../src/soap/envelope.js';
import { faultBody } from '../../../src/soap/fault.js';
import type { OperationHandler } from '../../../src/soap/service.js';
import { OnvifSamples } from '../../helpers/onvif-validate.js';
import { envelope } from '../../helpers/soap-client.js';

const TEV = 'http://www.onvif.org/ver10/events/wsdl';
const WSNT = 'http://docs.oasis-open.org/wsn/b-2';
const WSA = 'http://www.w3.org/2005/08/addressing';
const samples = new OnvifSamples();
const services: EventService[] = [];

after(async () => {
  for (const s of services) s.close();
  await samples.assertAllValid();
});

function service(deps: Partial<EventServiceDeps> = {}): { svc: EventService; broker: EventBroker; clock: { now: number } } {
  const broker = deps.broker ?? new EventBroker();
  const clock = { now: Date.UTC(2025, 5, 1) };
  const svc = createEventService({ broker, now: () => clock.now, defaultHost: 'node.test', log: pino({ level: 'silent' }), monitoring: false, ...deps });
  services.push(svc);
  return { svc, broker, clock };
}

function ctx(url: string): RequestContext {
  return { transport: 'http', secure: false, remoteAddress: '127.0.0.1', method: 'POST', url, authority: 'node.test:8080', headers: {}, peerCertificate: undefined };
}

function handler(svc: EventService, ns: string, op: string): OperationHandler {
  const ops = ns === TEV ? svc.soap.operations : svc.soap.foreignOperations!.find((f) => f.namespace === ns)!.operations;
  return ops[op]!;
}

/** Runs an operation like the engine would; returns the reply envelope (collected for validation). */
async function run(svc: EventService, url: string, bodyXml: string, name: string, user = 'alice'): Promise<{ ok: boolean; xml: string }> {
  const req = readEnvelope(envelope(bodyXml));
  const h = handler(svc, req.body.ns, req.body.name);
  let xml: string;
  let ok = true;
  try {
    xml = writeEnvelope(await h({ ctx: ctx(url), principal: { username: user, level: 'User', method: 'ws-usernametoken' }, body: req.body, header: req.header, touched: [] }));
  } catch (e) {
    assert.ok(e instanceof VigilError, String(e));
    xml = writeEnvelope(faultBody(e));
    ok = false;
  }
  samples.add(name, xml);
  return { ok, xml };
}

const create = (inner = ''): string => `<tev:CreatePullPointSubscription xmlns:tev="${TEV}" xmlns:wsnt="${WSNT}">${inner}</tev:CreatePullPointSubscription>`;
const subscribeBody = (url: string): string =>
  `<wsnt:Subscribe xmlns:wsnt="${WSNT}" xmlns:wsa="${WSA}"><wsnt:ConsumerReference><wsa:Address>${url}</wsa:Address></wsnt:ConsumerReference></wsnt:Subscribe>`;
const addressOf = (xml: string): string => new URL(/<wsa:Address>([^<]+)</.exec(xml)![1]!).pathname;

describe('event service handlers', () => {
  test('the pull point limit answers wsnt:SubscribeCreationFailedFault until one is freed', async () => {
    const { svc } = service({ limits: { maxPullPoints: 2 } });
    const a = await run(svc, '/onvif/event_service', create(), 'Create 1');
    await run(svc, '/onvif/event_service', create(), 'Create 2');
    const third = await run(svc, '/onvif/event_service', create(), 'Create 3 over the limit');
    assert.ok(!third.ok);
    assert.match(third.xml, /<env:Value>wsnt:SubscribeCreationFailedFault<\/env:Value>.*<env:Detail><wsnt:SubscribeCreationFailedFault><wsrf-bf:Timestamp>/);
    assert.match(third.xml, /at most 2 pull points/);
    assert.ok((await run(svc, addressOf(a.xml), `<wsnt:Unsubscribe xmlns:wsnt="${WSNT}"/>`, 'Unsubscribe 1')).ok);
    assert.ok((await run(svc, '/onvif/event_service', create(), 'Create 3 after Unsubscribe')).ok);
    const caps = await run(svc, '/onvif/event_service', `<tev:GetServiceCapabilities xmlns:tev="${TEV}"/>`, 'GetServiceCapabilities');
    assert.match(caps.xml, /MaxPullPoints="2"/);
  });

  test('a consumer that keeps failing loses its subscription; the push limit is enforced', async () => {
    let attempts = 0;
    const { svc, broker } = service({
      limits: { maxPushSubscriptions: 1 },
      push: { retryBaseMs: 1, retryMaxMs: 2, maxFailures: 3 },
      post: async (url, body) => {
        attempts++;
        assert.equal(url.href, 'http://127.0.0.1:9/notify');
        samples.add('Notify (scripted consumer)', body);
        return 503;
      },
    });
    broker.declareTopic({ topic: 'tns1:Device/HardwareFailure/StorageFailure', isProperty: false, messageDescription: { data: [{ name: 'Failed', type: 'xs:boolean' }] } });
    const sub = await run(svc, '/onvif/event_service', subscribeBody('http://127.0.0.1:9/notify'), 'Subscribe');
    assert.ok(sub.ok);
    const over = await run(svc, '/onvif/event_service', subscribeBody('http://127.0.0.1:9/notify'), 'Subscribe over the limit');
    assert.match(over.xml, /wsnt:SubscribeCreationFailedFault/);
    broker.publish({ topic: 'tns1:Device/HardwareFailure/StorageFailure', utcTime: new Date(0), source: [], data: [['Failed', 'true']] });
    for (let n = 0; n < 500 && svc.manager.counts.push > 0; n++) await new Promise((r) => setTimeout(r, 2));
    assert.equal(svc.manager.counts.push, 0, 'dropped after repeated failures');
    assert.equal(attempts, 3);
    const renew = await run(svc, addressOf(sub.xml), `<wsnt:Renew xmlns:wsnt="${WSNT}"><wsnt:TerminationTime>PT1M</wsnt:TerminationTime></wsnt:Renew>`, 'Renew dropped');
    assert.match(renew.xml, /wsrf-rw:ResourceUnknownFault/);
    assert.ok((await run(svc, '/onvif/event_service', subscribeBody('http://127.0.0.1:9/notify'), 'Subscribe again')).ok, 'the slot is free again');
  });

  test('close() ends every subscription and wakes a waiting PullMessages', async () => {
    const { svc } = service();
    const created = await run(svc, '/onvif/event_service', create(), 'Create for close');
    const pending = run(svc, addressOf(created.xml), `<tev:PullMessages xmlns:tev="${TEV}"><tev:Timeout>PT10M</tev:Timeout><tev:MessageLimit>5</tev:MessageLimit></tev:PullMessages>`, 'PullMessages at close');
    await new Promise((r) => setImmediate(r));
    svc.close();
    const r = await pending;
    assert.ok(!r.ok);
    assert.match(r.xml, /wsrf-rw:ResourceUnknownFault/);
  });

  test('GetEventProperties with vendor topics and ElementItems stays schema-valid', async () => {
    const broker = new EventBroker();
    broker.namespaces.register('acme', 'http://acme.example/topics');
    broker.declareTopic({ topic: 'tns1:VideoAnalytics/acme:Loitering', isProperty: false, messageDescription: { data: [{ name: 'Where', type: 'tt:GeoLocation', element: true }, { name: 'Seconds', type: 'xs:int' }] } });
    broker.declareTopic({ topic: 'acme:Door/Open', isProperty: true, messageDescription: { source: [{ name: 'Door', type: 'xs:string' }], key: [{ name: 'Leaf', type: 'xs:int' }], data: [{ name: 'Open', type: 'xs:boolean' }] } });
    const { svc } = service({ broker });
    const r = await run(svc, '/onvif/event_service', `<tev:GetEventProperties xmlns:tev="${TEV}"/>`, 'GetEventProperties vendor');
    assert.match(r.xml, /<wstop:TopicSet xmlns:acme="http:\/\/acme.example\/topics"><tns1:VideoAnalytics><acme:Loitering wstop:topic="true"><tt:MessageDescription><tt:Data><tt:SimpleItemDescription Name="Seconds" Type="xs:int"\/><tt:ElementItemDescription Name="Where" Type="tt:GeoLocation"\/>/);
    assert.match(r.xml, /<acme:Door><Open wstop:topic="true"><tt:MessageDescription IsProperty="true">.*<tt:Key>/);
    // Cached until the topic set changes.
    broker.declareTopic({ topic: 'acme:Door/Locked', isProperty: true, messageDescription: {} });
    const again = await run(svc, '/onvif/event_service', `<tev:GetEventProperties xmlns:tev="${TEV}"/>`, 'GetEventProperties vendor 2');
    assert.match(again.xml, /<Locked wstop:topic="true">/);
    // Vendor topics travel with their namespace declaration.
    const created = await run(svc, '/onvif/event_service', create(), 'Create vendor');
    broker.publish({ topic: 'acme:Door/Open', utcTime: new Date(0), source: [['Door', 'front']], key: [['Leaf', '1']], data: [['Open', 'true']] });
    const pulled = await run(svc, addressOf(created.xml), `<tev:PullMessages xmlns:tev="${TEV}"><tev:Timeout>PT0S</tev:Timeout><tev:MessageLimit>5</tev:MessageLimit></tev:PullMessages>`, 'PullMessages vendor');
    assert.match(pulled.xml, /<wsnt:Topic Dialect="[^"]+" xmlns:acme="http:\/\/acme.example\/topics">acme:Door\/Open<\/wsnt:Topic>.*<tt:Key><tt:SimpleItem Name="Leaf" Value="1"\/><\/tt:Key>/);
  });
});

describe('monitoring events', () => {
  test('LastReboot at start, ProcessorUsage as a property that changes with the samples', async () => {
    const broker = new EventBroker();
    const seen: string[] = [];
    broker.attach({ offer: (ev) => seen.push(`${ev.topic.text} ${ev.propertyOperation} ${ev.data.map((d) => d.value).join(',')}`) });
    const samplesCpu = [
      { idle: 0, total: 0 },
      { idle: 75, total: 100 },
      { idle: 150, total: 200 },
      { idle: 160, total: 300 },
    ];
    let i = 0;
    const stop = startMonitoring(broker, { now: () => Date.UTC(2025, 0, 1), sample: () => samplesCpu[Math.min(i++, samplesCpu.length - 1)]!, intervalMs: 1 });
    for (let n = 0; n < 500 && seen.length < 3; n++) await new Promise((r) => setTimeout(r, 2));
    stop();
    assert.deepEqual(seen.slice(0, 3), [
      'tns1:Monitoring/OperatingTime/LastReboot Initialized 2025-01-01T00:00:00Z',
      `${PROCESSOR_USAGE_TOPIC} Initialized 25.0`,
      // 25.0 again is not repeated; then 90 % busy.
      `${PROCESSOR_USAGE_TOPIC} Changed 90.0`,
    ]);
  });
});

/**
 * The event service end to end over HTTP: capabilities, event properties, pull points (long
 * poll, MessageLimit, Renew, Unsubscribe, expiry, synchronization points, filters, ownership),
 * and WS-BaseNotification Subscribe/Notify to a consumer on 127.0.0.1. Every response, fault and
 * Notify is validated against the ONVIF schemas (tt:Message payloads included).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN, startTestNode, type TestNode } from '../../helpers/node.js';
import { OnvifSamples } from '../../helpers/onvif-validate.js';
import { envelope, post, postDigest, usernameTokenHeader, type Credentials } from '../../helpers/soap-client.js';

const TEV = 'http://www.onvif.org/ver10/events/wsdl';
const WSNT = 'http://docs.oasis-open.org/wsn/b-2';
const WSA = 'http://www.w3.org/2005/08/addressing';
const CONCRETE_SET = 'http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet';
const ITEM = 'http://www.onvif.org/ver10/tev/messageContentFilter/ItemFilter';
const BOB: Credentials = { username: 'bob', password: 'Bob-test-password-1' };
const MOTION = 'tns1:VideoSource/MotionAlarm';
const CROSSED = 'tns1:RuleEngine/LineDetector/Crossed';

const samples = new OnvifSamples();
let t: TestNode;
let events: string;

interface Reply {
  status: number;
  body: string;
}

async function call(url: string, body: string, name: string, creds: Credentials | null = ADMIN, extraHeader = ''): Promise<Reply> {
  const res = await post(url, envelope(body, (creds ? usernameTokenHeader(creds) : '') + extraHeader));
  samples.add(`${name} (${res.status})`, res.body);
  return res;
}

const tev = (op: string, inner = ''): string => `<tev:${op} xmlns:tev="${TEV}" xmlns:wsnt="${WSNT}" xmlns:tns1="http://www.onvif.org/ver10/topics">${inner}</tev:${op}>`;
const wsnt = (op: string, inner = ''): string => `<wsnt:${op} xmlns:wsnt="${WSNT}" xmlns:wsa="${WSA}" xmlns:tns1="http://www.onvif.org/ver10/topics">${inner}</wsnt:${op}>`;
const topicFilter = (expr: string, dialect = CONCRETE_SET): string => `<wsnt:TopicExpression Dialect="${dialect}">${expr}</wsnt:TopicExpression>`;
const pullBody = (timeout: string, limit: number): string => tev('PullMessages', `<tev:Timeout>${timeout}</tev:Timeout><tev:MessageLimit>${limit}</tev:MessageLimit>`);

async function createPullPoint(inner: string, name: string, creds: Credentials = ADMIN): Promise<{ address: string; body: string }> {
  const r = await call(events, tev('CreatePullPointSubscription', inner), name, creds);
  assert.equal(r.status, 200, r.body);
  return { address: /<wsa:Address>([^<]+)<\/wsa:Address>/.exec(r.body)![1]!, body: r.body };
}

/** The NotificationMessages of a PullMessagesResponse: topic, PropertyOperation, items. */
function messages(body: string): { topic: string; op: string | undefined; items: Record<string, string> }[] {
  return [...body.matchAll(/<wsnt:NotificationMessage>(.*?)<\/wsnt:NotificationMessage>/g)].map((m) => {
    const x = m[1]!;
    const items: Record<string, string> = {};
    for (const i of x.matchAll(/<tt:SimpleItem Name="([^"]+)" Value="([^"]*)"\/>/g)) items[i[1]!] = i[2]!;
    return { topic: /<wsnt:Topic[^>]*>([^<]+)</.exec(x)![1]!, op: /PropertyOperation="(\w+)"/.exec(x)?.[1], items };
  });
}

function faultSubcode(body: string): string | undefined {
  return /<env:Subcode><env:Value>([^<]+)<\/env:Value>/.exec(body)?.[1];
}

function motion(source: string, state: boolean): void {
  t.node.events.publish({ topic: MOTION, utcTime: new Date(), source: [['Source', source]], data: [['State', String(state)]] });
}

function crossed(rule: string, objectId: number): void {
  t.node.events.publish({
    topic: CROSSED,
    utcTime: new Date(),
    source: [['VideoSourceConfigurationToken', 'vsc1'], ['VideoAnalyticsConfigurationToken', 'vac1'], ['Rule', rule]],
    data: [['ObjectId', String(objectId)]],
  });
}

before(async () => {
  t = await startTestNode({ cameras: [] }); // no simulated cameras: their motion events would mix into these expectations
  events = `${t.http}/onvif/event_service`;
  t.node.users.create([{ username: BOB.username, password: BOB.password, level: 'User' }]);
  t.node.events.declareTopic({
    topic: MOTION,
    isProperty: true,
    messageDescription: { source: [{ name: 'Source', type: 'tt:ReferenceToken' }], data: [{ name: 'State', type: 'xs:boolean' }] },
  });
  t.node.events.declareTopic({
    topic: CROSSED,
    isProperty: false,
    messageDescription: {
      source: [
        { name: 'VideoSourceConfigurationToken', type: 'tt:ReferenceToken' },
        { name: 'VideoAnalyticsConfigurationToken', type: 'tt:ReferenceToken' },
        { name: 'Rule', type: 'xs:string' },
      ],
      data: [{ name: 'ObjectId', type: 'xs:integer' }],
    },
  });
});

after(async () => {
  await t.stop();
  const n = await samples.assertAllValid();
  assert.ok(n > 50, `validated only ${n} messages`);
});

describe('capabilities and properties', () => {
  test('GetServiceCapabilities is PRE_AUTH; GetServices and legacy GetCapabilities list the event service', async () => {
    const caps = await call(events, tev('GetServiceCapabilities'), 'GetServiceCapabilities anonymous', null);
    assert.equal(caps.status, 200);
    assert.match(caps.body, /<tev:Capabilities [^>]*WSPausableSubscriptionManagerInterfaceSupport="false"[^>]*MaxNotificationProducers="100" MaxPullPoints="1000" PersistentNotificationStorage="false"/);
    const tds = 'http://www.onvif.org/ver10/device/wsdl';
    const services = await call(t.device, `<tds:GetServices xmlns:tds="${tds}"><tds:IncludeCapability>true</tds:IncludeCapability></tds:GetServices>`, 'GetServices');
    assert.match(services.body, new RegExp(`<tds:Namespace>${TEV}</tds:Namespace><tds:XAddr>${events}</tds:XAddr><tds:Capabilities><tev:Capabilities`));
    const legacy = await call(t.device, `<tds:GetCapabilities xmlns:tds="${tds}"><tds:Category>Events</tds:Category></tds:GetCapabilities>`, 'GetCapabilities Events');
    assert.match(legacy.body, new RegExp(`<tt:Events><tt:XAddr>${events}</tt:XAddr><tt:WSSubscriptionPolicySupport>true</tt:WSSubscriptionPolicySupport><tt:WSPullPointSupport>true</tt:WSPullPointSupport>`));
  });

  test('GetEventProperties: the declared topics with message descriptions, and the dialects', async () => {
    const r = await call(events, tev('GetEventProperties'), 'GetEventProperties');
    assert.equal(r.status, 200);
    assert.match(r.body, /<wsnt:FixedTopicSet>false<\/wsnt:FixedTopicSet>/);
    assert.match(r.body, /<tns1:VideoSource><MotionAlarm wstop:topic="true"><tt:MessageDescription IsProperty="true"><tt:Source><tt:SimpleItemDescription Name="Source" Type="tt:ReferenceToken"\/>/);
    assert.match(r.body, /<tns1:RuleEngine><LineDetector><Crossed wstop:topic="true"><tt:MessageDescription><tt:Source>/);
    assert.match(r.body, /<tns1:Monitoring><OperatingTime><LastReboot wstop:topic="true">.*<ProcessorUsage wstop:topic="true">/);
    for (const d of ['http://docs.oasis-open.org/wsn/t-1/TopicExpression/Concrete', CONCRETE_SET]) {
      assert.ok(r.body.includes(`<wsnt:TopicExpressionDialect>${d}</wsnt:TopicExpressionDialect>`));
    }
    assert.ok(r.body.includes(`<tev:MessageContentFilterDialect>${ITEM}</tev:MessageContentFilterDialect>`));
    const anon = await call(events, tev('GetEventProperties'), 'GetEventProperties anonymous', null);
    assert.equal(anon.status, 401, 'GetEventProperties is READ_MEDIA');
  });
});

describe('pull points', () => {
  test('CreatePullPointSubscription: an unguessable subscription address and UTC times', async () => {
    const a = await createPullPoint('<tev:InitialTerminationTime>PT60S</tev:InitialTerminationTime>', 'CreatePullPointSubscription relative');
    assert.match(a.address, new RegExp(`^${t.http}/onvif/event_service/subscriptions/[A-Za-z0-9_-]{24}$`));
    const cur = Date.parse(/<wsnt:CurrentTime>([^<]+Z)</.exec(a.body)![1]!);
    const term = Date.parse(/<wsnt:TerminationTime>([^<]+Z)</.exec(a.body)![1]!);
    assert.ok(Math.abs(term - cur - 60_000) < 1000);
    const abs = new Date(Date.now() + 120_000).toISOString();
    const b = await createPullPoint(`<tev:InitialTerminationTime>${abs}</tev:InitialTerminationTime>`, 'CreatePullPointSubscription absolute');
    assert.notEqual(a.address, b.address);
    assert.equal(Date.parse(/<wsnt:TerminationTime>([^<]+)</.exec(b.body)![1]!), Date.parse(abs));
    const past = await call(events, tev('CreatePullPointSubscription', '<tev:InitialTerminationTime>2001-01-01T00:00:00Z</tev:InitialTerminationTime>'), 'CreatePullPointSubscription past');
    assert.equal(past.status, 500);
    assert.equal(faultSubcode(past.body), 'wsnt:UnacceptableInitialTerminationTimeFault');
    assert.match(past.body, /<wsnt:MinimumTime>.*<wsnt:MaximumTime>/);
    const junk = await call(events, tev('CreatePullPointSubscription', '<tev:InitialTerminationTime>soon</tev:InitialTerminationTime>'), 'CreatePullPointSubscription junk time');
    assert.equal(faultSubcode(junk.body), 'wsnt:UnacceptableInitialTerminationTimeFault');
    const anon = await call(events, tev('CreatePullPointSubscription'), 'CreatePullPointSubscription anonymous', null);
    assert.equal(anon.status, 401);
  });

  test('a waiting PullMessages wakes on publish; a second one meanwhile is refused', { timeout: 30_000 }, async () => {
    const { address } = await createPullPoint(`<tev:Filter>${topicFilter('tns1:VideoSource//.')}</tev:Filter>`, 'CreatePullPointSubscription motion');
    const pending = call(address, pullBody('PT60S', 10), 'PullMessages woken');
    // The first pull is waiting once a concurrent one is refused (UnableToGetMessagesFault).
    for (;;) {
      const second = await call(address, pullBody('PT0S', 10), 'PullMessages concurrent');
      if (second.status === 500) {
        assert.equal(faultSubcode(second.body), 'wsnt:UnableToGetMessagesFault');
        break;
      }
      assert.deepEqual(messages(second.body), []);
    }
    motion('vs-wake', true);
    const r = await pending;
    assert.equal(r.status, 200);
    assert.deepEqual(messages(r.body), [{ topic: MOTION, op: 'Initialized', items: { Source: 'vs-wake', State: 'true' } }]);
    assert.match(r.body, new RegExp(`<wsnt:ProducerReference><wsa:Address>${events}</wsa:Address></wsnt:ProducerReference>`));
  });

  test('PullMessages returns at most MessageLimit messages, and none at the Timeout when nothing happens', async () => {
    const { address } = await createPullPoint(`<tev:Filter>${topicFilter('tns1:RuleEngine/LineDetector/Crossed')}</tev:Filter>`, 'CreatePullPointSubscription crossed');
    for (let i = 1; i <= 5; i++) crossed('limit', i);
    const first = await call(address, pullBody('PT1S', 2), 'PullMessages limit 2');
    assert.deepEqual(messages(first.body).map((m) => m.items.ObjectId), ['1', '2']);
    const rest = await call(address, pullBody('PT1S', 100), 'PullMessages rest');
    assert.deepEqual(messages(rest.body).map((m) => m.items.ObjectId), ['3', '4', '5']);
    const none = await call(address, pullBody('PT0.2S', 100), 'PullMessages timeout');
    assert.equal(none.status, 200);
    assert.deepEqual(messages(none.body), []);
    assert.match(none.body, /<tev:CurrentTime>[^<]+Z<\/tev:CurrentTime><tev:TerminationTime>[^<]+Z<\/tev:TerminationTime>/);
  });

  test('Timeout above the maximum is a PullMessagesFaultResponse naming both limits; bad arguments are InvalidArgVal', async () => {
    const { address } = await createPullPoint('', 'CreatePullPointSubscription limits');
    const r = await call(address, pullBody('PT1H', 10), 'PullMessages PT1H');
    assert.equal(r.status, 500);
    assert.equal(faultSubcode(r.body), 'tev:PullMessagesFaultResponse');
    assert.match(r.body, /<tev:PullMessagesFaultResponse><tev:MaxTimeout>PT10M<\/tev:MaxTimeout><tev:MaxMessageLimit>1000<\/tev:MaxMessageLimit>/);
    for (const [timeout, limit] of [['later', '1'], ['PT1S', '0'], ['PT1S', 'x'], ['-PT1S', '1']] as const) {
      const bad = await call(address, tev('PullMessages', `<tev:Timeout>${timeout}</tev:Timeout><tev:MessageLimit>${limit}</tev:MessageLimit>`), `PullMessages ${timeout}/${limit}`);
      assert.equal(faultSubcode(bad.body), 'ter:InvalidArgVal');
    }
  });

  test('Renew extends TerminationTime; Unsubscribe ends the pull point and later requests are ResourceUnknown', async () => {
    const { address, body } = await createPullPoint('<tev:InitialTerminationTime>PT10S</tev:InitialTerminationTime>', 'CreatePullPointSubscription renew');
    const before = Date.parse(/<wsnt:TerminationTime>([^<]+)</.exec(body)![1]!);
    const renewed = await call(address, wsnt('Renew', '<wsnt:TerminationTime>PT120S</wsnt:TerminationTime>'), 'Renew');
    assert.equal(renewed.status, 200, renewed.body);
    const after = Date.parse(/<wsnt:RenewResponse><wsnt:TerminationTime>([^<]+)</.exec(renewed.body)![1]!);
    assert.ok(after >= before + 100_000, `${after} vs ${before}`);
    const badRenew = await call(address, wsnt('Renew', '<wsnt:TerminationTime>2000-01-01T00:00:00Z</wsnt:TerminationTime>'), 'Renew past');
    assert.equal(faultSubcode(badRenew.body), 'wsnt:UnacceptableTerminationTimeFault');

    const un = await call(address, wsnt('Unsubscribe'), 'Unsubscribe', ADMIN, `<wsa:Action xmlns:wsa="${WSA}">http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager/UnsubscribeRequest</wsa:Action><wsa:MessageID xmlns:wsa="${WSA}">urn:uuid:1</wsa:MessageID>`);
    assert.equal(un.status, 200);
    assert.match(un.body, /<wsa:Action>http:\/\/docs.oasis-open.org\/wsn\/bw-2\/SubscriptionManager\/UnsubscribeResponse<\/wsa:Action>/);
    assert.match(un.body, /<wsnt:UnsubscribeResponse\/>/);
    for (const [name, body] of [['PullMessages', pullBody('PT1S', 1)], ['Renew', wsnt('Renew', '<wsnt:TerminationTime>PT1M</wsnt:TerminationTime>')], ['Unsubscribe', wsnt('Unsubscribe')], ['SetSynchronizationPoint', tev('SetSynchronizationPoint')]] as const) {
      const r = await call(address, body, `${name} after Unsubscribe`, ADMIN, `<wsa:Action xmlns:wsa="${WSA}">urn:x</wsa:Action>`);
      assert.equal(r.status, 500, name);
      assert.equal(faultSubcode(r.body), 'wsrf-rw:ResourceUnknownFault');
      assert.match(r.body, /<wsrf-r:ResourceUnknownFault xmlns:wsrf-r="http:\/\/docs.oasis-open.org\/wsrf\/r-2"><wsrf-bf:Timestamp>/);
      assert.match(r.body, /<wsa:Action>http:\/\/www.w3.org\/2005\/08\/addressing\/soap\/fault<\/wsa:Action>/);
    }
  });

  test('a pull point expires at its termination time', async () => {
    const { address } = await createPullPoint('<tev:InitialTerminationTime>PT0.3S</tev:InitialTerminationTime>', 'CreatePullPointSubscription short');
    await new Promise((r) => setTimeout(r, 500));
    const r = await call(address, pullBody('PT1S', 1), 'PullMessages expired');
    assert.equal(faultSubcode(r.body), 'wsrf-rw:ResourceUnknownFault');
  });

  test("only the subscriber may use a pull point: others get ter:NotAuthorized; unknown ids are ResourceUnknown", async () => {
    const { address } = await createPullPoint('', 'CreatePullPointSubscription alice');
    for (const [name, body] of [['PullMessages', pullBody('PT0S', 1)], ['Renew', wsnt('Renew', '<wsnt:TerminationTime>PT1M</wsnt:TerminationTime>')], ['Unsubscribe', wsnt('Unsubscribe')]] as const) {
      const r = await call(address, body, `${name} by another user`, BOB);
      assert.equal(faultSubcode(r.body), 'ter:NotAuthorized', name);
    }
    const bobs = await createPullPoint('', 'CreatePullPointSubscription bob', BOB);
    assert.equal((await call(bobs.address, pullBody('PT0S', 1), 'PullMessages bob', BOB)).status, 200, 'User level may use READ_MEDIA');
    const unknown = await call(`${events}/subscriptions/AAAAAAAAAAAAAAAAAAAAAAAA`, pullBody('PT0S', 1), 'PullMessages unknown id');
    assert.equal(faultSubcode(unknown.body), 'wsrf-rw:ResourceUnknownFault');
    const noId = await call(events, pullBody('PT0S', 1), 'PullMessages at the service address');
    assert.equal(faultSubcode(noId.body), 'wsrf-rw:ResourceUnknownFault');
    assert.equal((await post(`${events}/elsewhere`, envelope(tev('GetEventProperties')))).status, 404);
  });

  test('the subscription is also found from wsa:To, and HTTP Digest works on subscription addresses', async () => {
    const { address } = await createPullPoint(`<tev:Filter>${topicFilter('tns1:RuleEngine//.')}</tev:Filter>`, 'CreatePullPointSubscription wsa:To');
    crossed('to', 1);
    const r = await call(events, pullBody('PT1S', 10), 'PullMessages via wsa:To', ADMIN, `<wsa:To xmlns:wsa="${WSA}">${address}</wsa:To>`);
    assert.deepEqual(messages(r.body).map((m) => m.items.Rule), ['to']);
    crossed('digest', 2);
    const d = await postDigest(address, envelope(pullBody('PT1S', 10)), ADMIN);
    samples.add('PullMessages digest', d.body);
    assert.deepEqual(messages(d.body).map((m) => m.items.Rule), ['digest']);
  });

  test('SetSynchronizationPoint re-sends every matching property state as Initialized', async () => {
    motion('vs-sync-1', false);
    motion('vs-sync-2', true);
    const { address } = await createPullPoint(
      `<tev:Filter>${topicFilter('tns1:VideoSource/MotionAlarm')}<wsnt:MessageContent Dialect="${ITEM}">boolean(//tt:SimpleItem[@Name="Source" and (@Value="vs-sync-1" or @Value="vs-sync-2")])</wsnt:MessageContent></tev:Filter>`,
      'CreatePullPointSubscription sync',
    );
    const initial = messages((await call(address, pullBody('PT1S', 10), 'PullMessages initial states')).body);
    assert.deepEqual(initial.map((m) => [m.op, m.items.Source, m.items.State]), [
      ['Initialized', 'vs-sync-1', 'false'],
      ['Initialized', 'vs-sync-2', 'true'],
    ]);
    motion('vs-sync-1', true);
    motion('vs-other', true);
    const changed = messages((await call(address, pullBody('PT1S', 10), 'PullMessages changed')).body);
    assert.deepEqual(changed.map((m) => [m.op, m.items.Source, m.items.State]), [['Changed', 'vs-sync-1', 'true']]);
    const sync = await call(address, tev('SetSynchronizationPoint'), 'SetSynchronizationPoint');
    assert.match(sync.body, /<tev:SetSynchronizationPointResponse\/>/);
    const again = messages((await call(address, pullBody('PT1S', 10), 'PullMessages after sync')).body);
    assert.deepEqual(again.map((m) => [m.op, m.items.Source, m.items.State]), [
      ['Initialized', 'vs-sync-1', 'true'],
      ['Initialized', 'vs-sync-2', 'true'],
    ]);
  });

  test('ChangedOnly subscription policy leaves out Initialized states; unknown policies are refused', async () => {
    motion('vs-co', false);
    const { address } = await createPullPoint(
      `<tev:Filter>${topicFilter('tns1:VideoSource/MotionAlarm')}</tev:Filter><tev:SubscriptionPolicy><tev:ChangedOnly/></tev:SubscriptionPolicy>`,
      'CreatePullPointSubscription ChangedOnly',
    );
    motion('vs-co', true);
    const got = messages((await call(address, pullBody('PT1S', 10), 'PullMessages ChangedOnly')).body);
    assert.deepEqual(got.map((m) => [m.op, m.items.Source]), [['Changed', 'vs-co']]);
    const bad = await call(events, tev('CreatePullPointSubscription', '<tev:SubscriptionPolicy><x:Mystery xmlns:x="urn:x"/></tev:SubscriptionPolicy>'), 'CreatePullPointSubscription bad policy');
    assert.equal(faultSubcode(bad.body), 'wsnt:UnrecognizedPolicyRequestFault');
    assert.match(bad.body, /<wsnt:UnrecognizedPolicy xmlns:q0="urn:x">q0:Mystery<\/wsnt:UnrecognizedPolicy>/);
  });

  test('Seek is not offered (no persistent storage): ter:ActionNotSupported', async () => {
    const { address } = await createPullPoint('', 'CreatePullPointSubscription seek');
    const r = await call(address, tev('Seek', '<tev:UtcTime>2024-01-01T00:00:00Z</tev:UtcTime>'), 'Seek');
    assert.equal(faultSubcode(r.body), 'ter:ActionNotSupported');
  });
});

describe('filters over the wire', () => {
  // [TopicExpression, MessageContent, which of the published messages arrive]
  const vectors: [string, string | undefined, string[]][] = [
    ['tns1:RuleEngine//.', undefined, ['crossed:A', 'crossed:B']],
    ['tns1:VideoSource/MotionAlarm|tns1:RuleEngine/LineDetector/Crossed', undefined, ['motion:vf', 'crossed:A', 'crossed:B']],
    ['tns1:RuleEngine/LineDetector/Crossed', 'boolean(//tt:SimpleItem[@Name="Rule" and @Value="B"])', ['crossed:B']],
    ['tns1:RuleEngine//.|tns1:VideoSource//.', 'not(boolean(//tt:SimpleItem[@Name="Rule"]))', ['motion:vf']],
    ['tns1:RuleEngine//.|tns1:VideoSource//.', 'boolean(//tt:SimpleItem[@Name="ObjectId" and @Value="7"]) or boolean(//tt:SimpleItem[@Value="vf"])', ['motion:vf', 'crossed:A']],
  ];
  for (const [topicExpr, content, want] of vectors) {
    test(`${topicExpr}${content ? ` + ${content}` : ''}`, async () => {
      const f = topicFilter(topicExpr) + (content ? `<wsnt:MessageContent Dialect="${ITEM}">${content.replaceAll('"', '&quot;')}</wsnt:MessageContent>` : '');
      const { address } = await createPullPoint(`<tev:Filter>${f}</tev:Filter>`, `CreatePullPointSubscription filter ${topicExpr}`);
      // Drain the Initialized states of properties published by earlier tests.
      await call(address, pullBody('PT0S', 1000), 'PullMessages drain');
      motion('vf', true);
      crossed('A', 7);
      crossed('B', 8);
      const got = messages((await call(address, pullBody('PT1S', 100), `PullMessages filter ${topicExpr}`)).body);
      assert.deepEqual(got.map((m) => (m.topic === MOTION ? `motion:${m.items.Source}` : `crossed:${m.items.Rule}`)), want);
    });
  }

  test('refused filters: each with its WS-BaseNotification fault, as env:Receiver / HTTP 500 with the fault element in Detail', async () => {
    const cases: [string, string, string][] = [
      [topicFilter('tns1:RuleEngine//.', 'urn:unknown-dialect'), 'wsnt:TopicExpressionDialectUnknownFault', '<wsnt:TopicExpressionDialectUnknownFault>'],
      [topicFilter('tns1:RuleEngine//.|'), 'wsnt:InvalidTopicExpressionFault', '<wsnt:InvalidTopicExpressionFault>'],
      [topicFilter('undeclared:RuleEngine'), 'wsnt:InvalidTopicExpressionFault', '<wsnt:InvalidTopicExpressionFault>'],
      [topicFilter('tns1:Nowhere/Nothing'), 'wsnt:TopicNotSupportedFault', '<wsnt:TopicNotSupportedFault>'],
      [`<wsnt:MessageContent Dialect="urn:xpath">true()</wsnt:MessageContent>`, 'wsnt:InvalidMessageContentExpressionFault', '<wsnt:InvalidMessageContentExpressionFault>'],
      [`<wsnt:MessageContent Dialect="${ITEM}">boolean(//tt:SimpleItem[</wsnt:MessageContent>`, 'wsnt:InvalidMessageContentExpressionFault', '<wsnt:InvalidMessageContentExpressionFault>'],
      [`<x:LocationFilter xmlns:x="urn:vigil:later"/>`, 'wsnt:InvalidFilterFault', '<wsnt:UnknownFilter xmlns:q0="urn:vigil:later">q0:LocationFilter</wsnt:UnknownFilter>'],
    ];
    for (const [filter, subcode, detail] of cases) {
      const r = await call(events, tev('CreatePullPointSubscription', `<tev:Filter>${filter}</tev:Filter>`), `CreatePullPointSubscription refused ${subcode}`);
      assert.equal(r.status, 500, filter);
      assert.match(r.body, /<env:Code><env:Value>env:Receiver<\/env:Value>/);
      assert.equal(faultSubcode(r.body), subcode, filter);
      assert.ok(r.body.includes(detail), r.body);
    }
  });
});

describe('WS-BaseNotification', () => {
  let consumer: Server;
  let consumerUrl: string;
  const received: string[] = [];
  const status = 202;

  before(async () => {
    consumer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => consumer.listen(0, '127.0.0.1', r));
    consumerUrl = `http://127.0.0.1:${(consumer.address() as AddressInfo).port}/consumer`;
  });
  after(() => new Promise<void>((r) => consumer.close(() => r())));

  async function waitFor(n: number): Promise<void> {
    for (let i = 0; i < 500 && received.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(received.length >= n, `expected ${n} Notify messages, got ${received.length}`);
  }

  test('Subscribe: Notify messages reach the consumer with its reference parameters; Renew and Unsubscribe at the subscription', async () => {
    const ref = '<wsa:ReferenceParameters><c:Token xmlns:c="urn:consumer">abc-1</c:Token></wsa:ReferenceParameters>';
    const r = await call(
      events,
      wsnt(
        'Subscribe',
        `<wsnt:ConsumerReference><wsa:Address>${consumerUrl}</wsa:Address>${ref}</wsnt:ConsumerReference>` +
          `<wsnt:Filter>${topicFilter('tns1:RuleEngine//.')}</wsnt:Filter><wsnt:InitialTerminationTime>PT2M</wsnt:InitialTerminationTime>`,
      ),
      'Subscribe',
    );
    assert.equal(r.status, 200, r.body);
    const address = /<wsnt:SubscriptionReference><wsa:Address>([^<]+)</.exec(r.body)![1]!;
    assert.match(address, /\/onvif\/event_service\/subscriptions\/[A-Za-z0-9_-]{24}$/);
    assert.match(r.body, /<wsnt:CurrentTime>[^<]+Z<\/wsnt:CurrentTime><wsnt:TerminationTime>[^<]+Z<\/wsnt:TerminationTime>/);

    crossed('push', 1);
    crossed('push', 2);
    await waitFor(1);
    const notify = received.join('');
    for (const body of received) samples.add('Notify', body);
    assert.match(notify, /<wsa:Action>http:\/\/docs.oasis-open.org\/wsn\/bw-2\/NotificationConsumer\/Notify<\/wsa:Action>/);
    assert.ok(notify.includes(`<wsa:To>${consumerUrl}</wsa:To>`));
    assert.match(notify, /<c:Token [^>]*xmlns:c="urn:consumer"[^>]*>abc-1<\/c:Token>|<rp\d:Token [^>]*IsReferenceParameter="true"[^>]*>abc-1</);
    assert.match(notify, /IsReferenceParameter="true"/);
    assert.ok(notify.includes(`<wsnt:SubscriptionReference><wsa:Address>${address}</wsa:Address></wsnt:SubscriptionReference>`));
    await waitFor(1);
    for (let i = 0; i < 500 && messages(received.join('')).length < 2; i++) await new Promise((res) => setTimeout(res, 10));
    assert.deepEqual(messages(received.join('')).map((m) => m.items.ObjectId), ['1', '2']);

    const renewed = await call(address, wsnt('Renew', '<wsnt:TerminationTime>PT5M</wsnt:TerminationTime>'), 'Renew push');
    assert.equal(renewed.status, 200);
    const pull = await call(address, pullBody('PT0S', 1), 'PullMessages on a push subscription');
    assert.equal(faultSubcode(pull.body), 'ter:ActionNotSupported');
    const un = await call(address, wsnt('Unsubscribe'), 'Unsubscribe push');
    assert.equal(un.status, 200);
    assert.equal(faultSubcode((await call(address, wsnt('Unsubscribe'), 'Unsubscribe push again')).body), 'wsrf-rw:ResourceUnknownFault');
  });

  test('Subscribe refuses consumer addresses that are not http(s), and unsupported policies', async () => {
    for (const addr of ['file:///etc/passwd', 'ftp://127.0.0.1/x', 'not a url', '']) {
      const r = await call(events, wsnt('Subscribe', `<wsnt:ConsumerReference><wsa:Address>${addr}</wsa:Address></wsnt:ConsumerReference>`), `Subscribe ${addr || 'empty'}`);
      assert.equal(faultSubcode(r.body), 'ter:InvalidArgVal', addr);
    }
    const raw = await call(
      events,
      wsnt('Subscribe', `<wsnt:ConsumerReference><wsa:Address>${consumerUrl}</wsa:Address></wsnt:ConsumerReference><wsnt:SubscriptionPolicy><wsnt:UseRaw/></wsnt:SubscriptionPolicy>`),
      'Subscribe UseRaw',
    );
    assert.equal(faultSubcode(raw.body), 'wsnt:UnsupportedPolicyRequestFault');
  });

  test('GetCurrentMessage: the last message on a concrete topic, or NoCurrentMessageOnTopicFault', async () => {
    crossed('current', 42);
    const r = await call(events, wsnt('GetCurrentMessage', `<wsnt:Topic Dialect="${CONCRETE_SET}" xmlns:tns1="http://www.onvif.org/ver10/topics">tns1:RuleEngine/LineDetector/Crossed</wsnt:Topic>`), 'GetCurrentMessage');
    assert.equal(r.status, 200);
    assert.match(r.body, /<wsnt:GetCurrentMessageResponse><tt:Message [^>]*>.*Name="ObjectId" Value="42"/);
    t.node.events.declareTopic({ topic: 'tns1:Device/HardwareFailure/StorageFailure', isProperty: false, messageDescription: { data: [{ name: 'Failed', type: 'xs:boolean' }] } });
    const none = await call(events, wsnt('GetCurrentMessage', `<wsnt:Topic Dialect="${CONCRETE_SET}" xmlns:tns1="http://www.onvif.org/ver10/topics">tns1:Device/HardwareFailure/StorageFailure</wsnt:Topic>`), 'GetCurrentMessage none');
    assert.equal(faultSubcode(none.body), 'wsnt:NoCurrentMessageOnTopicFault');
    const wide = await call(events, wsnt('GetCurrentMessage', `<wsnt:Topic Dialect="${CONCRETE_SET}" xmlns:tns1="http://www.onvif.org/ver10/topics">tns1:RuleEngine//.</wsnt:Topic>`), 'GetCurrentMessage subtree');
    assert.equal(faultSubcode(wide.body), 'wsnt:InvalidTopicExpressionFault');
  });
});

/**
 * Interop: the `onvif` npm client (lib/events.js) subscribes through its own event loop —
 * CreatePullPointSubscription, PullMessages (PT1M long poll), Renew, Unsubscribe — and receives
 * an event published through the node's broker.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { ADMIN, startTestNode, type TestNode } from '../../helpers/node.js';

const require = createRequire(import.meta.url);
const onvif = require('onvif') as { Cam: new (opts: Record<string, unknown>, cb: (err: Error | null) => void) => OnvifCam };

interface OnvifCam {
  on(ev: 'event', fn: (message: NotificationMessage) => void): void;
  on(ev: 'eventsError', fn: (err: Error) => void): void;
  removeAllListeners(ev: string): void;
  getEventProperties(cb: (err: Error | null, props: Record<string, unknown>) => void): void;
  getEventServiceCapabilities(cb: (err: Error | null, caps: Record<string, unknown>) => void): void;
  uri: Record<string, { href: string } | undefined>;
}

interface NotificationMessage {
  topic: { _: string };
  message: { message: { $: { UtcTime: Date | string; PropertyOperation?: string }; source: { simpleItem: { $: { Name: string; Value: string } } }; data: { simpleItem: { $: { Name: string; Value: string } } } } };
}

let t: TestNode;
before(async () => {
  t = await startTestNode();
  t.node.events.declareTopic({
    topic: 'tns1:VideoSource/MotionAlarm',
    isProperty: true,
    messageDescription: { source: [{ name: 'Source', type: 'tt:ReferenceToken' }], data: [{ name: 'State', type: 'xs:boolean' }] },
  });
});
after(async () => {
  await t.stop();
});

function connect(): Promise<OnvifCam> {
  return new Promise((resolve, reject) => {
    const cam = new onvif.Cam(
      { hostname: '127.0.0.1', port: t.node.httpPort, username: ADMIN.username, password: ADMIN.password, useWSSecurity: true, timeout: 5000 },
      (err) => (err ? reject(err) : resolve(cam)),
    );
  });
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), `timed out waiting for ${what}`);
}

test('onvif npm: event service discovery, properties, and a pull-point event loop receiving a published event', { timeout: 60_000 }, async () => {
  const cam = await connect();
  assert.equal(cam.uri.events?.href, `${t.http}/onvif/event_service`);
  const props = await new Promise<Record<string, unknown>>((res, rej) => cam.getEventProperties((e, p) => (e ? rej(e) : res(p))));
  // (the client lower-cases the first letter of element names)
  assert.ok(JSON.stringify(props.topicSet).includes('"motionAlarm":{"$":{"wstop:topic":true}'), JSON.stringify(props));
  const caps = await new Promise<Record<string, unknown>>((res, rej) => cam.getEventServiceCapabilities((e, c) => (e ? rej(e) : res(c))));
  assert.equal(caps.MaxPullPoints, 1000);

  const baseline = t.node.events.sinkCount;
  const received: NotificationMessage[] = [];
  const errors: Error[] = [];
  cam.on('eventsError', (e) => errors.push(e));
  cam.on('event', (m) => received.push(m));
  // The client's loop has created its pull point (and is waiting in PullMessages).
  await until(() => t.node.events.sinkCount > baseline, 'the pull point subscription');
  t.node.events.publish({ topic: 'tns1:VideoSource/MotionAlarm', utcTime: new Date(), source: [['Source', 'vs-npm']], data: [['State', 'true']] });
  await until(() => received.some((m) => m.topic._ === 'tns1:VideoSource/MotionAlarm'), 'the MotionAlarm event');
  const m = received.find((x) => x.topic._ === 'tns1:VideoSource/MotionAlarm')!;
  assert.deepEqual(m.message.message.source.simpleItem.$, { Name: 'Source', Value: 'vs-npm' });
  assert.deepEqual(m.message.message.data.simpleItem.$, { Name: 'State', Value: true });
  assert.equal(m.message.message.$.PropertyOperation, 'Initialized');

  // Without listeners the client's loop unsubscribes (after its Renew), freeing the pull point.
  cam.removeAllListeners('event');
  await until(() => t.node.events.sinkCount === baseline, 'Unsubscribe');
  assert.deepEqual(errors, []);
  const ops = t.node.audit.recent(200).map((r) => r.operation);
  for (const op of ['CreatePullPointSubscription', 'PullMessages', 'Renew', 'Unsubscribe']) assert.ok(ops.includes(op), `${op} was called`);
});

/** Interop: python3-zeep (Debian) with the vendored ONVIF event WSDL drives a pull point. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { ADMIN, startTestNode, type TestNode } from '../../helpers/node.js';

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

test('zeep: capabilities, properties, CreatePullPointSubscription + PullMessages, sync point, Renew, Unsubscribe', { timeout: 120_000 }, async () => {
  const wsdl = resolve(import.meta.dirname, '../../../vendor/onvif/wsdl');
  const script = resolve(import.meta.dirname, 'zeep_events.py');
  const baseline = t.node.events.sinkCount;
  // Debian's python3 (where python3-zeep lives), not whatever python3 is first on PATH.
  const run = new Promise<string>((res, rej) =>
    execFile('/usr/bin/python3', [script, wsdl, `${t.http}/onvif/event_service`, ADMIN.username, ADMIN.password], { timeout: 90_000 }, (err, out, errOut) =>
      err ? rej(new Error(`${err.message}\n${errOut}`)) : res(out),
    ),
  );
  // Publish once zeep's pull point exists; its PullMessages long poll picks the event up.
  let published = false;
  let done = false;
  void run.finally(() => (done = true)).catch(() => undefined);
  const publisher = (async () => {
    for (let i = 0; i < 6000 && !published && !done; i++) {
      if (t.node.events.sinkCount > baseline) {
        t.node.events.publish({ topic: 'tns1:VideoSource/MotionAlarm', utcTime: new Date(), source: [['Source', 'vs-zeep']], data: [['State', 'true']] });
        published = true;
      } else await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const stdout = await run;
  await publisher;
  const r = JSON.parse(stdout) as Record<string, unknown>;
  assert.deepEqual(r.caps, { MaxPullPoints: 1000, WSPausableSubscriptionManagerInterfaceSupport: false });
  assert.ok((r.dialects as string[]).includes('http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet'));
  assert.deepEqual(r.content_dialects, ['http://www.onvif.org/ver10/tev/messageContentFilter/ItemFilter']);
  assert.ok((r.topics as string[]).includes('VideoSource/MotionAlarm'), String(r.topics));
  assert.match(String(r.subscription), /\/onvif\/event_service\/subscriptions\/[A-Za-z0-9_-]{24}$/);
  assert.ok(Math.abs((r.termination_after_current as number) - 60) < 1, String(r.termination_after_current));
  assert.deepEqual(r.pulled, [
    { topic: 'tns1:VideoSource/MotionAlarm', dialect: 'http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet', op: 'Initialized', items: { Source: 'vs-zeep', State: 'true' } },
  ]);
  assert.deepEqual(r.after_sync, [{ op: 'Initialized', items: { Source: 'vs-zeep', State: 'true' } }]);
  assert.ok((r.renew_extends as number) >= 119);
  const fault = r.after_unsubscribe as { type: string; subcodes: string[] };
  assert.equal(fault.type, 'Fault');
  assert.ok(fault.subcodes.some((s) => s.includes('ResourceUnknownFault')), JSON.stringify(fault));
  assert.equal(t.node.events.sinkCount, baseline);
});

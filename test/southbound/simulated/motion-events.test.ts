/**
 * Motion through the event broker: tns1:VideoSource/MotionAlarm is a declared property topic;
 * the simulated detector publishes Initialized then Changed with the video source token, in
 * step with the scene, and the node wires it for its cameras.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBroker, type PublishedEvent } from '../../../src/events/broker.js';
import { SimulatedCamera } from '../../../src/southbound/simulated/camera.js';
import { motionAlarmPublisher } from '../../../src/southbound/simulated/motion-events.js';
import { motionAt, SCENES } from '../../../src/southbound/simulated/scenes.js';
import { startTestNode } from '../../helpers/node.js';
import { VirtualTimers } from './virtual-timers.js';

describe('motion events', () => {
  test('the detector publishes MotionAlarm State changes as property events with the video source token', () => {
    const broker = new EventBroker();
    const seen: PublishedEvent[] = [];
    broker.attach({ offer: (ev) => seen.push(ev) });
    const publish = motionAlarmPublisher(broker, (id) => (id === 'cam' ? 'Cam1:VS' : undefined));
    const topic = broker.topics().find((t) => t.text === 'tns1:VideoSource/MotionAlarm');
    assert.ok(topic?.isProperty);
    const timers = new VirtualTimers(Date.UTC(2025, 0, 1));
    const cam = new SimulatedCamera({ scene: SCENES[0]!, timers, motion: 'always', onMotion: (s, t) => publish('cam', s, t) });
    cam.begin();
    timers.advance(8000);
    assert.ok(seen.length >= 4);
    assert.equal(seen[0]!.propertyOperation, 'Initialized');
    assert.ok(seen.slice(1).every((e) => e.propertyOperation === 'Changed'));
    for (const e of seen) {
      assert.deepEqual(e.source.map((i) => [i.name, i.value]), [['Source', 'Cam1:VS']]);
      assert.equal(e.data[0]!.value, String(motionAt(SCENES[0]!, e.utcTime.getTime() / 1000 + 1e-6)));
    }
    publish('gone', true, 0);
    assert.equal(broker.currentStates().length, 1, 'a removed camera publishes nothing');
    cam.close();
  });

  test('the node declares the topic; an idle node is quiet, a streamed camera publishes its motion', async () => {
    const t = await startTestNode();
    const motion = (): string[] => t.node.events.currentStates().filter((e) => e.topic.text === 'tns1:VideoSource/MotionAlarm').map((e) => String(e.source[0]!.value));
    try {
      assert.ok(t.node.events.topics().some((x) => x.text === 'tns1:VideoSource/MotionAlarm'));
      assert.deepEqual(motion(), []);
      const source = t.node.media.sourceForProfile('Cam3:sub')!;
      source.start(() => undefined);
      assert.deepEqual(motion(), ['Cam3:VS'], 'the detector reports its state when it starts');
      source.stop();
    } finally {
      await t.stop();
    }
  });

  test('a configured camera list replaces the default; counts, offline cameras and locations apply', async () => {
    const t = await startTestNode({
      cameras: [
        { name: 'Pier', prefix: 'Pier', count: 3, location: { lat: 53.54, lon: 9.98 } },
        { name: 'Spare', online: false, ptz: true, motion: 'off' },
        { name: 'Hall', motion: 'always' },
      ],
    });
    try {
      const cams = t.node.media.cameras();
      assert.deepEqual(cams.map((c) => [c.prefix, c.online, c.desc.ptz]), [
        ['Pier1', true, false], ['Pier2', true, false], ['Pier3', true, false], ['sim-spare', false, true], ['sim-hall', true, false],
      ]);
      assert.deepEqual(t.node.media.location('sim-pier-2'), { lat: 53.54, lon: 9.98 });
      const states = t.node.events.currentStates().filter((e) => e.topic.text === 'tns1:VideoSource/MotionAlarm');
      assert.deepEqual(states.map((e) => e.source[0]!.value), ['sim-hall:VS'], 'only the camera with motion: always reports while idle');
    } finally {
      await t.stop();
    }
  });
});

/** Scenes: object paths, motion edges, the ffmpeg graph matching the runtime geometry. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  audioSample, ffmpegFilterGraph, loopTime, motionAt, motionEdges, nextMotionChange, objectAt, objectsAt, SCENES, sceneForIndex,
} from '../../../src/southbound/simulated/scenes.js';

describe('scenes', () => {
  test('four distinct scenes; cameras beyond the fourth reuse them in turn', () => {
    assert.equal(SCENES.length, 4);
    assert.equal(new Set(SCENES.map((s) => s.background)).size, 4);
    assert.equal(sceneForIndex(5), SCENES[1]);
    assert.equal(sceneForIndex(-1), SCENES[3]);
  });

  test('objects move linearly between their end points and are absent outside their interval', () => {
    const o = SCENES[0]!.objects[0]!;
    assert.equal(objectAt(o, o.t0 - 0.01), undefined);
    assert.equal(objectAt(o, o.t1), undefined);
    const start = objectAt(o, o.t0)!;
    assert.deepEqual(start.centre, o.from);
    const mid = objectAt(o, (o.t0 + o.t1) / 2)!;
    assert.ok(Math.abs(mid.centre.x - (o.from.x + o.to.x) / 2) < 1e-9);
    assert.ok(mid.top > mid.bottom && mid.right > mid.left);
    assert.ok(Math.abs(mid.right - mid.left - 2 * o.width) < 1e-9, 'normalized width is twice the frame fraction');
  });

  test('motion is "some object in view"; loop time wraps, also for absolute epoch seconds', () => {
    const s = SCENES[0]!;
    assert.equal(motionAt(s, 0.2), false);
    assert.equal(motionAt(s, 1), true);
    assert.equal(motionAt(s, 4 * 1e8 + 1), true);
    assert.equal(loopTime(s, -1), 3);
    assert.deepEqual(motionEdges(s), [0.4, 3.6]);
    assert.equal(objectsAt(SCENES[1]!, 2.5).length, 2);
  });

  test('property: nextMotionChange is the first instant the motion state differs', () => {
    for (const scene of SCENES) {
      fc.assert(
        fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), (t) => {
          const next = nextMotionChange(scene, t);
          assert.ok(next > t);
          assert.notEqual(motionAt(scene, next + 1e-6), motionAt(scene, t));
          // No change in between (sampled).
          for (let k = 1; k < 10; k++) assert.equal(motionAt(scene, t + ((next - t) * k) / 10 - 1e-7), motionAt(scene, t));
        }),
        { numRuns: 100 },
      );
    }
  });

  test('the audio signal has a louder beep in the first 120 ms of each second', () => {
    const s = SCENES[0]!;
    const peak = (from: number, to: number): number => {
      let p = 0;
      for (let t = from; t < to; t += 1 / 8000) p = Math.max(p, Math.abs(audioSample(s, t)));
      return p;
    };
    assert.ok(peak(0, 0.1) > 0.45 && peak(0.3, 0.9) < 0.16);
  });

  test('the ffmpeg graph places each box where objectAt says (same normalized geometry)', () => {
    const g = ffmpegFilterGraph(SCENES[1]!, 1280, 720, "Parking - H.264 1280x720 it's", undefined);
    assert.match(g, /^smptehdbars=size=1280x720:rate=25/);
    assert.match(g, /color=c=0x282830:size=307x115/);
    assert.match(g, /enable='gte\(t\\,0\)\*lt\(t\\,2\.8\)'/);
    assert.doesNotMatch(g, /drawtext/, 'no font, no caption');
    const withFont = ffmpegFilterGraph(SCENES[0]!, 640, 360, "it's: a\\test", '/f.ttf');
    assert.ok(withFont.includes("drawtext=fontfile=/f.ttf:text='it s  a test'"), 'quotes, colons and backslashes cannot break the graph');
  });
});

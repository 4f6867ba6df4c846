/**
 * Playout: every emitted sequence decodes (each frame is an IDR or the successor of the frame
 * before it in the same GOP), the delivered rate is the frame-rate limit, timestamps and wall
 * clock only increase across loops, and a keyframe request gives an IDR at the next emission.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ChunkPlayout, VideoPlayout } from '../../../src/southbound/simulated/playout.js';

const GOP = 25;
const FPS = 25;

function run(limit: number, emissions: number, contentStartFrame = 0, keyframeAt: number[] = []) {
  const p = new VideoPlayout({ startWall: 1_000_000, clipFps: FPS, gop: GOP, frameRateLimit: limit, contentStartFrame });
  const out = [];
  for (let i = 0; i < emissions; i++) {
    if (keyframeAt.includes(i)) p.requestKeyframe();
    out.push(p.next());
  }
  return out;
}

function assertDecodable(frames: { frame: number; keyframe: boolean }[]): void {
  assert.ok(frames[0]!.keyframe, 'starts with an IDR');
  for (let i = 1; i < frames.length; i++) {
    const f = frames[i]!;
    if (f.frame % GOP === 0) assert.ok(f.keyframe && f.frame > frames[i - 1]!.frame, `frame ${i} is a later IDR`);
    else assert.equal(f.frame, frames[i - 1]!.frame + 1, `frame ${i} follows its reference`);
  }
}

describe('VideoPlayout', () => {
  test('at the clip rate every frame goes out in order, 40 ms apart, starting at the current GOP', () => {
    const frames = run(25, 300, 1234);
    assert.equal(frames[0]!.frame, 1225, 'starts at the IDR of the GOP holding frame 1234');
    frames.forEach((f, i) => {
      assert.equal(f.frame, 1225 + i);
      assert.equal(f.elapsedMs, i * 40);
      assert.equal(f.wallMs, 1_000_000 + i * 40);
    });
    assertDecodable(frames);
  });

  test('a frame-rate limit sends that many frames per second, every one decodable, one GOP per second', () => {
    for (const limit of [20, 15, 12.5, 10, 5, 2, 1]) {
      const frames = run(limit, Math.round(limit * 8));
      assertDecodable(frames);
      const perSecond = new Map<number, number>();
      for (const f of frames) perSecond.set(Math.floor(f.elapsedMs / 1000), (perSecond.get(Math.floor(f.elapsedMs / 1000)) ?? 0) + 1);
      // Whole rates: exactly that many per second; 12.5 alternates 13/12.
      for (const [, n] of perSecond) assert.ok(Math.abs(n - limit) < 1, `${limit} fps: ${n} in one second`);
      assert.equal(frames.filter((f) => f.elapsedMs < 8000).length, limit * 8);
      // Each second starts with the IDR of the GOP that is current in wall time.
      for (const f of frames) if (f.elapsedMs % 1000 === 0) assert.equal(f.frame, (f.elapsedMs / 1000) * GOP);
    }
  });

  test('below one frame per GOP only keyframes go out, GOPs skipped in real time', () => {
    const frames = run(0.5, 6);
    assert.deepEqual(frames.map((f) => f.frame), [0, 50, 100, 150, 200, 250]);
    assert.ok(frames.every((f) => f.keyframe));
  });

  test('a keyframe request yields an IDR at the next emission and playout continues from it', () => {
    const frames = run(25, 60, 0, [7, 40]);
    assert.ok(frames[7]!.keyframe);
    assert.equal(frames[7]!.frame, 25);
    assertDecodable(frames);
    assert.ok(frames[40]!.keyframe, 'second request honoured');
  });

  test('property: any limit, start and keyframe requests give decodable, increasing output', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.2, max: 30, noNaN: true }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 0, max: 199 }), { maxLength: 5 }),
        (limit, start, kf) => {
          const frames = run(limit, 200, start, kf);
          assertDecodable(frames);
          for (let i = 1; i < frames.length; i++) {
            assert.ok(frames[i]!.elapsedMs > frames[i - 1]!.elapsedMs);
            assert.ok(frames[i]!.wallMs > frames[i - 1]!.wallMs);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('ChunkPlayout', () => {
  test('fixed period, skipping keeps the schedule', () => {
    const c = new ChunkPlayout(500, 20);
    assert.deepEqual(c.next(), { index: 0, wallMs: 500 });
    c.skip();
    assert.equal(c.nextDue, 540);
    assert.deepEqual(c.next(), { index: 2, wallMs: 540 });
  });
});

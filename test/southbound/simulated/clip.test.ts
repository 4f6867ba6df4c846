/**
 * The committed clips and their manifest: every clip parses into closed 1-second GOPs with
 * parameter sets in front of each keyframe, its SPS agrees with its name, the manifest is what
 * the clips say (so regenerating assets keeps it consistent), and the total stays small.
 * Broken clips are refused with the codec's ParseError.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { isParseError } from '../../../src/protocol/codec/errors.js';
import { parseSps as h264Sps } from '../../../src/protocol/codec/h264.js';
import { parseSps as h265Sps } from '../../../src/protocol/codec/h265.js';
import { buildManifest, DEFAULT_ASSET_DIR, SimAssets } from '../../../src/southbound/simulated/assets.js';
import { parseAacClip, parseVideoClip, profileName } from '../../../src/southbound/simulated/clip.js';
import { SCENES } from '../../../src/southbound/simulated/scenes.js';

const assets = new SimAssets();

describe('committed clips', () => {
  test('two resolutions per codec per scene, both codecs, AAC per scene; total at most ~3 MB', () => {
    const m = assets.manifest;
    for (const s of SCENES) {
      for (const codec of ['H264', 'H265'] as const) {
        const sizes = m.video.filter((v) => v.scene === s.id && v.codec === codec).map((v) => `${v.width}x${v.height}`);
        assert.deepEqual(sizes.sort(), ['1280x720', '640x360']);
      }
      assert.ok(m.audio.some((a) => a.scene === s.id && a.sampleRate === 16000));
    }
    const total = readdirSync(DEFAULT_ASSET_DIR).reduce((sum, f) => sum + statSync(join(DEFAULT_ASSET_DIR, f)).size, 0);
    assert.ok(total <= 3.2 * 1024 * 1024, `assets are ${total} bytes`);
  });

  test('the manifest is exactly what the clips say', () => {
    assert.deepEqual(buildManifest(DEFAULT_ASSET_DIR), assets.manifest);
  });

  test('every clip: 4 s at 25 fps, IDR every 25 frames with parameter sets, SPS size matches the name', () => {
    for (const info of assets.manifest.video) {
      const clip = assets.video(info);
      assert.equal(clip.frames.length, 100);
      assert.equal(clip.gop, 25);
      assert.equal(profileName(clip), 'Main');
      clip.frames.forEach((f, i) => {
        assert.equal(f.keyframe, i % 25 === 0, `${info.file} frame ${i}`);
        if (f.keyframe) assert.equal(f.nals[0], clip.codec === 'H264' ? clip.sps : clip.vps);
      });
      const sps = clip.codec === 'H264' ? h264Sps(clip.sps) : h265Sps(clip.sps);
      assert.equal(`${sps.width}x${sps.height}`, `${info.width}x${info.height}`);
      assert.equal(sps.fps, 25);
      const types = clip.frames.flatMap((f) => f.nals).map((n) => (clip.codec === 'H264' ? n[0]! & 0x1f : (n[0]! >> 1) & 0x3f));
      assert.ok(!types.includes(clip.codec === 'H264' ? 6 : 39), 'no SEI');
    }
    for (const a of assets.manifest.audio) {
      const clip = assets.aac(a.scene)!;
      assert.equal(clip.channels, 1);
      assert.equal(clip.frames.length, a.frames);
      assert.deepEqual([...clip.config], [0x14, 0x08], 'AAC-LC, 16 kHz, mono');
    }
  });

  test('clips are shared: the same object for every camera of a scene', () => {
    const info = assets.manifest.video[0]!;
    assert.equal(assets.video(info), assets.video(info));
  });
});

describe('broken clips', () => {
  const good = readFileSync(join(DEFAULT_ASSET_DIR, 'cam1_h264_640x360.h264'));

  test('no start code, no parameter sets, or not starting with a keyframe are refused', () => {
    assert.throws(() => parseVideoClip('H264', Buffer.from('not annex b')), (e) => isParseError(e));
    assert.throws(() => parseVideoClip('H265', good), (e) => isParseError(e), 'H.264 bytes are no H.265 clip');
    const idr = good.indexOf(Buffer.from([0, 0, 0, 1, 0x41]));
    assert.throws(() => parseVideoClip('H264', good.subarray(idr)), (e) => isParseError(e));
    assert.throws(() => parseAacClip(Buffer.from([0xff, 0xf1, 0x50])), (e) => isParseError(e));
  });

  test('property: truncated clips either parse to whole GOPs or throw only ParseError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: good.length }), (cut) => {
        try {
          const clip = parseVideoClip('H264', good.subarray(0, cut));
          assert.equal(clip.frames.length % clip.gop, 0);
        } catch (err) {
          assert.ok(isParseError(err), String(err));
        }
      }),
      { numRuns: 150 },
    );
  });
});

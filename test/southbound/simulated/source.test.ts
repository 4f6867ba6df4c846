/**
 * The simulated live source on a virtual clock: real-time pace over several loops with
 * monotonic, wall-clock-true timestamps; the frames' SPS says what TrackInfo says (H.264 and
 * H.265, both sizes); G.711 and AAC audio; metadata documents whose objects and motion events
 * follow the scene at the time of the video frame; keyframe requests; offline; idle cost.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MediaFrame } from '../../../src/media/live.js';
import type { AudioEncoderConfig, MetadataConfig, StreamSelection, VideoEncoderConfig } from '../../../src/media/model/types.js';
import { parseSps as h264Sps } from '../../../src/protocol/codec/h264.js';
import { parseSps as h265Sps } from '../../../src/protocol/codec/h265.js';
import { decodeMulaw } from '../../../src/protocol/codec/g711.js';
import { SimulatedCamera } from '../../../src/southbound/simulated/camera.js';
import { motionAt, objectsAt, SCENES } from '../../../src/southbound/simulated/scenes.js';
import { VirtualTimers } from './virtual-timers.js';

const MC = { address: '239.1.1.1', port: 5000, ttl: 1, autoStart: false };
const ve = (encoding: 'H264' | 'H265', width: number, height: number, frameRateLimit = 25): VideoEncoderConfig => ({
  kind: 'VideoEncoder', token: 'VE', name: 'v', encoding, width, height, frameRateLimit, bitrateLimit: 500, constantBitRate: false, quality: 70, govLength: 25, profile: 'Main', multicast: MC,
});
const ae = (encoding: 'PCMU' | 'mpeg4-generic'): AudioEncoderConfig => ({
  kind: 'AudioEncoder', token: 'AE', name: 'a', encoding, bitrate: encoding === 'PCMU' ? 64 : 32, sampleRate: encoding === 'PCMU' ? 8 : 16, multicast: MC,
});
const md: MetadataConfig = {
  kind: 'Metadata', token: 'MD', name: 'm', analytics: true, events: { filters: [] }, ptzStatus: undefined, geoLocation: true, sessionTimeoutSeconds: 60, multicast: MC,
};
const selection = (over: Partial<StreamSelection>): StreamSelection => ({
  profileToken: 'Cam:P', videoSourceToken: 'Cam:VS', videoSourceConfigurationToken: 'Cam:VSC', ...over,
});

// A start a little into a GOP (frame 13 of the second's 25), on a whole second otherwise.
const T0 = 1_700_000_000_000 + 520;

function setup(sel: StreamSelection, opts: { motion?: 'always' | 'streaming' | 'off'; ptz?: boolean } = {}) {
  const timers = new VirtualTimers(T0);
  const motion: { state: boolean; utcMs: number }[] = [];
  const cam = new SimulatedCamera({
    scene: SCENES[0]!, timers, location: { lat: 48, lon: 2, elevation: 30 }, motion: opts.motion ?? 'streaming', ptz: opts.ptz ?? false,
    onMotion: (state, utcMs) => motion.push({ state, utcMs }),
  });
  cam.begin();
  const source = cam.openSource(sel, 'Cam:P#1');
  const frames: MediaFrame[] = [];
  return { timers, cam, source, frames, motion, start: () => source.start((f) => frames.push(f)) };
}

function spsSize(f: MediaFrame, codec: 'H264' | 'H265'): string {
  const sps = f.data.find((n) => (codec === 'H264' ? (n[0]! & 0x1f) === 7 : ((n[0]! >> 1) & 0x3f) === 33))!;
  const s = codec === 'H264' ? h264Sps(sps) : h265Sps(sps);
  return `${s.width}x${s.height}`;
}

describe('simulated live source', () => {
  test('video at 25 fps over three loops: increasing timestamps, wallclock = start + media time, keyframes with SPS', () => {
    const s = setup(selection({ video: ve('H264', 1280, 720) }));
    assert.deepEqual(s.source.tracks.map((t) => [t.kind, t.codec, t.width, t.height]), [['video', 'H264', 1280, 720]]);
    s.start();
    s.timers.advance(12_000);
    const v = s.frames;
    assert.ok(v.length >= 300 && v.length <= 301, `${v.length} frames in 12 s`);
    assert.ok(v[0]!.keyframe, 'a stream starts with an IDR');
    for (let i = 1; i < v.length; i++) {
      assert.equal(v[i]!.timestamp - v[i - 1]!.timestamp, 3600, '90 kHz, 40 ms');
      assert.equal(v[i]!.wallclockMs, T0 + v[i]!.timestamp / 90);
    }
    assert.equal(v.filter((f) => f.keyframe).length, Math.floor((v.length - 1) / 25) + 1, 'one IDR per second');
    for (const f of v.filter((x) => x.keyframe)) assert.equal(spsSize(f, 'H264'), '1280x720');
  });

  test('the SPS in the frames matches TrackInfo for every codec and size', () => {
    for (const [codec, w, h] of [['H264', 640, 360], ['H265', 1280, 720], ['H265', 640, 360]] as const) {
      const s = setup(selection({ video: ve(codec, w, h) }));
      const t = s.source.tracks[0]!;
      assert.equal(`${t.width}x${t.height}`, `${w}x${h}`);
      if (codec === 'H265') assert.ok(t.h265?.vps && t.h265.sps && t.h265.pps);
      s.start();
      s.timers.advance(100);
      assert.equal(spsSize(s.frames[0]!, codec), `${w}x${h}`);
      s.source.stop();
    }
  });

  test('a frame-rate limit delivers that rate, and a keyframe request gives an IDR next', () => {
    const s = setup(selection({ video: ve('H264', 640, 360, 5) }));
    s.start();
    s.timers.advance(4000);
    assert.equal(s.frames.length, 21, '5 fps for 4 s, first frame at 0');
    s.source.requestKeyframe();
    s.timers.advance(200);
    assert.ok(s.frames.at(-1)!.keyframe);
  });

  test('G.711 µ-law: 20 ms frames of 160 samples carrying the scene tone; AAC: raw frames of 1024 samples', () => {
    const s = setup(selection({ audio: ae('PCMU') }));
    assert.deepEqual(s.source.tracks.map((t) => [t.codec, t.clockRate]), [['PCMU', 8000]]);
    s.start();
    s.timers.advance(1000);
    assert.ok(s.frames.length >= 50 && s.frames.length <= 51);
    assert.ok(s.frames.every((f, i) => f.data[0]!.length === 160 && f.timestamp === i * 160));
    const pcm = decodeMulaw(s.frames[0]!.data[0]!);
    assert.ok(Math.max(...pcm.map(Math.abs)) > 10_000, 'the beep at the start of the second is loud');

    const a = setup(selection({ audio: ae('mpeg4-generic') }));
    assert.equal(a.source.tracks[0]!.codec, 'AAC');
    assert.deepEqual([...a.source.tracks[0]!.aacConfig!], [0x14, 0x08]);
    a.start();
    a.timers.advance(2000);
    assert.ok(a.frames.length >= 31 && a.frames.length <= 32);
    assert.ok(a.frames.every((f, i) => f.timestamp === i * 1024 && f.data[0]![0] !== 0xff), 'no ADTS headers');
  });

  test('metadata: objects where the scene puts them at the video frame time, motion events on changes only', () => {
    const s = setup(selection({ video: ve('H264', 640, 360), metadata: md }));
    s.start();
    s.timers.advance(8000);
    const docs = s.frames.filter((f) => f.track === 1).map((f) => ({ f, xml: Buffer.from(f.data[0]!).toString('utf8') }));
    assert.ok(docs.length >= 40);
    const scene = SCENES[0]!;
    let changes = 0;
    for (const { f, xml } of docs) {
      assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?><tt:MetadataStream /);
      // The video frame sent last before this document is what the objects describe.
      const video = s.frames.filter((x) => x.track === 0 && x.wallclockMs <= f.wallclockMs).at(-1)!;
      const contentSec = (Math.floor(Math.floor((T0 * 25) / 1000) / 25) * 25) / 25 + video.timestamp / 90000;
      const expected = objectsAt(scene, contentSec);
      assert.equal((xml.match(/<tt:Object /g) ?? []).length, expected.length);
      if (expected.length) assert.ok(xml.includes(`x="${Math.round(expected[0]!.centre.x * 10000) / 10000}"`), 'centre of gravity');
      if (xml.includes('MotionAlarm')) {
        changes++;
        assert.ok(xml.includes(`Value="${motionAt(scene, contentSec)}"`));
      }
    }
    assert.ok(changes >= 4 && changes <= 6, `${changes} motion notices over two loops`);
    assert.match(docs[0]!.xml, /PropertyOperation="Initialized"/);
    assert.match(docs[0]!.xml, /<tt:GeoLocation lon="[\d.]+" lat="[\d.]+" elevation="30"\/>|<tt:Frame[^>]*><\/tt:Frame>/);
  });

  test('the metadata configuration\'s topic filter decides whether motion events are streamed', () => {
    const ns = { tns1: 'http://www.onvif.org/ver10/topics' };
    const notices = (expression: string | undefined): number => {
      const filters = expression === undefined ? [] : [{ element: 'TopicExpression' as const, dialect: 'ConcreteSet', expression, namespaces: ns }];
      const s = setup(selection({ metadata: { ...md, analytics: false, events: { filters } } }));
      s.start();
      s.timers.advance(8000);
      return s.frames.filter((f) => Buffer.from(f.data[0]!).toString().includes('MotionAlarm')).length;
    };
    assert.ok(notices(undefined) >= 4);
    assert.ok(notices('tns1:VideoSource//.') >= 4);
    assert.ok(notices('tns1:RuleEngine//.|tns1:VideoSource/MotionAlarm') >= 4);
    assert.equal(notices('tns1:RuleEngine//.'), 0);
    assert.equal(notices('unbound:VideoSource'), 0);
    const off = setup(selection({ metadata: { ...md, events: undefined } }));
    off.start();
    off.timers.advance(8000);
    assert.ok(off.frames.every((f) => !Buffer.from(f.data[0]!).toString().includes('MotionAlarm')));
  });

  test('camera motion events run only while streamed (mode streaming) and end with State false', () => {
    const s = setup(selection({ video: ve('H264', 640, 360) }));
    s.timers.advance(10_000);
    assert.equal(s.motion.length, 0, 'idle camera detects nothing');
    assert.equal(s.timers.pending, 0, 'idle camera has no timers');
    s.start();
    s.timers.advance(8000);
    assert.ok(s.motion.length >= 4);
    for (const m of s.motion) assert.equal(m.state, motionAt(SCENES[0]!, m.utcMs / 1000 + 1e-6));
    s.source.stop();
    if (s.motion.at(-1)!.state) assert.fail('stopping must clear a standing alarm');
    assert.equal(s.timers.pending, 0, 'stopped camera has no timers');
  });

  test('motion mode always runs without viewers; offline pauses frames, online resumes with an IDR and later timestamps', () => {
    const s = setup(selection({ video: ve('H264', 640, 360) }), { motion: 'always' });
    s.timers.advance(8000);
    assert.ok(s.motion.length >= 4);
    s.start();
    s.timers.advance(1000);
    const before = s.frames.length;
    s.cam.setOnline(false);
    assert.equal(s.motion.at(-1)!.state, false);
    s.timers.advance(3000);
    assert.equal(s.frames.length, before, 'offline: nothing sent');
    s.cam.setOnline(true);
    s.timers.advance(100);
    const resumed = s.frames[before]!;
    assert.ok(resumed.keyframe);
    assert.ok(resumed.timestamp > s.frames[before - 1]!.timestamp + 3000 * 90 - 3600);
    s.cam.close();
    assert.equal(s.timers.pending, 0);
  });
});

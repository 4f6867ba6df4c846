/**
 * The media model with simulated cameras, a real TokenMap and virtual time: Media2 profile and
 * configuration rules and faults, remote tokens (foreign → InvalidArgVal, unknown → NoProfile /
 * NoConfig), encoder changes reaching the live source, video source modes, OSD/mask limits,
 * change events, persistence across a restart, and the camera registry at run time.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VigilError, type ErrorCode } from '../../../src/core/errors.js';
import type { MediaFrame } from '../../../src/media/live.js';
import type { ModelChange } from '../../../src/media/model/events.js';
import { MediaModel } from '../../../src/media/model/model.js';
import { mediaDirectory } from '../../../src/media/model/directory.js';
import { memoryMediaStore, settingsMediaStore, type MediaStore } from '../../../src/media/model/store.js';
import type { OsdConfig, VideoEncoderConfig } from '../../../src/media/model/types.js';
import { checkMask } from '../../../src/media/model/validate.js';
import { TokenMap } from '../../../src/node/tokens.js';
import { parseSps } from '../../../src/protocol/codec/h264.js';
import { openDatabase, type Db } from '../../../src/storage/db.js';
import { SettingsStore } from '../../../src/storage/settings.js';
import { addSimulatedCameras, defaultCameraConfigs, expandCameraConfigs } from '../../../src/southbound/simulated/index.js';
import { VirtualTimers } from '../../southbound/simulated/virtual-timers.js';

function freshDb(): Db {
  return openDatabase(join(mkdtempSync(join(tmpdir(), 'vigil-media-')), 'v.db'));
}

function setup(db = freshDb(), store: MediaStore = memoryMediaStore()) {
  const timers = new VirtualTimers(Date.UTC(2025, 0, 1));
  const tokens = new TokenMap(db);
  const model = new MediaModel(tokens, store);
  const changes: ModelChange[] = [];
  model.on((c) => changes.push(c));
  addSimulatedCameras(model, expandCameraConfigs(defaultCameraConfigs()), { timers });
  return { model, tokens, timers, changes, db, store };
}

function fault(code: ErrorCode): (err: unknown) => boolean {
  return (err) => err instanceof VigilError && err.code === code;
}

const ve = (m: MediaModel, token: string): VideoEncoderConfig => ({ ...m.configuration('VideoEncoder', token).config, token });

describe('media model', () => {
  test('four default cameras, the second PTZ, each with three fixed profiles of its own prefix', () => {
    const { model } = setup();
    assert.deepEqual(model.cameras().map((c) => [c.desc.name, c.prefix, c.desc.ptz]), [
      ['Entrance', 'Cam1', false], ['Parking', 'Cam2', true], ['Lobby', 'Cam3', false], ['Loading Dock', 'Cam4', false],
    ]);
    const refs = model.profileRefs();
    assert.deepEqual(refs.slice(0, 3).map((r) => [r.token, r.profile.fixed]), [['Cam1:main', true], ['Cam1:sub', true], ['Cam1:hevc', true]]);
    const main = model.profileView(model.profileRef('Cam1:main'));
    assert.deepEqual(Object.keys(main.configs).sort(), ['AudioEncoder', 'AudioSource', 'Metadata', 'VideoEncoder', 'VideoSource']);
    assert.equal(main.configs.VideoSource!.token, 'Cam1:VSC');
    assert.equal(main.configs.VideoSource!.useCount, 3);
    assert.equal((main.configs.VideoSource as { sourceToken: string }).sourceToken, 'Cam1:VS');
    assert.equal(model.profileView(model.profileRef('Cam2:main')).configs.Metadata!.kind, 'Metadata');
  });

  test('tokens: foreign prefix → InvalidArgVal, known prefix naming nothing → NoProfile / NoConfig', () => {
    const { model } = setup();
    assert.throws(() => model.profileRef('Elsewhere:main'), fault('InvalidArgVal'));
    assert.throws(() => model.profileRef('no-colon'), fault('InvalidArgVal'));
    assert.throws(() => model.profileRef('Cam1:nope'), fault('NoProfile'));
    assert.throws(() => model.profileRef('Cam1:VSC'), fault('NoProfile'), 'a configuration token is no profile');
    assert.throws(() => model.configuration('VideoEncoder', 'Cam1:VSC'), fault('NoConfig'));
    assert.throws(() => model.configurations('Metadata', { configurationToken: 'Cam9:MD' }), fault('InvalidArgVal'));
  });

  test('an empty profile belongs to the node until configurations bind it to one camera', () => {
    const { model } = setup();
    const p = model.createProfile('mine', []);
    assert.match(p, /^VSS:P\d+$/);
    assert.equal(model.profileRef(p).camera, undefined);
    model.addConfigurations(p, 'renamed', [{ kind: 'VideoSource', token: 'Cam3:VSC' }, { kind: 'VideoEncoder', token: 'Cam3:VE-hevc' }, { kind: 'All' }]);
    const v = model.profileView(model.profileRef(p));
    assert.equal(v.cameraId, 'sim-lobby');
    assert.equal(v.name, 'renamed');
    assert.throws(() => model.addConfigurations(p, undefined, [{ kind: 'AudioSource', token: 'Cam1:ASC' }]), fault('ConfigurationConflict'));
    assert.throws(() => model.removeConfigurations(p, [{ kind: 'VideoSource' }]), fault('ConfigurationConflict'), 'encoder depends on source');
    model.removeConfigurations(p, [{ kind: 'VideoSource' }, { kind: 'VideoEncoder', token: 'ignored' }, { kind: 'PTZ' }]);
    assert.deepEqual(model.profileRef(p).profile.configs, {});
    model.addConfigurations(p, undefined, [{ kind: 'AudioSource', token: 'Cam1:ASC' }]);
    assert.equal(model.profileRef(p).camera?.desc.id, 'sim-entrance', 'emptied profile can bind to another camera');
    model.removeConfigurations(p, [{ kind: 'All' }]);
    assert.equal(model.profileRef(p).camera, undefined);
  });

  test('CreateProfile with configurations belongs to the camera; dependency, kind and token faults', () => {
    const { model } = setup();
    const p = model.createProfile('cam2 sub', [{ kind: 'VideoSource', token: 'Cam2:VSC' }, { kind: 'VideoEncoder', token: 'Cam2:VE-sub' }]);
    assert.match(p, /^Cam2:P\d+$/);
    assert.throws(() => model.createProfile('x', [{ kind: 'VideoEncoder', token: 'Cam2:VE-sub' }]), fault('ConfigurationConflict'));
    assert.throws(() => model.createProfile('x', [{ kind: 'Metadata', token: 'Cam2:MD' }]), fault('ConfigurationConflict'));
    assert.throws(() => model.createProfile('x', [{ kind: 'VideoSource', token: 'Cam2:VSC' }, { kind: 'AudioSource', token: 'Cam1:ASC' }]), fault('ConfigurationConflict'));
    assert.throws(() => model.createProfile('x', [{ kind: 'VideoSource', token: 'Cam2:VE-sub' }]), fault('NoConfig'), 'wrong kind');
    assert.throws(() => model.createProfile('x', [{ kind: 'PTZ', token: 'Cam2:PTZ' }]), fault('NoConfig'));
    assert.throws(() => model.createProfile('x', [{ kind: 'VideoSource' }]), fault('InvalidArgVal'));
    assert.throws(() => model.createProfile('', []), fault('InvalidArgVal'));
    assert.throws(() => model.addConfigurations(p, undefined, [{ kind: 'VideoSource', token: 'Cam1:VSC' }]), fault('ConfigurationConflict'));
  });

  test('fixed profiles cannot be deleted; created ones can; the profile limit per camera holds', () => {
    const { model } = setup();
    assert.throws(() => model.deleteProfile('Cam1:main'), fault('DeletionOfFixedProfile'));
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push(model.createProfile(`p${i}`, [{ kind: 'VideoSource', token: 'Cam1:VSC' }]));
    assert.throws(() => model.createProfile('one too many', [{ kind: 'VideoSource', token: 'Cam1:VSC' }]), fault('MaxNVTProfiles'));
    model.deleteProfile(created[0]!);
    assert.throws(() => model.profileRef(created[0]!), fault('NoProfile'));
    model.createProfile('fits again', [{ kind: 'VideoSource', token: 'Cam1:VSC' }]);
    // Fixed profiles still take configuration changes.
    model.removeConfigurations('Cam1:main', [{ kind: 'AudioEncoder' }]);
    assert.equal(model.profileRef('Cam1:main').profile.configs.AudioEncoder, undefined);
  });

  test('SetVideoEncoderConfiguration: impossible values fault, rate control adapts, the live source follows', () => {
    const { model, timers } = setup();
    assert.throws(() => model.setConfiguration({ ...ve(model, 'Cam1:VE-main'), width: 1920, height: 1080 }), fault('ConfigModify'));
    assert.throws(() => model.setConfiguration({ ...ve(model, 'Cam1:VE-main'), encoding: 'MPV4-ES' as 'H264' }), fault('ConfigModify'));
    assert.throws(() => model.setConfiguration({ ...ve(model, 'Cam1:VE-main'), govLength: 0 }), fault('ConfigModify'));
    assert.throws(() => model.setConfiguration({ ...ve(model, 'Cam1:VE-main'), multicast: { address: '10.0.0.1', port: 5000, ttl: 1, autoStart: false } }), fault('ConfigModify'));

    const before = model.sourceForProfile('Cam1:main')!;
    assert.equal(model.sourceForProfile('Cam1:main'), before, 'same source while nothing changed');
    assert.equal(before.tracks[0]!.width, 1280);
    model.setConfiguration({ ...ve(model, 'Cam1:VE-main'), width: 640, height: 360, frameRateLimit: 7, bitrateLimit: 1_000_000 });
    const c = model.configuration('VideoEncoder', 'Cam1:VE-main').config;
    assert.equal(c.frameRateLimit, 5, 'adapted to a supported rate');
    assert.ok(c.bitrateLimit < 1000, 'BitrateLimit adapted into range');
    const after = model.sourceForProfile('Cam1:main')!;
    assert.notEqual(after, before);
    assert.equal(after.id, 'Cam1:main#2');
    assert.deepEqual([after.tracks[0]!.width, after.tracks[0]!.height], [640, 360]);
    const frames: MediaFrame[] = [];
    after.start((f) => frames.push(f));
    timers.advance(100);
    after.stop();
    const sps = frames.find((f) => f.track === 0)!.data.find((n) => (n[0]! & 0x1f) === 7)!;
    assert.deepEqual([parseSps(sps).width, parseSps(sps).height], [640, 360]);

    model.setConfiguration({ ...ve(model, 'Cam1:VE-main'), encoding: 'H265', width: 1280, height: 720 });
    assert.equal(model.sourceForProfile('Cam1:main')!.tracks[0]!.codec, 'H265');
  });

  test('source configurations: sources are fixed, bounds adapt to the whole picture, names change', () => {
    const { model } = setup();
    const vsc = { kind: 'VideoSource' as const, token: 'Cam1:VSC', name: 'Front', sourceToken: 'Cam1:VS', bounds: { x: 10, y: 10, width: 100, height: 100 } };
    model.setConfiguration(vsc);
    const [v] = model.configurations('VideoSource', { configurationToken: 'Cam1:VSC' });
    assert.deepEqual([v!.name, v!.bounds.width], ['Front', 1280]);
    assert.throws(() => model.setConfiguration({ ...vsc, sourceToken: 'Cam2:VS' }), fault('ConfigModify'));
    assert.throws(() => model.setConfiguration({ kind: 'AudioSource', token: 'Cam1:ASC', name: 'x', sourceToken: 'Cam1:VS' }), fault('ConfigModify'));
    assert.throws(() => model.setConfiguration({ ...model.configuration('AudioEncoder', 'Cam1:AE-g711').config, token: 'Cam1:AE-g711', bitrate: 128 }), fault('ConfigModify'));
    const md = { ...model.configuration('Metadata', 'Cam1:MD').config, token: 'Cam1:MD' };
    assert.throws(() => model.setConfiguration({ ...md, events: { filters: [{ element: 'TopicExpression', dialect: '', expression: 'tns1:Bad//Path//', namespaces: {} }] } }), fault('ConfigModify'));
  });

  test('Get<entity>Configurations: by token, compatible with a profile, or all', () => {
    const { model } = setup();
    assert.equal(model.configurations('VideoEncoder', {}).length, 12);
    assert.equal(model.configurations('VideoEncoder', { profileToken: 'Cam2:main' }).length, 3);
    assert.throws(() => model.configurations('VideoEncoder', { profileToken: 'Cam2:main', configurationToken: 'Cam1:VE-main' }), fault('NoConfig'));
    const empty = model.createProfile('e', []);
    assert.equal(model.configurations('Metadata', { profileToken: empty }).length, 4, 'an unbound profile is compatible with every camera');
  });

  test('video source modes: a smaller mode shrinks encoders; unknown mode or source fault', () => {
    const { model } = setup();
    const cam = model.videoSourceCamera('Cam1:VS');
    assert.deepEqual(cam.desc.driver.capabilities.modes.map((m) => `${m.maxWidth}x${m.maxHeight}`), ['1280x720', '640x360']);
    model.setVideoSourceMode('Cam1:VS', 'mode1');
    assert.equal(model.configuration('VideoEncoder', 'Cam1:VE-main').config.width, 640);
    assert.throws(() => model.setConfiguration({ ...ve(model, 'Cam1:VE-main'), width: 1280, height: 720 }), fault('ConfigModify'));
    assert.throws(() => model.setVideoSourceMode('Cam1:VS', 'mode9'), fault('NoVideoSourceMode'));
    assert.throws(() => model.videoSourceCamera('Cam1:VSC'), fault('NoVideoSource'));
  });

  test('OSDs and masks: per-configuration limits, no moving across cameras, polygon checks', () => {
    const { model } = setup();
    const osd: OsdConfig = { token: '', videoSourceConfigurationToken: 'Cam1:VSC', position: { type: 'LowerLeft' }, text: { type: 'Plain', plainText: 'x' } };
    assert.equal(model.overlays.osds({ configurationToken: 'Cam1:VSC' }).length, 2);
    const t1 = model.overlays.createOsd(osd);
    model.overlays.createOsd(osd);
    assert.throws(() => model.overlays.createOsd(osd), fault('MaxOSDs'));
    assert.throws(() => model.overlays.setOsd({ ...osd, token: t1, videoSourceConfigurationToken: 'Cam2:VSC' }), fault('ConfigModify'));
    model.overlays.deleteOsd(t1);
    assert.throws(() => model.overlays.osd(t1), fault('NoConfig'));
    const caps = model.camera('sim-entrance')!.desc.driver.capabilities;
    const mask = { token: '', videoSourceConfigurationToken: 'Cam1:VSC', polygon: [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }], type: 'Color' as const, enabled: true };
    assert.throws(() => checkMask(caps, { ...mask, polygon: mask.polygon.slice(0, 2) }, 'Color'), fault('InvalidPolygon'));
    assert.throws(() => checkMask(caps, { ...mask, polygon: [...mask.polygon, { x: 2, y: 0 }] }, 'Color'), fault('InvalidPolygon'));
    assert.throws(() => checkMask(caps, mask, 'Blurred'), fault('ConfigModify'));
    for (let i = 0; i < 4; i++) model.overlays.createMask(mask);
    assert.throws(() => model.overlays.createMask(mask), fault('MaxMasks'));
    assert.throws(() => model.overlays.createMask({ ...mask, videoSourceConfigurationToken: 'Cam1:VE-main' }), fault('NoConfig'));
  });

  test('change events: profiles, configurations, OSDs; the camera registry at run time', () => {
    const { model, changes, timers } = setup();
    changes.length = 0;
    const p = model.createProfile('e', [{ kind: 'VideoSource', token: 'Cam4:VSC' }]);
    model.setConfiguration({ ...ve(model, 'Cam4:VE-sub'), quality: 10 });
    model.deleteProfile(p);
    assert.deepEqual(changes.map((c) => [c.type, c.op, 'token' in c ? c.token : '']), [
      ['profile', 'added', p], ['configuration', 'changed', 'Cam4:VE-sub'], ['profile', 'removed', p],
    ]);
    changes.length = 0;
    const bound = model.createProfile('bound', []);
    model.addConfigurations(bound, undefined, [{ kind: 'VideoSource', token: 'Cam4:VSC' }]);
    const source = model.sourceForProfile('Cam4:main')!;
    const frames: MediaFrame[] = [];
    source.start((f) => frames.push(f));
    timers.advance(200);
    model.setOnline('sim-loading-dock', false);
    const n = frames.length;
    timers.advance(1000);
    assert.equal(frames.length, n, 'offline cameras send nothing');
    model.removeCamera('sim-loading-dock');
    assert.equal(model.camera('sim-loading-dock'), undefined);
    assert.throws(() => model.profileRef('Cam4:main'), fault('NoProfile'));
    assert.throws(() => model.profileRef(bound), fault('NoProfile'), 'node profiles bound to the camera go too');
    assert.ok(changes.some((c) => c.type === 'camera' && c.op === 'offline'));
    assert.ok(changes.some((c) => c.type === 'profile' && c.op === 'removed' && c.token === bound));
    assert.ok(changes.some((c) => c.type === 'configuration' && c.op === 'removed' && c.token === 'Cam4:OSD-time'));
    assert.equal(changes.at(-1)!.type, 'camera');
    assert.equal(timers.pending, 0, 'removing the camera stopped its source');
  });

  test('the live directory: sources per profile, multicast groups per track from the configurations', () => {
    const { model } = setup();
    const dir = mediaDirectory(model);
    assert.equal(dir.sourceForProfile('Cam1:main'), model.sourceForProfile('Cam1:main'));
    assert.equal(dir.sourceForProfile('Cam1:nope'), undefined);
    assert.equal(dir.sourceForProfile('Other:main'), undefined);
    const video = model.configuration('VideoEncoder', 'Cam1:VE-main').config.multicast;
    assert.deepEqual(dir.multicastGroup('Cam1:main', 0), { address: video.address, port: video.port, ttl: video.ttl });
    assert.equal(dir.multicastGroup('Cam1:main', 2)!.address, model.configuration('Metadata', 'Cam1:MD').config.multicast.address);
    assert.equal(dir.multicastGroup('Cam1:main', 3), undefined);
    model.setConfiguration({ ...ve(model, 'Cam1:VE-main'), multicast: { address: '0.0.0.0', port: 0, ttl: 1, autoStart: false } });
    assert.equal(dir.multicastGroup('Cam1:main', 0), undefined, 'unset group: the streaming side picks one');
  });

  test('persistence: created profiles, configuration changes and OSDs survive a restart with the same tokens', () => {
    const db = freshDb();
    const a = setup(db, settingsMediaStore(new SettingsStore(db)));
    const p = a.model.createProfile('kept', [{ kind: 'VideoSource', token: 'Cam2:VSC' }, { kind: 'VideoEncoder', token: 'Cam2:VE-hevc' }]);
    const node = a.model.createProfile('node kept', []);
    a.model.setConfiguration({ ...ve(a.model, 'Cam2:VE-hevc'), width: 640, height: 360 });
    const osd = a.model.overlays.createOsd({ token: '', videoSourceConfigurationToken: 'Cam2:VSC', position: { type: 'UpperRight' }, text: { type: 'Time' } });
    const b = setup(db, settingsMediaStore(new SettingsStore(db)));
    assert.equal(b.model.profileRef(p).profile.name, 'kept');
    assert.equal(b.model.profileRef(node).profile.name, 'node kept');
    assert.equal(b.model.configuration('VideoEncoder', 'Cam2:VE-hevc').config.width, 640);
    assert.equal(b.model.overlays.osd(osd).osd.text.type, 'Time');
  });
});

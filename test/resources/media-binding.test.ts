/**
 * The media model bound to the resource registry (with the simulated cameras, a real TokenMap
 * and virtual time): every profile, configuration, OSD and source is a resource with its remote
 * token, camera location and scopes; profile renames, created and deleted profiles, cameras added,
 * removed, taken offline, and node profiles bound to a camera show as the right resource events;
 * and the Media2 ProfileChanged / ConfigurationChanged events.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBroker } from '../../src/events/broker.js';
import type { PublishedEvent } from '../../src/events/message.js';
import { MediaModel } from '../../src/media/model/model.js';
import { memoryMediaStore } from '../../src/media/model/store.js';
import { TokenMap } from '../../src/node/tokens.js';
import { createResourceQueries } from '../../src/resources/index.js';
import { cameraScopes, onvifScopeUri } from '../../src/resources/media-binding.js';
import { openDatabase } from '../../src/storage/db.js';
import { addSimulatedCameras, defaultCameraConfigs, expandCameraConfigs } from '../../src/southbound/simulated/index.js';
import { VirtualTimers } from '../southbound/simulated/virtual-timers.js';

function setup() {
  const timers = new VirtualTimers(Date.UTC(2025, 0, 1));
  const model = new MediaModel(new TokenMap(openDatabase(join(mkdtempSync(join(tmpdir(), 'vigil-res-')), 'v.db'))), memoryMediaStore());
  addSimulatedCameras(model, expandCameraConfigs(defaultCameraConfigs()), { timers });
  const broker = new EventBroker();
  const rq = createResourceQueries({ broker, model, now: () => timers.now(), sharedScopes: [onvifScopeUri('location', 'city', 'paris')] });
  const got: PublishedEvent[] = [];
  broker.attach({ offer: (ev) => got.push(ev) });
  const short = (): string[] => got.splice(0).map((e) => [e.topic.text.replace('tns1:', ''), e.propertyOperation, ...e.source.map((i) => i.value as string)].filter(Boolean).join(' '));
  return { model, broker, registry: rq.registry, rq, timers, short };
}

describe('media model → resources', () => {
  test('every resource of the four default cameras, with remote tokens, names, locations and scopes', () => {
    const { model, registry } = setup();
    const all = [...registry.list()];
    const cam1 = all.filter((r) => r.token.startsWith('Cam1:'));
    assert.deepEqual(cam1.map((r) => `${r.kind} ${r.token} ${r.name ?? '-'}`).sort(), [
      'AudioEncoderConfiguration Cam1:AE-aac AAC',
      'AudioEncoderConfiguration Cam1:AE-g711 G.711 µ-law',
      'AudioSource Cam1:AS Entrance',
      'AudioSourceConfiguration Cam1:ASC Audio source',
      'MediaProfile Cam1:hevc H.265 stream',
      'MediaProfile Cam1:main Main stream',
      'MediaProfile Cam1:sub Sub stream',
      'MetadataConfiguration Cam1:MD Analytics and events',
      'OSDConfiguration Cam1:OSD-name -',
      'OSDConfiguration Cam1:OSD-time -',
      'VideoEncoderConfiguration Cam1:VE-hevc H.265 stream',
      'VideoEncoderConfiguration Cam1:VE-main Main stream (H.264)',
      'VideoEncoderConfiguration Cam1:VE-sub Sub stream (H.264)',
      'VideoSource Cam1:VS Entrance',
      'VideoSourceConfiguration Cam1:VSC Video source',
    ]);
    assert.equal(all.length, 4 * 15);
    const c = model.cameras()[1]!;
    assert.deepEqual(registry.get('MediaProfile', 'Cam2:main')!.device, {
      id: c.desc.id, prefix: 'Cam2', location: c.desc.location, online: true,
      scopes: [...cameraScopes(c), 'onvif://www.onvif.org/location/city/paris'],
    });
    assert.ok(cameraScopes(c).includes('onvif://www.onvif.org/type/ptz'), 'camera 2 is PTZ-capable');
    assert.ok(cameraScopes(model.cameras()[0]!).includes('onvif://www.onvif.org/name/Entrance'));
  });

  test('profiles and configurations at run time; Media2 change events', () => {
    const { model, short } = setup();
    const token = model.createProfile('Mine', [{ kind: 'VideoSource', token: 'Cam1:VSC' }]);
    assert.deepEqual(short(), [`Resource/MediaProfile Initialized ${token}`, `Media/ProfileChanged ${token}`]);
    model.addConfigurations(token, 'Renamed', [{ kind: 'VideoEncoder', token: 'Cam1:VE-sub' }]);
    assert.deepEqual(short(), [`Resource/MediaProfile Changed ${token}`, `Media/ProfileChanged ${token}`]);
    model.addConfigurations(token, undefined, [{ kind: 'Metadata', token: 'Cam1:MD' }]);
    assert.deepEqual(short(), [`Media/ProfileChanged ${token}`], 'configurations are no resource item: no resource Changed');
    const ve = model.configuration('VideoEncoder', 'Cam1:VE-sub').config;
    model.setConfiguration({ ...ve, token: 'Cam1:VE-sub', frameRateLimit: 5 });
    assert.deepEqual(short(), ['Media/ConfigurationChanged Cam1:VE-sub VideoEncoder']);
    model.setConfiguration({ ...ve, token: 'Cam1:VE-sub', name: 'Small' });
    assert.deepEqual(short(), ['Resource/VideoEncoderConfiguration Changed Cam1:VE-sub', 'Media/ConfigurationChanged Cam1:VE-sub VideoEncoder']);
    model.deleteProfile(token);
    assert.deepEqual(short(), [`Resource/MediaProfile Deleted ${token}`, `Media/ProfileChanged ${token}`]);
    // A profile created empty belongs to the node (no device) until configurations bind it.
    const empty = model.createProfile('Empty', []);
    assert.match(empty, /^VSS:/);
    assert.deepEqual(short(), [`Resource/MediaProfile Initialized ${empty}`, `Media/ProfileChanged ${empty}`]);
  });

  test('cameras offline, removed and added: Changed with Offline, Deleted, Initialized', () => {
    const { model, registry, short, timers } = setup();
    const id = model.cameras()[2]!.desc.id;
    model.setOnline(id, false);
    const off = short();
    assert.equal(off.length, 15);
    assert.ok(off.every((l) => / Changed Cam3:/.test(l)));
    assert.equal(registry.get('VideoSource', 'Cam3:VS')!.device!.online, false);
    model.removeCamera(id);
    const gone = short();
    assert.equal(gone.filter((l) => / Deleted Cam3:/.test(l)).length, 15);
    assert.equal([...registry.list()].filter((r) => r.token.startsWith('Cam3:')).length, 0);
    assert.equal(registry.device(id), undefined);
    addSimulatedCameras(model, expandCameraConfigs([{ name: 'Extra', prefix: 'X1', location: { lat: 1, lon: 2 } }]), { timers });
    const added = short().filter((l) => l.startsWith('Resource/'));
    assert.equal(added.length, 15);
    assert.ok(added.every((l) => / Initialized X1:/.test(l)));
    assert.deepEqual({ ...registry.get('VideoSource', 'X1:VS')!.device!.location }, { lat: 1, lon: 2 });
  });

  test('close() stops following the model', () => {
    const { model, rq, short } = setup();
    rq.close();
    model.setOnline(model.cameras()[0]!.desc.id, false);
    assert.deepEqual(short(), []);
  });
});

/**
 * Simulated cameras from configuration: the embedded default, `count` expansion with stable ids,
 * prefixes and spread locations, and that idle cameras cost nothing — 200 cameras register
 * without a single timer or clip read, and GetProfiles-sized enumeration stays cheap.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaModel } from '../../../src/media/model/model.js';
import { memoryMediaStore } from '../../../src/media/model/store.js';
import { TokenMap } from '../../../src/node/tokens.js';
import { openDatabase } from '../../../src/storage/db.js';
import { SimAssets } from '../../../src/southbound/simulated/assets.js';
import { addSimulatedCameras, DEFAULT_CENTRE, defaultCameraConfigs, expandCameraConfigs, spreadLocation } from '../../../src/southbound/simulated/index.js';
import { VirtualTimers } from './virtual-timers.js';

describe('simulated camera configuration', () => {
  test('the embedded default: four named cameras, one per scene, the second PTZ-capable, motion while streamed', () => {
    const specs = expandCameraConfigs(defaultCameraConfigs());
    assert.deepEqual(specs.map((s) => [s.id, s.name, s.prefix, s.scene, s.ptz, s.motion]), [
      ['sim-entrance', 'Entrance', 'Cam1', 1, false, 'streaming'],
      ['sim-parking', 'Parking', 'Cam2', 2, true, 'streaming'],
      ['sim-lobby', 'Lobby', 'Cam3', 3, false, 'streaming'],
      ['sim-loading-dock', 'Loading Dock', 'Cam4', 4, false, 'streaming'],
    ]);
  });

  test('count expands to numbered cameras with numbered prefixes, scenes in turn, distinct nearby locations', () => {
    const specs = expandCameraConfigs([{ name: 'Gate', prefix: 'G', count: 3 }, { name: 'Gate', location: { lat: 1, lon: 2 } }]);
    assert.deepEqual(specs.map((s) => [s.id, s.name, s.prefix, s.scene]), [
      ['sim-gate-1', 'Gate 1', 'G1', 1],
      ['sim-gate-2', 'Gate 2', 'G2', 2],
      ['sim-gate-3', 'Gate 3', 'G3', 3],
      ['sim-gate', 'Gate', undefined, 2],
    ]);
    assert.deepEqual(specs[3]!.location, { lat: 1, lon: 2 });
    const locs = specs.slice(0, 3).map((s) => s.location);
    assert.equal(new Set(locs.map((l) => `${l.lat},${l.lon}`)).size, 3);
    for (const l of locs) assert.ok(Math.abs(l.lat - DEFAULT_CENTRE.lat) < 0.01 && Math.abs(l.lon - DEFAULT_CENTRE.lon) < 0.01);
    assert.deepEqual(expandCameraConfigs([{ name: 'A' }, { name: 'A' }]).map((s) => s.id), ['sim-a', 'sim-a-2']);
    const far = spreadLocation(DEFAULT_CENTRE, 199);
    assert.ok(Math.hypot((far.lat - DEFAULT_CENTRE.lat) * 111_320, (far.lon - DEFAULT_CENTRE.lon) * 73_000) < 700, 'two hundred cameras within a few hundred metres');
  });

  test('200 idle cameras: no timers, no clip reads; enumeration of 600 profiles is immediate', () => {
    const timers = new VirtualTimers(0);
    const assets = new SimAssets();
    const model = new MediaModel(new TokenMap(openDatabase(join(mkdtempSync(join(tmpdir(), 'vigil-200-')), 'v.db'))), memoryMediaStore());
    let streaming = false;
    const motion: string[] = [];
    addSimulatedCameras(model, expandCameraConfigs([{ name: 'Sim', prefix: 'S', count: 200 }]), {
      timers, assets, onMotion: (id) => (streaming ? motion.push(id) : assert.fail('idle cameras detect nothing')),
    });
    assert.equal(model.cameras().length, 200);
    assert.equal(timers.pending, 0);
    assert.equal(assets.loadedClips, 0);
    const refs = model.profileRefs();
    assert.equal(refs.length, 600);
    assert.equal(refs[599]!.token, 'S200:hevc');
    timers.advance(60_000);
    const src = model.sourceForProfile('S17:sub')!;
    assert.equal(assets.loadedClips, 2, 'streaming reads the clips it needs: video and AAC');
    streaming = true;
    src.start(() => undefined);
    assert.equal(timers.pending, 2, 'one timer for the source, one for its camera\'s motion detector');
    assert.deepEqual([...new Set(motion)], ['sim-sim-17']);
    src.stop();
    assert.equal(timers.pending, 0);
  });
});

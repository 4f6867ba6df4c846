/**
 * Cameras at run time: the configuration diff a reload applies (added, removed, replaced,
 * online/offline; command-line cameras left alone), the `vigil cameras` requests and their
 * refusals, and the control socket (mode 0600, one JSON line each way, a stale socket file
 * replaced, a live one refused, junk answered with an error).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaModel } from '../../src/media/model/model.js';
import { memoryMediaStore } from '../../src/media/model/store.js';
import { CameraControl } from '../../src/node/camera-control.js';
import { controlRequest, controlSocketPath, listenControl } from '../../src/node/control-socket.js';
import { TokenMap } from '../../src/node/tokens.js';
import { openDatabase } from '../../src/storage/db.js';
import { addSimulatedCameras, type SimulatedCameraConfig } from '../../src/southbound/simulated/index.js';
import { VirtualTimers } from '../southbound/simulated/virtual-timers.js';

function setup(): { model: MediaModel; control: CameraControl } {
  const timers = new VirtualTimers(Date.UTC(2025, 0, 1));
  const model = new MediaModel(new TokenMap(openDatabase(join(mkdtempSync(join(tmpdir(), 'vigil-cc-')), 'v.db'))), memoryMediaStore());
  return { model, control: new CameraControl(model, (specs) => void addSimulatedCameras(model, specs, { timers })) };
}

const names = (m: MediaModel): string[] => m.cameras().map((c) => `${c.desc.id}${c.online ? '' : ' (off)'}`);

describe('CameraControl', () => {
  test('absent list: the default cameras; reload diffs against the last configuration', () => {
    const { model, control } = setup();
    control.applyConfig(undefined);
    assert.equal(model.cameras().length, 4);
    const list: SimulatedCameraConfig[] = [
      { name: 'Gate', prefix: 'Gate', location: { lat: 1, lon: 2 } },
      { name: 'Sim', prefix: 'S', count: 3 },
    ];
    let diff = control.applyConfig(list);
    assert.equal(diff.removed.length, 4);
    assert.deepEqual(diff.added, ['sim-gate', 'sim-sim-1', 'sim-sim-2', 'sim-sim-3']);
    assert.deepEqual(names(model), ['sim-gate', 'sim-sim-1', 'sim-sim-2', 'sim-sim-3']);
    // A run-time camera is not the configuration's business.
    assert.deepEqual(control.add({ name: 'Van', prefix: 'Van' }), ['sim-van']);
    control.setOnline('S2', false);
    diff = control.applyConfig([
      { name: 'Gate', prefix: 'Gate', location: { lat: 1, lon: 2.5 } },
      { name: 'Sim', prefix: 'S', count: 2, online: false },
    ]);
    assert.deepEqual(diff, { added: [], removed: ['sim-sim-3'], replaced: ['sim-gate'], online: [], offline: ['sim-sim-1'] });
    assert.deepEqual(names(model), ['sim-sim-1 (off)', 'sim-sim-2 (off)', 'sim-van', 'sim-gate']);
    assert.equal(model.camera('sim-gate')!.desc.location!.lon, 2.5);
    assert.deepEqual(control.applyConfig([{ name: 'Sim', prefix: 'S', count: 2, online: false }]).removed, ['sim-gate']);
    assert.deepEqual(control.list().map((c) => `${c.id}:${c.source}`), ['sim-sim-1:config', 'sim-sim-2:config', 'sim-van:runtime']);
  });

  test('requests: add, offline, online, remove by id, prefix or name; refusals', () => {
    const { model, control } = setup();
    control.applyConfig([{ name: 'Gate', prefix: 'Gate' }]);
    const add = control.handle({ op: 'add', camera: { name: 'Mast', prefix: 'M', count: 2, location: { lat: 48.85, lon: 2.35 } } });
    assert.ok(add.ok);
    assert.deepEqual(add.cameras.map((c) => [c.id, c.prefix, c.online, c.source]), [['sim-mast-1', 'M1', true, 'runtime'], ['sim-mast-2', 'M2', true, 'runtime']]);
    assert.deepEqual(control.handle({ op: 'offline', camera: 'M1' }), { ok: true, cameras: [{ ...add.cameras[0]!, online: false }] });
    assert.ok(control.handle({ op: 'online', camera: 'sim-mast-1' }).ok);
    assert.equal(model.camera('sim-mast-1')!.online, true);
    const removed = control.handle({ op: 'remove', camera: 'Gate' });
    assert.ok(removed.ok);
    assert.deepEqual(removed.cameras.map((c) => c.id), ['sim-gate']);
    assert.equal(model.camera('sim-gate'), undefined);
    const refused: [unknown, RegExp][] = [
      [{ op: 'remove', camera: 'nobody' }, /no camera 'nobody'/],
      [{ op: 'add', camera: { name: 'Mast', prefix: 'M', count: 2 } }, /already exists/],
      [{ op: 'add', camera: { name: 'Bad', prefix: 'a:b' } }, /camera\.prefix/],
      [{ op: 'add', camera: { name: 'Bad', location: { lat: 91, lon: 0 } } }, /camera\.location\.lat/],
      [{ op: 'explode' }, /op/],
      ['junk', /request/],
    ];
    for (const [req, re] of refused) {
      const r = control.handle(req);
      assert.ok(!r.ok && re.test(r.error), JSON.stringify(r));
    }
    control.handle({ op: 'add', camera: { name: 'Twin', prefix: 'T1' } });
    assert.throws(() => control.resolve('sim-none'), /no camera/);
    assert.equal(control.resolve('Twin'), 'sim-twin');
  });
});

describe('control socket', () => {
  test('one JSON request, one JSON answer, socket mode 0600; stale files replaced, live ones refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-ctl-'));
    writeFileSync(controlSocketPath(dir), ''); // left behind by a crash
    const seen: unknown[] = [];
    const server = await listenControl(dir, (req) => (seen.push(req), { ok: true, echo: req }));
    try {
      assert.equal(statSync(server.path).mode & 0o777, 0o600);
      assert.deepEqual(await controlRequest(dir, { op: 'list' }), { ok: true, echo: { op: 'list' } });
      await assert.rejects(listenControl(dir, () => ({})), /another node is using/);
      // Junk is answered, not fatal.
      const raw = await new Promise<string>((resolve, reject) => {
        const c = createConnection(server.path);
        let out = '';
        c.setEncoding('utf8');
        c.on('data', (d: string) => (out += d));
        c.on('end', () => resolve(out));
        c.on('error', reject);
        c.write('{not json\n');
      });
      assert.deepEqual(JSON.parse(raw), { ok: false, error: 'request is not JSON' });
      assert.deepEqual(seen, [{ op: 'list' }]);
    } finally {
      await server.close();
    }
    await assert.rejects(controlRequest(dir, { op: 'list' }), /no node is running/);
  });
});

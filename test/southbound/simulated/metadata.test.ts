/**
 * The metadata stream's documents validate against tt:MetadataStream (ONVIF schemas, xmllint,
 * body mode): scene description with shapes, classes and geo locations, PTZ status, and the
 * motion event notification — both built directly and as a running source emits them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateOnvif } from '../../helpers/onvif-validate.js';
import { metadataDocument, objectGeo } from '../../../src/southbound/simulated/metadata.js';
import { objectsAt, SCENES } from '../../../src/southbound/simulated/scenes.js';
import { SimulatedCamera } from '../../../src/southbound/simulated/camera.js';
import type { MediaFrame } from '../../../src/media/live.js';
import { VirtualTimers } from './virtual-timers.js';

describe('metadata documents', () => {
  test('built documents and a running stream validate as tt:MetadataStream', async () => {
    const docs = [
      metadataDocument({ utcMs: Date.UTC(2025, 0, 1), source: 'Cam1:VSC', objects: objectsAt(SCENES[1]!, 2.5), motion: undefined, geo: { lat: 48.85, lon: 2.35, elevation: 35 } }),
      metadataDocument({
        utcMs: Date.UTC(2025, 0, 1, 0, 0, 0, 250), source: 'Cam1:VSC', objects: [], geo: undefined, ptz: { utcMs: 0 },
        motion: { state: true, operation: 'Initialized', videoSourceToken: 'Cam1:VS', utcMs: Date.UTC(2025, 0, 1) },
      }),
      metadataDocument({ utcMs: 0, source: 'a&b<c', objects: undefined, motion: { state: false, operation: 'Changed', videoSourceToken: '"x"', utcMs: 0 }, geo: undefined }),
    ];
    const timers = new VirtualTimers(Date.UTC(2025, 0, 1));
    const cam = new SimulatedCamera({ scene: SCENES[1]!, timers, ptz: true, location: { lat: 1, lon: 2 } });
    const frames: MediaFrame[] = [];
    const src = cam.openSource(
      {
        profileToken: 'P', videoSourceToken: 'Cam2:VS', videoSourceConfigurationToken: 'Cam2:VSC',
        metadata: { kind: 'Metadata', token: 'MD', name: 'm', analytics: true, events: { filters: [] }, ptzStatus: { status: true, position: true }, geoLocation: true, sessionTimeoutSeconds: 60, multicast: { address: '239.0.0.1', port: 5000, ttl: 1, autoStart: false } },
      },
      'P#1',
    );
    src.start((f) => frames.push(f));
    timers.advance(4000);
    src.stop();
    const streamed = frames.map((f) => Buffer.from(f.data[0]!).toString('utf8'));
    assert.ok(streamed.some((d) => d.includes('MotionAlarm')) && streamed.some((d) => d.includes('<tt:PTZ>')));
    const all = [...docs, ...streamed.slice(0, 25)].map((xml, i) => ({ name: `doc ${i}`, xml }));
    const results = await validateOnvif(all, 'body');
    const bad = results.filter((r) => !r.valid);
    assert.deepEqual(bad, [], bad.map((b) => b.errors.join('\n')).join('\n'));
  });

  test('geo locations of objects lie in front of the camera, within tens of metres', () => {
    const [o] = objectsAt(SCENES[0]!, 2);
    const g = objectGeo({ lat: 48.85, lon: 2.35, elevation: 35 }, o!);
    assert.ok(g.lat > 48.85 && g.lat < 48.85 + 30 / 111_320);
    assert.ok(Math.abs(g.lon - 2.35) < 20 / 70_000);
    assert.equal(g.elevation, 35);
  });
});

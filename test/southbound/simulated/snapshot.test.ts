/**
 * Snapshots: decoded by ffmpeg, they show the scene's object where the metadata says it is,
 * privacy masks, and the OSD text (a change of text or of the second changes the bytes; the same
 * inputs give the same bytes).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { OsdConfig, SnapshotRequest } from '../../../src/media/model/types.js';
import { renderSnapshot } from '../../../src/southbound/simulated/snapshot.js';
import { objectsAt, SCENES } from '../../../src/southbound/simulated/scenes.js';

const W = 640;
const H = 360;
const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

function osd(token: string, text: OsdConfig['text'], pos: OsdConfig['position'] = { type: 'UpperLeft' }): OsdConfig {
  return { token, videoSourceConfigurationToken: 'VSC', position: pos, text };
}

function req(over: Partial<SnapshotRequest> = {}): SnapshotRequest {
  return { width: W, height: H, quality: 90, osds: [], masks: [], nowMs: NOW, timeZone: 'UTC0', cameraName: 'Entrance', ...over };
}

function luma(jpeg: Uint8Array): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-f', 'mjpeg', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { input: jpeg });
}

function regionMean(y: Buffer, x0: number, y0: number, w: number, h: number): number {
  let s = 0;
  for (let yy = y0; yy < y0 + h; yy++) for (let xx = x0; xx < x0 + w; xx++) s += y[yy * W + xx]!;
  return s / (w * h);
}

describe('snapshots', () => {
  const scene = SCENES[0]!;

  test('deterministic: the same inputs give the same bytes', () => {
    assert.deepEqual(renderSnapshot(scene, req(), 2), renderSnapshot(scene, req(), 2));
  });

  test('the object is drawn where objectsAt puts it (orange box over the bars)', () => {
    const y = luma(renderSnapshot(scene, req(), 2));
    assert.equal(y.length, W * H);
    const [o] = objectsAt(scene, 2);
    const cx = Math.round(((o!.centre.x + 1) / 2) * W);
    const cy = Math.round(((1 - o!.centre.y) / 2) * H);
    // Orange (255,140,0) has luma ~158.
    assert.ok(Math.abs(regionMean(y, cx - 5, cy - 5, 10, 10) - 158) < 8, 'box at the object centre');
  });

  test('OSD text is visible, and changing the text changes the image', () => {
    const a = renderSnapshot(scene, req({ osds: [osd('a', { type: 'Plain', plainText: 'GATE A', fontSize: 32, backgroundColor: { color: { x: 16, y: 128, z: 128 } } })] }), 0);
    const b = renderSnapshot(scene, req({ osds: [osd('a', { type: 'Plain', plainText: 'GATE B', fontSize: 32, backgroundColor: { color: { x: 16, y: 128, z: 128 } } })] }), 0);
    assert.notDeepEqual(a, b);
    const y = luma(a);
    // The label box sits in the upper left corner: dark background with bright glyph pixels.
    let dark = 0;
    let bright = 0;
    for (let yy = 9; yy < 20; yy++) {
      for (let xx = 9; xx < 100; xx++) {
        const v = y[yy * W + xx]!;
        if (v < 40) dark++;
        else if (v > 200) bright++;
      }
    }
    assert.ok(dark > 200 && bright > 50, `dark ${dark}, bright ${bright}`);
  });

  test('date/time OSD follows the clock and the time zone', () => {
    const o = [osd('t', { type: 'DateAndTime', dateFormat: 'yyyy-MM-dd', timeFormat: 'HH:mm:ss' }, { type: 'LowerRight' })];
    const t0 = renderSnapshot(scene, req({ osds: o }), 0);
    assert.notDeepEqual(renderSnapshot(scene, req({ osds: o, nowMs: NOW + 1000 }), 0), t0, 'next second');
    assert.notDeepEqual(renderSnapshot(scene, req({ osds: o, timeZone: 'CET-1CEST,M3.5.0,M10.5.0/3' }), 0), t0, 'other zone');
  });

  test('a colour mask covers its polygon (custom OSD positions and transparency too)', () => {
    const masked = luma(
      renderSnapshot(
        scene,
        req({
          masks: [{ token: 'm', videoSourceConfigurationToken: 'VSC', polygon: [{ x: 0, y: 1 }, { x: 1, y: 1 }, { x: 1, y: 0 }, { x: 0, y: 0 }], type: 'Color', color: { x: 0, y: 0, z: 0, colorspace: 'http://www.onvif.org/ver10/colorspace/RGB' }, enabled: true }],
          osds: [osd('c', { type: 'Plain', plainText: 'X', fontColor: { color: { x: 255, y: 255, z: 255, colorspace: 'http://www.onvif.org/ver10/colorspace/RGB' }, transparent: 100 } }, { type: 'Custom', x: 0.5, y: 0.5 })],
        }),
        0,
      ),
    );
    assert.ok(regionMean(masked, W / 2 + 10, 10, W / 2 - 20, H / 2 - 20) < 12, 'upper right quarter black, invisible OSD leaves it black');
    assert.ok(regionMean(masked, 10, H / 2 + 10, W / 2 - 20, H / 2 - 20) > 60, 'lower left untouched');
  });
});

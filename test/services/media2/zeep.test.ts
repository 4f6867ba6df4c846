/**
 * Interop: python3-zeep (Debian) with the vendored Media2 WSDL drives profiles and configurations:
 * GetServiceCapabilities, GetProfiles, CreateProfile, AddConfiguration, options,
 * SetVideoEncoderConfiguration (round-tripping zeep's own object), GetStreamUri, GetSnapshotUri,
 * OSDs, video source modes, RemoveConfiguration, DeleteProfile and the faults zeep reports.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { ADMIN, startTestNode, type TestNode } from '../../helpers/node.js';

let t: TestNode;
before(async () => {
  t = await startTestNode();
});
after(async () => {
  await t.stop();
});

test('zeep drives Media2 profiles and configurations with the ONVIF WSDL', async () => {
  const wsdl = resolve(import.meta.dirname, '../../../vendor/onvif/wsdl');
  const script = resolve(import.meta.dirname, 'zeep_media2.py');
  const stdout = await new Promise<string>((res, rej) =>
    execFile('/usr/bin/python3', [script, wsdl, `${t.http}/onvif/media2_service`, ADMIN.username, ADMIN.password], { timeout: 120_000 }, (err, out, errOut) =>
      err ? rej(new Error(`${err.message}\n${errOut}`)) : res(out),
    ),
  );
  const r = JSON.parse(stdout) as Record<string, unknown>;
  assert.equal(r.max_profiles, 48);
  assert.equal(r.snapshot_uri, true);
  const profiles = r.profiles as [string, string, boolean][];
  assert.equal(profiles.length, 12);
  assert.deepEqual(profiles[0], ['Cam1:main', 'Main stream', true]);
  assert.deepEqual(r.main_encoder, ['H264', 1280]);
  assert.match(String(r.created), /^Cam1:P\d+$/);
  assert.deepEqual(r.created_configs, ['Cam1:VE-sub', 'Cam1:MD', null], 'only the requested types');
  assert.deepEqual(r.options, [['H264', [[1280, 720], [640, 360]]], ['H265', [[1280, 720], [640, 360]]]]);
  assert.deepEqual(r.encoder_after, ['zeep set', 'H265', 1280, 720, 15.0]);
  assert.equal(r.stream_uri, `rtsp://127.0.0.1:${t.node.rtspPort}/live/${encodeURIComponent(String(r.created))}`);
  assert.equal(r.snapshot, `${t.http}/onvif/snapshot/${encodeURIComponent(String(r.created))}`);
  assert.deepEqual(r.osds, ['Cam1:OSD-name', 'Cam1:OSD-time']);
  assert.deepEqual(r.modes, [['mode0', true], ['mode1', false]]);
  assert.equal(r.after_remove, null);
  const fixed = r.delete_fixed as { type: string; message: string };
  assert.equal(fixed.type, 'Fault');
  assert.match(fixed.message, /is fixed and cannot be deleted/);
  assert.match((r.unknown_profile as { message: string }).message, /no profile 'Cam1:none'/);
  assert.match((r.foreign_token as { message: string }).message, /was not issued by this node/);
  // What zeep set is what the node streams (the fixed sub-stream profile shares that encoder).
  const source = t.node.media.sourceForProfile('Cam1:sub')!;
  assert.deepEqual([source.tracks[0]!.codec, source.tracks[0]!.width], ['H265', 1280]);
});

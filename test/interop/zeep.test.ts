/** Interop: python3-zeep (Debian) with the vendored ONVIF WSDLs drives the device service. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { ADMIN, startTestNode, type TestNode } from '../helpers/node.js';

let t: TestNode;
before(async () => {
  t = await startTestNode();
});
after(async () => {
  await t.stop();
});

test('zeep: GetServices, GetDeviceInformation, CreateUsers/GetUsers, fault on clash, digest as Operator', async () => {
  const wsdl = resolve(import.meta.dirname, '../../vendor/onvif/wsdl');
  const script = resolve(import.meta.dirname, 'zeep_client.py');
  // Debian's python3 (where python3-zeep lives), not whatever python3 is first on PATH.
  const stdout = await new Promise<string>((res, rej) =>
    execFile('/usr/bin/python3', [script, wsdl, t.device, ADMIN.username, ADMIN.password], { timeout: 60_000 }, (err, out, errOut) =>
      err ? rej(new Error(`${err.message}\n${errOut}`)) : res(out),
    ),
  );
  const r = JSON.parse(stdout) as Record<string, unknown>;
  assert.ok((r.services as string[]).includes('http://www.onvif.org/ver10/device/wsdl'));
  assert.equal((r.info as Record<string, string>).Manufacturer, 'Vigil');
  assert.deepEqual(r.users, [['admin', 'Administrator'], ['zeep-operator', 'Operator']]);
  const clash = r.clash as { type: string; message: string };
  assert.equal(clash.type, 'Fault');
  assert.match(clash.message, /already exists/);
  assert.equal(r.operator_info, 'Vigil');
  assert.match(String(r.operator_getusers), /requires access class READ_SYSTEM_SECRET/);
});

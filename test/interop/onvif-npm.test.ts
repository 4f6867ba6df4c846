/** Interop: the `onvif` npm package (Profile S client nobody here wrote) against a live node. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { ADMIN, startTestNode, type TestNode } from '../helpers/node.js';

const require = createRequire(import.meta.url);
const onvif = require('onvif') as { Cam: new (opts: Record<string, unknown>, cb: (err: Error | null) => void) => OnvifCam };

interface OnvifCam {
  getDeviceInformation(cb: (err: Error | null, info: Record<string, string>) => void): void;
  getCapabilities(cb: (err: Error | null, caps: Record<string, unknown>) => void): void;
  getServices(include: boolean, cb: (err: Error | null, services: { namespace: string; XAddr: string }[]) => void): void;
  getSystemDateAndTime(cb: (err: Error | null, date: Date) => void): void;
  getScopes(cb: (err: Error | null, scopes: unknown[]) => void): void;
  getHostname(cb: (err: Error | null, h: Record<string, unknown>) => void): void;
  getUsers(cb: (err: Error | null, users: { username: string; userLevel: string }[]) => void): void;
  services: { namespace: string; XAddr: string }[];
}

let t: TestNode;
before(async () => {
  t = await startTestNode();
});
after(async () => {
  await t.stop();
});

function connectCam(useWSSecurity: boolean, password = ADMIN.password): Promise<OnvifCam> {
  return new Promise((resolve, reject) => {
    const cam = new onvif.Cam(
      { hostname: '127.0.0.1', port: t.node.httpPort, username: ADMIN.username, password, useWSSecurity, timeout: 5000 },
      (err) => (err ? reject(err) : resolve(cam)),
    );
  });
}

const p = <T>(fn: (cb: (err: Error | null, v: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));

test('onvif npm with HTTP digest only: connect, device information, capabilities, services', async () => {
  const cam = await connectCam(false);
  const info = await p<Record<string, string>>((cb) => cam.getDeviceInformation(cb));
  assert.equal(info.manufacturer, 'Vigil');
  assert.equal(info.model, 'Vigil VSS');
  const caps = await p<Record<string, unknown>>((cb) => cam.getCapabilities(cb));
  assert.ok((caps as { device?: { XAddr?: string } }).device?.XAddr?.endsWith('/onvif/device_service'));
  const services = await p<{ namespace: string; XAddr: string }[]>((cb) => cam.getServices(true, cb));
  assert.ok(services.some((s) => s.namespace === 'http://www.onvif.org/ver10/device/wsdl'));
  const users = await p<{ username: string; userLevel: string }[]>((cb) => cam.getUsers(cb));
  assert.deepEqual(users.map((u) => [u.username, u.userLevel]), [['admin', 'Administrator']]);
  const digestRows = t.node.audit.recent(50).filter((r) => r.authMethod === 'http-digest');
  assert.ok(digestRows.length >= 2, 'calls were authenticated by HTTP digest');
});

test('onvif npm with WS-Security UsernameToken: scopes and hostname', async () => {
  const cam = await connectCam(true);
  const scopes = await p<unknown[]>((cb) => cam.getScopes(cb));
  assert.ok(scopes.length >= 2);
  const host = await p<Record<string, unknown>>((cb) => cam.getHostname(cb));
  assert.ok(host);
  assert.ok(t.node.audit.recent(50).some((r) => r.authMethod === 'ws-usernametoken' && r.operation === 'GetScopes'));
});

test('onvif npm with a wrong password is refused', async () => {
  const cam = await connectCam(false, 'wrong-password-1');
  await assert.rejects(p((cb) => cam.getDeviceInformation(cb)));
});

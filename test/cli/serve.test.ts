/**
 * The first-start experience as a new user has it: `vigil serve` (the built executable) creates
 * its data dir, prints its URLs and a generated admin password once, serves, and exits cleanly on
 * SIGTERM; configuration mistakes are reported with what to fix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { envelope, post, usernameTokenHeader } from '../helpers/soap-client.js';

const BIN = resolve(import.meta.dirname, '../../bin/vigil.js');
const TDS = 'http://www.onvif.org/ver10/device/wsdl';

function run(args: string[], env: Record<string, string> = {}): { proc: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, out: () => out, exited };
}

async function waitFor(out: () => string, re: RegExp, exited: Promise<unknown>): Promise<RegExpMatchArray> {
  let done = false;
  void exited.then(() => (done = true));
  for (;;) {
    const m = out().match(re);
    if (m) return m;
    if (done) throw new Error(`process exited before printing ${re}:\n${out()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function configFile(dir: string): string {
  const f = join(dir, 'vigil.yaml');
  writeFileSync(f, 'listen: 127.0.0.1\nhttp: { port: 0 }\nhttps: { port: 0 }\nrtsp: { port: 0 }\ndiscovery: { enabled: false }\nlog: { level: info }\n');
  return f;
}

test('first start: data dir, certificates, URLs and a one-time generated admin password; clean SIGTERM; restart keeps it', async () => {
  assert.ok(existsSync(BIN.replace('bin/vigil.js', 'dist/cli/main.js')), 'run `npm run build` first (the test command does)');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
  const data = join(dir, 'data');
  try {
    const first = run(['serve', '--config', configFile(dir), '--data', data], { VIGIL_ADMIN_PASSWORD: '' });
    const url = (await waitFor(first.out, /device service: (http:\/\/\S+)/, first.exited))[1]!.replace(/\/\/[^:/]+:/, '//127.0.0.1:');
    const password = (await waitFor(first.out, /Generated password: (\S+)/, first.exited))[1]!;
    assert.match(first.out(), /https:\/\/\S+\/onvif\/device_service/);
    assert.equal(statSync(data).mode & 0o777, 0o700);
    assert.ok(existsSync(join(data, 'pki', 'ca.pem')) && existsSync(join(data, 'pki', 'server.pem')));
    assert.equal(statSync(join(data, 'pki', 'ca.key')).mode & 0o777, 0o600);
    const r = await post(url, envelope(`<GetDeviceInformation xmlns="${TDS}"/>`, usernameTokenHeader({ username: 'admin', password })));
    assert.equal(r.status, 200, r.body);
    first.proc.kill('SIGTERM');
    assert.equal(await first.exited, 0);

    const second = run(['serve', '--config', configFile(dir), '--data', data]);
    const url2 = (await waitFor(second.out, /device service: (http:\/\/\S+)/, second.exited))[1]!.replace(/\/\/[^:/]+:/, '//127.0.0.1:');
    assert.doesNotMatch(second.out(), /password/i, 'the password is shown only on first start');
    const r2 = await post(url2, envelope(`<GetDeviceInformation xmlns="${TDS}"/>`, usernameTokenHeader({ username: 'admin', password })));
    assert.equal(r2.status, 200);
    // SystemReboot answers first, then the node restarts in-process and serves again.
    const reboot = await post(url2, envelope(`<SystemReboot xmlns="${TDS}"/>`, usernameTokenHeader({ username: 'admin', password })));
    assert.equal(reboot.status, 200);
    assert.match(reboot.body, /<tds:Message>/);
    const readyTwice = /Vigil is ready[\s\S]*Vigil is ready[\s\S]*device service: (http:\/\/\S+)/;
    const url3 = (await waitFor(second.out, readyTwice, second.exited))[1]!.replace(/\/\/[^:/]+:/, '//127.0.0.1:');
    const r3 = await post(url3, envelope(`<GetDeviceInformation xmlns="${TDS}"/>`, usernameTokenHeader({ username: 'admin', password })));
    assert.equal(r3.status, 200);
    assert.match(second.out(), /SystemReboot: restarting node/);
    second.proc.kill('SIGINT');
    assert.equal(await second.exited, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('VIGIL_ADMIN_PASSWORD chooses the first password; a weak one is refused with a clear message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
  try {
    const weak = run(['serve', '--config', configFile(dir), '--data', join(dir, 'd1')], { VIGIL_ADMIN_PASSWORD: 'short' });
    assert.notEqual(await weak.exited, 0);
    assert.match(weak.out(), /Password shorter than 8 characters/);
    const chosen = run(['serve', '--config', configFile(dir), '--data', join(dir, 'd2')], { VIGIL_ADMIN_PASSWORD: 'Chosen-password-1' });
    await waitFor(chosen.out, /Password: the value of VIGIL_ADMIN_PASSWORD/, chosen.exited);
    assert.doesNotMatch(chosen.out(), /Chosen-password-1/);
    chosen.proc.kill('SIGTERM');
    assert.equal(await chosen.exited, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('configuration mistakes name the setting and what is expected', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
  try {
    const badFlag = run(['serve', '--http-port', 'eighty', '--data', join(dir, 'd')]);
    assert.equal(await badFlag.exited, 2);
    assert.match(badFlag.out(), /--http-port must be a port number 0-65535, got 'eighty'/);
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'http:\n  port: "8080"\ntls:\n  clientCertMode: sometimes\nunknownKey: 1\n');
    const badFile = run(['serve', '--config', f, '--data', join(dir, 'd')]);
    assert.equal(await badFile.exited, 2);
    const out = badFile.out();
    assert.match(out, /http\.port: Expected number, received string/);
    assert.match(out, /tls\.clientCertMode: Invalid enum value/);
    assert.match(out, /Unrecognized key\(s\) in object: 'unknownKey'/);
    const missing = run(['serve', '--config', join(dir, 'nope.yaml')]);
    assert.equal(await missing.exited, 2);
    assert.match(missing.out(), /cannot read config file .*nope\.yaml: ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vigil certs client issues a PEM pair and a PKCS#12 from the node CA', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
  try {
    const ca = run(['certs', 'ca', '--out', join(dir, 'ca'), '--cn', 'Site CA']);
    assert.equal(await ca.exited, 0, ca.out());
    const client = run(['certs', 'client', '--ca', join(dir, 'ca'), '--cn', 'police-op1', '--org', 'City Police', '--out', join(dir, 'out'), '--p12-password', 'p12-secret']);
    assert.equal(await client.exited, 0, client.out());
    assert.match(client.out(), /subject: .*CN=police-op1/);
    assert.ok(existsSync(join(dir, 'out', 'police-op1.p12')));
    const noCa = run(['certs', 'client', '--ca', join(dir, 'nothing'), '--cn', 'x', '--out', join(dir, 'o2'), '--p12-password', 'p']);
    assert.equal(await noCa.exited, 2);
    assert.match(noCa.out(), /no CA in .*nothing/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Profiling aid for the SOAP benchmark: the per-request stages of Vigil's SOAP path in isolation
 * (no sockets), in µs per request, best of several rounds. Not part of `npm run bench`; run it
 * while optimizing (`node --import tsx bench/soap-engine-micro.ts`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseConfig } from '../src/config/load.js';
import type { RequestContext } from '../src/core/context.js';
import { VigilNode } from '../src/node/node.js';
import { Authenticator } from '../src/security/authenticator.js';
import { readEnvelope } from '../src/soap/envelope.js';
import { parseXml } from '../src/xml/parse.js';

const PASSWORD = 'Bench-password-1';
const TDS = 'http://www.onvif.org/ver10/device/wsdl';
const N = 50_000;
const ROUNDS = 6;

function request(): string {
  const created = new Date().toISOString();
  const nonce = randomBytes(16);
  const digest = createHash('sha1').update(nonce).update(created).update(PASSWORD).digest('base64');
  return '<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>' +
    '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">' +
    '<wsse:UsernameToken><wsse:Username>admin</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">' +
    digest + '</wsse:Password><wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">' +
    nonce.toString('base64') + '</wsse:Nonce><wsu:Created>' + created +
    `</wsu:Created></wsse:UsernameToken></wsse:Security></s:Header><s:Body><GetDeviceInformation xmlns="${TDS}"/></s:Body></s:Envelope>`;
}

/** Best-of-ROUNDS time per item of `f` over fresh inputs made by `make` (outside the timing). */
async function time<T>(name: string, make: () => T, f: (x: T) => unknown): Promise<void> {
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const inputs = Array.from({ length: N }, make);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await f(inputs[i]!);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1000 / N);
  }
  console.log(`${name.padEnd(28)} ${best.toFixed(2)} µs`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-micro-'));
  const config = parseConfig({ dataDir: join(dir, 'data'), listen: '127.0.0.1', http: { port: 0 }, https: { enabled: false }, discovery: { enabled: false }, log: { level: 'silent' } });
  const node = await VigilNode.start(config, pino({ level: 'silent' }), { adminPassword: PASSWORD });
  const ctx: RequestContext = { transport: 'http', secure: false, remoteAddress: '127.0.0.1', method: 'POST', url: '/onvif/device_service', authority: '127.0.0.1', headers: {}, peerCertificate: undefined };
  // Requests are decoded from bytes, as the HTTP layer does (flat strings, not concatenations).
  const fresh = (): string => Buffer.from(request()).toString('utf8');
  await time('parseXml', fresh, (s) => parseXml(s));
  await time('readEnvelope', fresh, (s) => readEnvelope(s));
  const auth = new Authenticator(node.users);
  await time('authenticate', () => readEnvelope(fresh()).header, (h) => {
    if (!auth.authenticate(ctx, h).ok) throw new Error('authentication failed');
  });
  await time('engine.handle', fresh, async (s) => {
    const r = await node.engine.handle(ctx, s);
    if (r.status !== 200) throw new Error(`engine answered ${r.status}`);
  });
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

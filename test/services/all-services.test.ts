/**
 * Runs over every service the node registers — today's and every one added later — so no service
 * escapes schema validation: GetServiceCapabilities and a fault for an unknown operation, each
 * validated against the ONVIF schemas; the access table covers every operation.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, startTestNode, type TestNode } from '../helpers/node.js';
import { envelope, post, usernameTokenHeader } from '../helpers/soap-client.js';
import { OnvifSamples } from '../helpers/onvif-validate.js';
import { OPERATION_ACCESS } from '../../src/security/operation-access.js';

let t: TestNode;
const samples = new OnvifSamples();
before(async () => {
  t = await startTestNode();
});
after(async () => {
  await t.stop();
  const n = await samples.assertAllValid();
  assert.equal(n, samples.size);
});

test('every registered service answers GetServiceCapabilities (validated) and faults unknown operations', async () => {
  const services = t.node.engine.services();
  assert.ok(services.length >= 1);
  for (const s of services) {
    const url = `${t.http}${s.path}`;
    const caps = await post(url, envelope(`<GetServiceCapabilities xmlns="${s.namespace}"/>`, usernameTokenHeader(ADMIN)));
    assert.equal(caps.status, 200, `${s.name}: ${caps.body}`);
    samples.add(`${s.name} GetServiceCapabilities`, caps.body);
    const unknown = await post(url, envelope(`<NoSuchOperation xmlns="${s.namespace}"/>`, usernameTokenHeader(ADMIN)));
    assert.equal(unknown.status, 500);
    assert.match(unknown.body, /ter:ActionNotSupported/);
    samples.add(`${s.name} unknown operation`, unknown.body);
    for (const op of Object.keys(s.operations)) assert.ok(`${s.prefix}:${op}` in OPERATION_ACCESS, `${s.prefix}:${op} has an access class`);
  }
});

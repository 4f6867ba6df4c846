/** The node answers a unicast WS-Discovery Probe on loopback with its types, scopes and XAddrs. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import { buildProbe } from '../../src/northbound/discovery/messages.js';
import { ADMIN, startTestNode, type TestNode } from '../helpers/node.js';
import { envelope, post, usernameTokenHeader } from '../helpers/soap-client.js';

let t: TestNode;
before(async () => {
  t = await startTestNode({ discovery: { enabled: true, port: 0, multicast: false } });
});
after(async () => {
  await t.stop();
});

function probe(criteria: Parameters<typeof buildProbe>[1]): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    sock.on('message', (m) => {
      sock.close();
      resolve(m.toString('utf8'));
    });
    sock.on('error', reject);
    sock.send(buildProbe(`urn:uuid:${randomUUID()}`, criteria), t.node.discovery!.port, '127.0.0.1');
  });
}

test('unicast Probe → ProbeMatches with the device type, scopes and an XAddr for the address probed', async () => {
  const reply = await probe({ types: [{ ns: 'http://www.onvif.org/ver10/network/wsdl', name: 'NetworkVideoTransmitter' }] });
  assert.match(reply, /ProbeMatches/);
  assert.match(reply, new RegExp(`http://127\\.0\\.0\\.1:${t.node.httpPort}/onvif/device_service`));
  assert.match(reply, /onvif:\/\/www\.onvif\.org\/hardware\//);
  assert.match(reply, new RegExp(t.node.endpointReference));
});

test('scope changes made through the device service show in the next ProbeMatches', async () => {
  const r = await post(
    t.device,
    envelope('<AddScopes xmlns="http://www.onvif.org/ver10/device/wsdl"><ScopeItem>onvif://www.onvif.org/location/city/lyon</ScopeItem></AddScopes>', usernameTokenHeader(ADMIN)),
  );
  assert.equal(r.status, 200);
  const reply = await probe({ scopes: ['onvif://www.onvif.org/location/city'] });
  assert.match(reply, /location\/city\/lyon/);
});

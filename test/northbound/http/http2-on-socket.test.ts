/**
 * The uplink shape, proven early: the node's one request handler served as HTTP/2 over an
 * arbitrary connected duplex (here an in-memory pair; later the TLS socket an uplink dials out
 * on, after the h2c-reverse upgrade), with the client on the other end.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:http2';
import { createTunnelHttp2Server, serveHttp2OnSocket } from '../../../src/northbound/http/servers.js';
import { ADMIN, startTestNode, type TestNode } from '../../helpers/node.js';
import { envelope, usernameTokenHeader } from '../../helpers/soap-client.js';
import { duplexPair } from '../../helpers/duplex-pair.js';
import { OnvifSamples } from '../../helpers/onvif-validate.js';

let t: TestNode;
const samples = new OnvifSamples();
before(async () => {
  t = await startTestNode();
});
after(async () => {
  await t.stop();
  await samples.assertAllValid();
});

function h2Post(session: ReturnType<typeof connect>, path: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/soap+xml' });
    let status = 0;
    const chunks: Buffer[] = [];
    req.on('response', (h) => (status = Number(h[':status'])));
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString() }));
    req.on('error', reject);
    req.end(body);
  });
}

test('SOAP over HTTP/2 on a duplex pair reaches the same handler, auth and audit included', async () => {
  const [serverSide, clientSide] = duplexPair();
  const h2server = createTunnelHttp2Server(t.node.frontend, { transport: 'uplink', secure: true, remoteAddress: 'uplink:test-site' });
  serveHttp2OnSocket(h2server, serverSide);
  const session = connect('http://tunnel.invalid', { createConnection: () => clientSide });
  try {
    const tds = 'http://www.onvif.org/ver10/device/wsdl';
    const anon = await h2Post(session, '/onvif/device_service', envelope(`<GetSystemDateAndTime xmlns="${tds}"/>`));
    assert.equal(anon.status, 200);
    samples.add('h2 GetSystemDateAndTime', anon.body);
    const info = await h2Post(session, '/onvif/device_service', envelope(`<GetDeviceInformation xmlns="${tds}"/>`, usernameTokenHeader(ADMIN)));
    assert.equal(info.status, 200, info.body);
    assert.match(info.body, /<tds:Manufacturer>/);
    samples.add('h2 GetDeviceInformation', info.body);
    const missing = await h2Post(session, '/nope', 'x');
    assert.equal(missing.status, 404);
    const row = t.node.audit.recent(10).find((r) => r.operation === 'GetDeviceInformation');
    assert.ok(row);
    assert.equal(row.transport, 'uplink');
    assert.equal(row.source, 'uplink:test-site');
  } finally {
    session.close();
    h2server.close();
  }
});

test('HTTPS negotiates HTTP/2 by ALPN and serves the same routes', async () => {
  const session = connect(t.https, { ca: t.node.caCertPem });
  try {
    const r = await h2Post(session, '/onvif/device_service', envelope('<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/>'));
    assert.equal(r.status, 200);
    samples.add('alpn h2', r.body);
    const row = t.node.audit;
    assert.ok(row);
  } finally {
    session.close();
  }
});

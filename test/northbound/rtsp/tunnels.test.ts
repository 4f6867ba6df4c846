// RTSP on the node's HTTP and HTTPS ports: Apple's RTSP-over-HTTP tunnel (GET + base64 POST) and
// ONVIF RTSP over WebSocket (subprotocol rtsp.onvif.org), both as ordinary RTSP connections; and
// the HTTP front end keeps serving everything else on the same ports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { request as httpRequest } from 'node:http';
import { parseRtp, type RtpPacket } from '../../../src/protocol/rtp/packet.js';
import { H264Depacketizer } from '../../../src/protocol/rtp/h264.js';
import { parseSession } from '../../../src/protocol/rtsp/headers/session.js';
import { parseTransport } from '../../../src/protocol/rtsp/headers/transport.js';
import { RTSP_WEBSOCKET_PATH } from '../../../src/northbound/rtsp/http-tunnel.js';
import { FixtureLiveSource, StaticDirectory } from '../../helpers/live-source.js';
import { RtspTestClient } from '../../helpers/rtsp-client.js';
import { ADMIN, startTestNode, type TestNode } from '../../helpers/node.js';
import { waitFor } from '../../media/hub/helpers.js';

async function nodeWithStream(): Promise<{ t: TestNode; source: FixtureLiveSource }> {
  const t = await startTestNode();
  const source = new FixtureLiveSource({ audio: 'PCMU' });
  t.node.setLiveDirectory(new StaticDirectory({ P1: source }));
  return { t, source };
}

function open(port: number, localAddress = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ port, host: '127.0.0.1', localAddress }, () => resolve(s));
    s.once('error', reject);
  });
}

/** An Apple tunnel client: GET half reads, POST half writes base64. */
async function tunnel(port: number, cookie: string, postFirst = false): Promise<{ client: RtspTestClient; get: Socket; post: Socket; head: string }> {
  const get = await open(port);
  const post = await open(port);
  let head = '';
  let headDone = false;
  const client = RtspTestClient.over({
    write: (b) => post.write(Buffer.from(b).toString('base64')),
    close: () => {
      get.destroy();
      post.destroy();
    },
  });
  const gotHead = new Promise<void>((resolve) => {
    get.on('data', (chunk: Buffer) => {
      if (headDone) return client.receive(chunk);
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headDone = true;
      const rest = Buffer.from(head.substring(end + 4), 'latin1');
      head = head.substring(0, end);
      resolve();
      if (rest.length) client.receive(rest);
    });
  });
  get.on('close', () => client.closedByPeer());
  const sendPost = (): void => {
    post.write(`POST /live/P1 HTTP/1.0\r\nx-sessioncookie: ${cookie}\r\nContent-Type: application/x-rtsp-tunnelled\r\nContent-Length: 32767\r\n\r\n`);
  };
  if (postFirst) sendPost();
  get.write(`GET /live/P1 HTTP/1.0\r\nx-sessioncookie: ${cookie}\r\nAccept: application/x-rtsp-tunnelled\r\nPragma: no-cache\r\n\r\n`);
  await gotHead;
  if (!postFirst) sendPost();
  return { client, get, post, head };
}

async function playInterleaved(client: RtspTestClient, base: string): Promise<void> {
  const setup = await client.request('SETUP', `${base}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
  assert.equal(setup.status, 200);
  assert.equal(parseTransport(setup.headers.get('Transport')!).interleaved?.start, 0);
  const id = parseSession(setup.headers.get('Session')!).id;
  assert.equal((await client.request('PLAY', base, { Session: id })).status, 200);
}

function collectVideo(client: RtspTestClient): RtpPacket[] {
  const packets: RtpPacket[] = [];
  client.onFrame = (channel, payload) => {
    if (channel === 0) packets.push(parseRtp(Buffer.from(payload)));
  };
  return packets;
}

test('RTSP over an HTTP tunnel on the HTTP port: digest, SETUP interleaved, PLAY, media down the GET', async () => {
  const { t } = await nodeWithStream();
  const port = t.node.httpPort!;
  const { client, head, post } = await tunnel(port, 'c00kie-1');
  client.credentials = ADMIN;
  try {
    assert.match(head, /^HTTP\/1\.0 200 OK/);
    assert.match(head, /Content-Type: application\/x-rtsp-tunnelled/i);
    const base = `rtsp://127.0.0.1:${port}/live/P1`;
    assert.equal((await client.request('OPTIONS', base)).status, 200);
    assert.equal((await client.request('DESCRIBE', base)).status, 200);
    const video = collectVideo(client);
    await playInterleaved(client, base);
    await waitFor(() => video.length > 20, 10_000, 'video through the tunnel');
    const depacketizer = new H264Depacketizer();
    const units = video.flatMap((p) => depacketizer.push(p));
    assert.ok(units.length >= 2 && units[0]!.nalUnits.some((n) => (n[0]! & 0x1f) === 5), 'starts with a keyframe');
    assert.equal(depacketizer.stats.lostPackets, 0);
    // The POST half may close and a new one continue the same tunnel (QuickTime does this).
    post.destroy();
    const again = await open(port);
    again.write(`POST /live/P1 HTTP/1.0\r\nx-sessioncookie: c00kie-1\r\nContent-Length: 32767\r\n\r\n`);
    again.write(Buffer.from('OPTIONS * RTSP/1.0\r\nCSeq: 77\r\n\r\n').toString('base64'));
    const res = await client.nextResponse();
    assert.equal(res.headers.get('CSeq'), '77');
    again.destroy();
    assert.ok(t.node.audit.recent(20).some((e) => e.transport === 'rtsp-http' && e.operation === 'PLAY' && e.username === ADMIN.username));
  } finally {
    client.close();
    await t.stop();
  }
});

test('tunnel pairing: a POST before its GET is parked; a POST from another address is refused; a reused cookie is refused', async () => {
  const { t } = await nodeWithStream();
  const port = t.node.httpPort!;
  const first = await tunnel(port, 'early-post', true);
  first.client.credentials = ADMIN;
  try {
    assert.equal((await first.client.request('OPTIONS', '*')).status, 200, 'parked POST joined its GET');
    const dup = await open(port);
    const refused = new Promise<string>((resolve) => {
      let text = '';
      dup.on('data', (d: Buffer) => (text += d.toString('latin1')));
      dup.on('close', () => resolve(text));
    });
    dup.write('GET /live/P1 HTTP/1.0\r\nx-sessioncookie: early-post\r\nAccept: application/x-rtsp-tunnelled\r\n\r\n');
    assert.match(await refused, /^HTTP\/1\.0 400/);

    const foreign = await open(port, '127.0.0.2');
    const closed = new Promise<void>((resolve) => foreign.on('close', () => resolve()));
    foreign.write('POST /live/P1 HTTP/1.0\r\nx-sessioncookie: early-post\r\nContent-Length: 32767\r\n\r\n');
    foreign.write(Buffer.from('OPTIONS * RTSP/1.0\r\nCSeq: 9\r\n\r\n').toString('base64'));
    await closed;
    assert.equal((await first.client.request('OPTIONS', '*')).status, 200, 'the real POST is still attached');
  } finally {
    first.client.close();
    await t.stop();
  }
});

test('RTSP over WebSocket (rtsp.onvif.org) on the HTTP and HTTPS ports: interleaved RTP in binary messages', async () => {
  const { t } = await nodeWithStream();
  try {
    for (const url of [`ws://127.0.0.1:${t.node.httpPort}${RTSP_WEBSOCKET_PATH}`, `wss://127.0.0.1:${t.node.httpsPort}${RTSP_WEBSOCKET_PATH}`]) {
      const client = await RtspTestClient.webSocket(url, ['rtsp.onvif.org'], { rejectUnauthorized: false });
      client.credentials = ADMIN;
      try {
        assert.equal(client.webSocket!.protocol, 'rtsp.onvif.org');
        const base = `rtsp://127.0.0.1:${t.node.rtspPort}/live/P1`;
        assert.equal((await client.request('OPTIONS', base)).status, 200);
        assert.equal((await client.request('DESCRIBE', base)).status, 200);
        const video = collectVideo(client);
        await playInterleaved(client, base);
        await waitFor(() => video.length > 20, 10_000, `video over ${url}`);
        const depacketizer = new H264Depacketizer();
        const units = video.flatMap((p) => depacketizer.push(p));
        assert.ok(units.length >= 2 && units[0]!.nalUnits.some((n) => (n[0]! & 0x1f) === 5), 'decodable from a keyframe');
        assert.equal(depacketizer.stats.lostPackets, 0);
      } finally {
        client.close();
      }
    }
    const kinds = new Set(t.node.audit.recent(50).filter((e) => e.operation === 'PLAY').map((e) => e.transport));
    assert.deepEqual(kinds, new Set(['rtsp-ws', 'rtsp-wss']));
  } finally {
    await t.stop();
  }
});

test('the HTTP ports still serve HTTP: keep-alive, split requests, other upgrades and paths', async () => {
  const { t } = await nodeWithStream();
  const soap = `<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>`;
  const post = `POST /onvif/device_service HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\nContent-Length: ${Buffer.byteLength(soap)}\r\n\r\n${soap}`;
  try {
    // Two requests on one connection, the first written a few bytes at a time.
    const s = await open(t.node.httpPort!);
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString('latin1')));
    for (let i = 0; i < post.length; i += 7) {
      s.write(post.substring(i, i + 7));
      await new Promise((r) => setImmediate(r));
    }
    s.write(post);
    await waitFor(() => (text.match(/HTTP\/1\.1 200 OK/g) ?? []).length === 2 && text.trimEnd().endsWith('Envelope>'), 10_000, 'two SOAP responses');
    assert.equal((text.match(/<\/tds:GetSystemDateAndTimeResponse>/g) ?? []).length, 2);
    s.destroy();

    // A WebSocket upgrade elsewhere, and the WebSocket path without an upgrade: plain HTTP answers.
    const status = (path: string, headers: Record<string, string> = {}): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: t.node.httpPort, path, headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    assert.equal(await status(RTSP_WEBSOCKET_PATH), 404);
    assert.equal(await status('/elsewhere', { Connection: 'Upgrade', Upgrade: 'h2c', 'HTTP2-Settings': '' }), 404);

    // HTTPS with HTTP/1.1 (sniffed after the TLS handshake) still reaches the SOAP engine.
    const tls = tlsConnect({ host: '127.0.0.1', port: t.node.httpsPort!, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
    let tlsText = '';
    tls.on('data', (d: Buffer) => (tlsText += d.toString('latin1')));
    tls.write(post);
    await waitFor(() => tlsText.includes('GetSystemDateAndTimeResponse'), 10_000, 'SOAP over HTTPS');
    tls.destroy();
  } finally {
    await t.stop();
  }
});

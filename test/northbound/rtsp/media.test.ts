// Media as a client receives it from the RTSP server: every track depacketized back to what the
// source produced, RTCP sender reports, and the three RTP deliveries (interleaved TCP, UDP
// unicast, multicast on the loopback interface).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { parseRtp, type RtpPacket } from '../../../src/protocol/rtp/packet.js';
import { H264Depacketizer } from '../../../src/protocol/rtp/h264.js';
import { AacDepacketizer } from '../../../src/protocol/rtp/aac.js';
import { PcmDepacketizer } from '../../../src/protocol/rtp/pcm.js';
import { MetadataDepacketizer } from '../../../src/protocol/rtp/metadata.js';
import { parseRtcp, serializeRtcp, type RtcpSenderReport } from '../../../src/protocol/rtp/rtcp.js';
import { msFromNtp } from '../../../src/protocol/rtp/ntp.js';
import { parseSession } from '../../../src/protocol/rtsp/headers/session.js';
import { parseTransport } from '../../../src/protocol/rtsp/headers/transport.js';
import { parseRtpInfo } from '../../../src/protocol/rtsp/headers/rtp-info.js';
import { parseSdp } from '../../../src/protocol/sdp/sdp.js';
import { defaultMulticastGroup, type MulticastDirectory } from '../../../src/northbound/rtsp/multicast.js';
import { FixtureLiveSource } from '../../helpers/live-source.js';
import { RtspTestClient } from '../../helpers/rtsp-client.js';
import { startRtspServer, VIEWER } from '../../helpers/rtsp-server.js';
import { waitFor } from '../../media/hub/helpers.js';

async function playAll(client: RtspTestClient, base: string, transports: string[]): Promise<{ session: string; replies: ReturnType<typeof parseTransport>[]; rtpInfo: ReturnType<typeof parseRtpInfo> }> {
  let session: string | undefined;
  const replies = [];
  for (const [i, transport] of transports.entries()) {
    const res = await client.request('SETUP', `${base}/trackID=${i}`, { Transport: transport, ...(session ? { Session: session } : {}) });
    assert.equal(res.status, 200, `SETUP ${i}: ${res.status}`);
    session = parseSession(res.headers.get('Session')!).id;
    replies.push(parseTransport(res.headers.get('Transport')!));
  }
  const play = await client.request('PLAY', base, { Session: session! });
  assert.equal(play.status, 200);
  return { session: session!, replies, rtpInfo: parseRtpInfo(play.headers.get('RTP-Info')!) };
}

test('interleaved TCP: H.264, AAC and metadata depacketize to the source data; SRs are monotonic and true to the RTP clock', async () => {
  const source = new FixtureLiveSource({ audio: 'AAC' });
  const s = await startRtspServer({ P1: source }, { hub: { senderReportIntervalMs: 400 } });
  const client = await RtspTestClient.tcp(s.port);
  client.credentials = VIEWER;
  const rtp = new Map<number, RtpPacket[]>();
  const srs = new Map<number, RtcpSenderReport[]>();
  client.onFrame = (channel, payload) => {
    const copy = Buffer.from(payload);
    if (channel % 2 === 0) rtp.set(channel, [...(rtp.get(channel) ?? []), parseRtp(copy)]);
    else for (const p of parseRtcp(copy)) if (p.type === 'sr') srs.set(channel, [...(srs.get(channel) ?? []), p]);
  };
  try {
    const base = s.url('P1');
    const { replies } = await playAll(client, base, ['RTP/AVP/TCP;unicast;interleaved=0-1', 'RTP/AVP/TCP;unicast;interleaved=2-3', 'RTP/AVP/TCP;unicast;interleaved=4-5']);
    await waitFor(() => (srs.get(1)?.length ?? 0) >= 4 && (rtp.get(4)?.length ?? 0) >= 6, 15_000, 'media and reports');

    const video = new H264Depacketizer();
    const units = rtp.get(0)!.flatMap((p) => video.push(p));
    assert.ok(units.length >= 10);
    assert.deepEqual(units[0]!.nalUnits.slice(0, 2).map((n) => Buffer.from(n)), [Buffer.from(source.clip.sps), Buffer.from(source.clip.pps)], 'starts with parameter sets');
    const clipPayloads = new Set(source.clip.units.map((u) => Buffer.concat(u.nals.filter((n) => (n[0]! & 0x1f) <= 5)).toString('hex')));
    for (const u of units) assert.ok(clipPayloads.has(Buffer.concat(u.nalUnits.filter((n) => (n[0]! & 0x1f) <= 5)).toString('hex')), 'slices arrive bit-exact');
    assert.equal(video.stats.lostPackets, 0);
    assert.equal(video.stats.discardedUnits, 0);

    const aac = new AacDepacketizer();
    const frames = rtp.get(2)!.flatMap((p) => aac.push(p));
    assert.ok(frames.length > 20);
    assert.ok(frames.every((f) => f.data.length > 0));

    const meta = new MetadataDepacketizer();
    const docs = rtp.get(4)!.flatMap((p) => meta.push(p));
    assert.ok(docs.length >= 1);
    for (const d of docs) assert.equal(Buffer.from(d.document).toString('utf8'), source.metadataDocument.toString('utf8'));
    assert.ok(rtp.get(4)!.filter((p) => p.marker).length >= docs.length, 'marker closes each document');

    // SSRCs announced in SETUP are the ones on the wire, and the SRs speak for them.
    replies.forEach((t, i) => assert.equal(rtp.get(2 * i)![0]!.ssrc, t.ssrc));
    for (const [channel, reports] of srs) {
      const rate = channel === 3 ? 48000 : 90000;
      for (let i = 1; i < reports.length; i++) {
        const dNtpMs = msFromNtp(reports[i]!.ntpTimestamp) - msFromNtp(reports[i - 1]!.ntpTimestamp);
        const dRtp = (reports[i]!.rtpTimestamp - reports[i - 1]!.rtpTimestamp) >>> 0;
        assert.ok(dNtpMs > 0, 'NTP increases');
        assert.ok(Math.abs(dRtp - (dNtpMs * rate) / 1000) <= 2, `RTP advances with NTP at ${rate} Hz`);
        assert.ok(reports[i]!.packetCount >= reports[i - 1]!.packetCount);
      }
    }
    // Video and audio reports map to the same capture clock: the first SR of each track lies
    // close to the RTP time of packets sent around it (the fixture is stamped in real time).
    const sr = srs.get(1)!.at(-1)!;
    const lastVideo = rtp.get(0)!.at(-1)!;
    assert.ok(Math.abs((((sr.rtpTimestamp - lastVideo.timestamp + 0x80000000) >>> 0) - 0x80000000)) < 90000, 'SR RTP time is within a second of the media');
  } finally {
    client.close();
    await s.stop();
  }
});

function udpPair(): Promise<[Socket, Socket, number]> {
  return new Promise((resolve, reject) => {
    const tryPort = (attempt: number): void => {
      const port = 42000 + 2 * Math.floor(Math.random() * 4000);
      const a = createSocket('udp4');
      const b = createSocket('udp4');
      const fail = (): void => {
        a.close();
        b.close();
        if (attempt > 20) reject(new Error('no UDP pair'));
        else tryPort(attempt + 1);
      };
      a.once('error', fail);
      a.bind(port, '127.0.0.1', () => {
        b.once('error', fail);
        b.bind(port + 1, '127.0.0.1', () => resolve([a, b, port]));
      });
    };
    tryPort(0);
  });
}

test('UDP unicast: PCMU arrives on the client ports, SRs on the next; receiver reports keep the session alive', async () => {
  const source = new FixtureLiveSource({ audio: 'PCMU', metadata: false });
  const s = await startRtspServer({ P1: source }, { sessionTimeoutSeconds: 1, hub: { senderReportIntervalMs: 300 } });
  const client = await RtspTestClient.tcp(s.port);
  client.credentials = VIEWER;
  const [rtpSock, rtcpSock, port] = await udpPair();
  const audio: RtpPacket[] = [];
  const reports: RtcpSenderReport[] = [];
  rtpSock.on('message', (m) => {
    const p = parseRtp(m);
    if (p.payloadType === 0) audio.push(p);
  });
  rtcpSock.on('message', (m) => reports.push(...(parseRtcp(m).filter((p) => p.type === 'sr') as RtcpSenderReport[])));
  try {
    const base = s.url('P1');
    const res = await client.request('SETUP', `${base}/trackID=1`, { Transport: `RTP/AVP;unicast;client_port=${port}-${port + 1}` });
    assert.equal(res.status, 200);
    const id = parseSession(res.headers.get('Session')!).id;
    const t = parseTransport(res.headers.get('Transport')!);
    assert.deepEqual(t.clientPort, { start: port, end: port + 1 });
    assert.equal((await client.request('PLAY', base, { Session: id })).status, 200);
    // RTCP RR from the client port, every 250 ms, for 3 s: longer than the 1 s session timeout.
    const rr = serializeRtcp([{ type: 'rr', ssrc: 0x1234, reports: [] }]);
    for (let i = 0; i < 12; i++) {
      rtcpSock.send(rr, t.serverPort!.end!, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(s.server.session(id), 'RTCP receiver reports are keep-alives');
    assert.ok(audio.length > 50);
    const pcm = new PcmDepacketizer();
    const chunks = audio.flatMap((p) => pcm.push(p));
    assert.ok(chunks.every((c) => c.samples.length === 160));
    assert.ok(reports.length >= 2 && reports.every((r) => r.ssrc === t.ssrc));
    await waitFor(() => s.server.session(id) === undefined, 8000, 'expiry once the reports stop');
  } finally {
    rtpSock.close();
    rtcpSock.close();
    client.close();
    await s.stop();
  }
});

test('multicast: RTSP SETUP gets the profile group, packets reach a member on 127.0.0.1; Media2-style start/stop', async () => {
  const source = new FixtureLiveSource({ audio: 'none', metadata: false });
  const s = await startRtspServer({ P1: source }, { hub: { lingerMs: 50 } });
  const client = await RtspTestClient.tcp(s.port);
  client.credentials = VIEWER;
  const group = s.server.multicast.groupFor('P1', 0)!;
  const member = createSocket({ type: 'udp4', reuseAddr: true });
  const received: RtpPacket[] = [];
  member.on('message', (m) => received.push(parseRtp(m)));
  await new Promise<void>((r) => member.bind(group.port, () => r()));
  member.addMembership(group.address, '127.0.0.1');
  try {
    const base = s.url('P1');
    const describe = await client.request('DESCRIBE', `${base}?multicast`);
    const sdp = parseSdp(Buffer.from(describe.body).toString());
    assert.equal(sdp.media[0]!.connections[0]!.address, `${group.address}/${group.ttl}`);
    assert.equal(sdp.media[0]!.port, group.port);
    const res = await client.request('SETUP', `${base}/trackID=0`, { Transport: 'RTP/AVP;multicast' });
    assert.equal(res.status, 200);
    const t = parseTransport(res.headers.get('Transport')!);
    assert.equal(t.delivery, 'multicast');
    assert.equal(t.destination, group.address);
    assert.deepEqual(t.port, { start: group.port, end: group.port + 1 });
    assert.equal(t.ttl, group.ttl);
    const id = parseSession(res.headers.get('Session')!).id;
    assert.equal((await client.request('PLAY', base, { Session: id })).status, 200);
    assert.equal(s.server.multicast.isActive('P1'), true);
    await waitFor(() => received.length > 20, 10_000, 'multicast packets');
    assert.ok(received.every((p) => p.payloadType === 96));
    assert.equal((await client.request('TEARDOWN', base, { Session: id })).status, 200);
    assert.equal(s.server.multicast.isActive('P1'), false, 'last RTSP session gone, not started by Media2');

    await s.server.multicast.start('P1');
    assert.equal(s.server.multicast.isActive('P1'), true);
    const before = received.length;
    await waitFor(() => received.length > before + 10, 10_000, 'packets without any RTSP session');
    await s.server.multicast.stop('P1');
    assert.equal(s.server.multicast.isActive('P1'), false);
    await assert.rejects(s.server.multicast.start('nope'), /no live source/);
  } finally {
    member.close();
    client.close();
    await s.stop();
  }
});

test('multicast groups come from the directory when it has one for the track, else from the default allocation', async () => {
  const source = new FixtureLiveSource({ audio: 'PCMU', metadata: false });
  const s = await startRtspServer({});
  try {
    s.server.setDirectory({
      sourceForProfile: (t) => (t === 'P1' ? source : undefined),
      multicastGroup: (_t: string, track: number) => (track === 0 ? { address: '239.1.2.3', port: 41000, ttl: 5 } : undefined),
    } as MulticastDirectory);
    assert.deepEqual(s.server.multicast.groupFor('P1', 0), { address: '239.1.2.3', port: 41000, ttl: 5 });
    assert.deepEqual(s.server.multicast.groupFor('P1', 1), defaultMulticastGroup('P1', 1));
    const d = defaultMulticastGroup('P1', 1);
    assert.match(d.address, /^239\.255\.\d+\.\d+$/);
    assert.equal(d.port % 2, 0);
    assert.deepEqual(defaultMulticastGroup('P1', 1), d, 'stable');
    assert.notEqual(defaultMulticastGroup('P2', 1).address, d.address);
  } finally {
    await s.stop();
  }
});

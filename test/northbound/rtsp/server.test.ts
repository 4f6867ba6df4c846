// RTSP method handling against a standalone server on loopback: statuses, headers, SDP, sessions,
// Digest authentication and the audit trail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSdp, getControl, getFmtp, getRtpMap, getAttribute } from '../../../src/protocol/sdp/sdp.js';
import { parseH264Fmtp } from '../../../src/protocol/sdp/fmtp.js';
import { parseRtpInfo } from '../../../src/protocol/rtsp/headers/rtp-info.js';
import { parseTransport } from '../../../src/protocol/rtsp/headers/transport.js';
import { parseSession } from '../../../src/protocol/rtsp/headers/session.js';
import { parseRange } from '../../../src/protocol/rtsp/headers/range.js';
import { parseWwwAuthenticate, authParam } from '../../../src/protocol/rtsp/headers/auth.js';
import { parseRtp } from '../../../src/protocol/rtp/packet.js';
import { FixtureLiveSource } from '../../helpers/live-source.js';
import { RtspTestClient } from '../../helpers/rtsp-client.js';
import { ADMIN_USER, startRtspServer, VIEWER } from '../../helpers/rtsp-server.js';
import { waitFor } from '../../media/hub/helpers.js';

const dec = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

async function setup(opts = {}) {
  const source = new FixtureLiveSource({ audio: 'AAC' });
  const s = await startRtspServer({ P1: source, P2: new FixtureLiveSource({ id: 'other', audio: 'none', metadata: false }) }, opts);
  const client = await RtspTestClient.tcp(s.port);
  return { source, s, client };
}

test('OPTIONS needs no credentials; every response echoes CSeq and names the server', async () => {
  const { s, client } = await setup();
  try {
    const res = await client.request('OPTIONS', s.url('P1'));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('CSeq'), '1');
    assert.match(res.headers.get('Public')!, /DESCRIBE.*SETUP.*PLAY.*PAUSE.*TEARDOWN.*GET_PARAMETER.*SET_PARAMETER/);
    assert.ok(res.headers.get('Server'));
    const star = await client.request('OPTIONS', '*');
    assert.equal(star.status, 200);
    assert.equal(star.headers.get('CSeq'), '2');
  } finally {
    client.close();
    await s.stop();
  }
});

test('anonymous DESCRIBE is challenged (SHA-256 then MD5); wrong passwords are refused and audited', async () => {
  const { s, client } = await setup();
  try {
    const res = await client.request('DESCRIBE', s.url('P1'));
    assert.equal(res.status, 401);
    const challenges = parseWwwAuthenticate(res.headers.getAll('WWW-Authenticate'));
    assert.deepEqual(challenges.map((c) => authParam(c, 'algorithm')), ['SHA-256', 'MD5']);
    assert.equal(authParam(challenges[0]!, 'realm'), 'vigil');
    client.credentials = { username: VIEWER.username, password: 'wrong-password' };
    assert.equal((await client.request('DESCRIBE', s.url('P1'))).status, 401);
    const entries = s.audit.recent(10);
    assert.ok(entries.some((e) => e.username === VIEWER.username && e.outcome === 'auth-failed:bad-credentials' && e.service === 'rtsp'));
    assert.ok(!entries.some((e) => e.outcome === 'auth-failed:anonymous'), 'a first challenge is not an incident');
  } finally {
    client.close();
    await s.stop();
  }
});

test('DESCRIBE: one media section per track with control, rtpmap, fmtp and a live range', async () => {
  const { source, s, client } = await setup();
  client.credentials = VIEWER;
  try {
    const res = await client.request('DESCRIBE', s.url('P1'), { Accept: 'application/sdp' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('Content-Type'), 'application/sdp');
    assert.equal(res.headers.get('Content-Base'), `${s.url('P1')}/`);
    const sdp = parseSdp(dec(res.body));
    assert.equal(getAttribute(sdp, 'range'), 'npt=now-');
    assert.deepEqual(sdp.media.map((m) => m.type), ['video', 'audio', 'application']);
    sdp.media.forEach((m, i) => {
      assert.equal(getControl(m), `${s.url('P1')}/trackID=${i}`);
      assert.ok(m.attributes.some((a) => a.name === 'recvonly'));
    });
    const [video, audio, meta] = sdp.media as [typeof sdp.media[0], typeof sdp.media[0], typeof sdp.media[0]];
    assert.equal(getRtpMap(video, 96)?.encoding, 'H264');
    const h264 = parseH264Fmtp(getFmtp(video, 96)!);
    assert.equal(h264.packetizationMode, 1);
    assert.deepEqual(Buffer.from(h264.sps[0]!), Buffer.from(source.clip.sps));
    assert.deepEqual(Buffer.from(h264.pps[0]!), Buffer.from(source.clip.pps));
    const aac = getRtpMap(audio, 97)!;
    assert.equal(aac.encoding, 'mpeg4-generic');
    assert.equal(aac.clockRate, 48000);
    const aacFmtp = getFmtp(audio, 97)!;
    assert.equal(aacFmtp.get('mode'), 'AAC-hbr');
    assert.equal(aacFmtp.get('config'), Buffer.from(source.tracks[1]!.aacConfig!).toString('hex'));
    assert.equal(getRtpMap(meta, 98)?.encoding, 'vnd.onvif.metadata');
    assert.equal(getRtpMap(meta, 98)?.clockRate, 90000);

    assert.equal((await client.request('DESCRIBE', s.url('nope'))).status, 404);
    assert.equal((await client.request('DESCRIBE', `rtsp://127.0.0.1:${s.port}/other/P1`)).status, 404);
    assert.equal((await client.request('DESCRIBE', `rtsp://127.0.0.1:${s.port}/live/P1/extra`)).status, 404);
    assert.equal(source.starts, 0, 'DESCRIBE does not start the camera');
  } finally {
    client.close();
    await s.stop();
  }
});

test('SETUP picks tracks one by one; PLAY answers RTP-Info and clock Range; media follows on the channels', async () => {
  const { source, s, client } = await setup();
  client.credentials = ADMIN_USER;
  const firstSeq = new Map<number, number>();
  client.onFrame = (channel, payload) => {
    if (channel % 2 === 0 && !firstSeq.has(channel)) firstSeq.set(channel, parseRtp(payload).sequenceNumber);
  };
  try {
    const base = s.url('P1');
    const v = await client.request('SETUP', `${base}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
    assert.equal(v.status, 200);
    const session = parseSession(v.headers.get('Session')!);
    assert.equal(session.timeout, 60);
    const vt = parseTransport(v.headers.get('Transport')!);
    assert.deepEqual(vt.interleaved, { start: 0, end: 1 });
    assert.equal(vt.lowerTransport, 'TCP');
    assert.ok(vt.ssrc !== undefined);
    assert.equal(source.starts, 1, 'the camera starts at the first SETUP');
    // The metadata track only, on channels the server picks.
    const m = await client.request('SETUP', `${base}/trackID=2`, { Transport: 'RTP/AVP/TCP;unicast', Session: session.id });
    assert.equal(m.status, 200);
    assert.deepEqual(parseTransport(m.headers.get('Transport')!).interleaved, { start: 2, end: 3 });

    const play = await client.request('PLAY', `${base}/`, { Session: session.id, Range: 'npt=now-' });
    assert.equal(play.status, 200);
    const range = parseRange(play.headers.get('Range')!);
    assert.equal(range.unit, 'clock');
    const info = parseRtpInfo(play.headers.get('RTP-Info')!);
    assert.deepEqual(info.map((e) => e.url), [`${base}/trackID=0`, `${base}/trackID=2`]);
    assert.ok(info.every((e) => e.seq !== undefined));
    await waitFor(() => firstSeq.has(0) && firstSeq.has(2), 5000, 'video and metadata packets');
    assert.equal(firstSeq.get(0), info[0]!.seq, 'first video packet = RTP-Info seq');
    assert.equal(firstSeq.get(2), info[1]!.seq);
    assert.equal(client.frameCounts.get(4) ?? 0, 0, 'audio was not set up');

    const pause = await client.request('PAUSE', base, { Session: session.id });
    assert.equal(pause.status, 200);
    assert.equal(s.server.registry.hubs()[0]!.readerCount, 0);
    assert.equal((await client.request('PLAY', base, { Session: session.id })).status, 200);
    assert.equal(s.server.registry.hubs()[0]!.readerCount, 1);

    const keep = await client.request('GET_PARAMETER', base, { Session: session.id });
    assert.equal(keep.status, 200);
    assert.equal(parseSession(keep.headers.get('Session')!).id, session.id);
    assert.equal((await client.request('SET_PARAMETER', base, { Session: session.id })).status, 200);
    assert.equal((await client.request('SET_PARAMETER', base, { Session: session.id, 'Content-Type': 'text/parameters' }, Buffer.from('foo: 1\r\n'))).status, 451);

    assert.equal((await client.request('TEARDOWN', base, { Session: session.id })).status, 200);
    assert.equal((await client.request('PLAY', base, { Session: session.id })).status, 454);
    assert.equal(s.server.sessionCount, 0);
    const ops = s.audit.recent(20).filter((e) => e.service === 'rtsp').map((e) => `${e.operation}:${e.outcome}:${e.tokens.join()}:${e.username}`);
    for (const op of ['SETUP', 'PLAY', 'PAUSE', 'TEARDOWN']) assert.ok(ops.includes(`${op}:ok:P1:admin`), `audited ${op}`);
  } finally {
    client.close();
    await s.stop();
  }
});

test('SETUP and PLAY errors: 400, 404, 454, 455, 459, 460, 461, 551, 405, 501', async () => {
  const { s, client } = await setup();
  client.credentials = VIEWER;
  const base = s.url('P1');
  try {
    const st = (res: { status: number }): number => res.status;
    assert.equal(st(await client.request('SETUP', `${base}/trackID=0`)), 400, 'no Transport');
    assert.equal(st(await client.request('SETUP', `${base}/trackID=0`, { Transport: 'RTP/AVP;unicast;client_port=x' })), 400);
    assert.equal(st(await client.request('SETUP', `${base}/trackID=0`, { Transport: 'RTP/SAVP;unicast;client_port=5000-5001' })), 461);
    assert.equal(st(await client.request('SETUP', `${base}/trackID=0`, { Transport: 'RTP/AVP;unicast' })), 461, 'UDP without client_port');
    assert.equal(st(await client.request('SETUP', `${base}/trackID=0`, { Transport: 'RTP/AVP;unicast;destination=10.9.9.9;client_port=5000-5001' })), 461, 'no third-party destination');
    assert.equal(st(await client.request('SETUP', `${base}/trackID=9`, { Transport: 'RTP/AVP/TCP;unicast' })), 404);
    assert.equal(st(await client.request('SETUP', base, { Transport: 'RTP/AVP/TCP;unicast' })), 459, 'aggregate SETUP of a multi-track stream');
    assert.equal(st(await client.request('SETUP', `${base}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast', Session: 'DEADBEEF' })), 454);
    assert.equal(st(await client.request('PLAY', base)), 454, 'PLAY without session');
    assert.equal(st(await client.request('PLAY', base, { Session: 'NOSUCHSESSION' })), 454);

    const ok = await client.request('SETUP', `${base}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
    const id = parseSession(ok.headers.get('Session')!).id;
    assert.equal(st(await client.request('SETUP', `${s.url('P2')}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast', Session: id })), 459, 'other presentation');
    assert.equal(st(await client.request('SETUP', `${base}/trackID=1`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=1-2', Session: id })), 461, 'overlapping channels');
    assert.equal(st(await client.request('SETUP', `${base}/trackID=1`, { Transport: 'RTP/AVP;unicast;client_port=6000-6001', Session: id })), 461, 'mixed lower transports');
    assert.equal(st(await client.request('PLAY', `${base}/trackID=1`, { Session: id })), 460);
    assert.equal(st(await client.request('PLAY', base, { Session: id, Range: 'bogus' })), 457);
    assert.equal(st(await client.request('PLAY', base, { Session: id })), 200);
    assert.equal(st(await client.request('SETUP', `${base}/trackID=1`, { Transport: 'RTP/AVP/TCP;unicast', Session: id })), 455, 'SETUP while playing');
    assert.equal(st(await client.request('DESCRIBE', base, { Require: 'www.onvif.org/ver20/backchannel' })), 551);
    const replay = await client.request('PLAY', base, { Session: id, Require: 'onvif-replay' });
    assert.equal(replay.status, 551);
    assert.equal(replay.headers.get('Unsupported'), 'onvif-replay');
    assert.equal(st(await client.request('ANNOUNCE', base)), 405);
    assert.equal(st(await client.request('RECORD', base, { Session: id })), 405);
    assert.equal(st(await client.request('FLY', base)), 501);
    assert.equal(st(await client.request('GET_PARAMETER', base, { Session: id })), 200, 'the connection survived every error');
  } finally {
    client.close();
    await s.stop();
  }
});

test('a session belongs to its user (and an interleaved one to its connection)', async () => {
  const { s, client } = await setup();
  client.credentials = VIEWER;
  const other = await RtspTestClient.tcp(s.port);
  other.credentials = ADMIN_USER;
  const base = s.url('P1');
  try {
    const ok = await client.request('SETUP', `${base}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast' });
    const id = parseSession(ok.headers.get('Session')!).id;
    assert.equal((await other.request('TEARDOWN', base, { Session: id })).status, 454);
    assert.equal((await other.request('PLAY', base, { Session: id })).status, 454);
    const udp = await client.request('SETUP', `${s.url('P2')}/trackID=0`, { Transport: 'RTP/AVP;unicast;client_port=40000-40001' });
    const udpId = parseSession(udp.headers.get('Session')!).id;
    assert.equal((await other.request('TEARDOWN', s.url('P2'), { Session: udpId })).status, 454, 'another user');
    const sameUser = await RtspTestClient.tcp(s.port);
    sameUser.credentials = VIEWER;
    assert.equal((await sameUser.request('TEARDOWN', s.url('P2'), { Session: udpId })).status, 200, 'UDP sessions are not bound to a connection');
    sameUser.close();
    client.close();
    await waitFor(() => s.server.sessionCount === 0, 5000, 'interleaved session ends with its connection');
    assert.ok(s.audit.recent(20).some((e) => e.operation === 'SESSION-END' && e.outcome === 'connection-closed'));
  } finally {
    other.close();
    await s.stop();
  }
});

test('UDP sessions expire without keep-alives and are kept by requests naming them', async () => {
  const { s, client } = await setup({ sessionTimeoutSeconds: 1 });
  client.credentials = VIEWER;
  try {
    const a = await client.request('SETUP', `${s.url('P2')}/trackID=0`, { Transport: 'RTP/AVP;unicast;client_port=40010-40011' });
    const b = await client.request('SETUP', `${s.url('P2')}/trackID=0`, { Transport: 'RTP/AVP;unicast;client_port=40012-40013' });
    const kept = parseSession(a.headers.get('Session')!).id;
    const dropped = parseSession(b.headers.get('Session')!).id;
    const t = parseTransport(a.headers.get('Transport')!);
    assert.equal(t.serverPort?.start, s.server.udp!.rtpPort);
    assert.equal(t.serverPort?.end, s.server.udp!.rtpPort + 1);
    // Refresh one of the two while the other is left alone until it expires.
    for (let i = 0; i < 80 && s.server.session(dropped) !== undefined; i++) {
      assert.equal((await client.request('GET_PARAMETER', s.url('P2'), { Session: kept })).status, 200);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(s.server.session(dropped), undefined, 'expired');
    assert.ok(s.server.session(kept), 'keep-alives keep the session');
    assert.equal((await client.request('PLAY', s.url('P2'), { Session: dropped })).status, 454);
    assert.ok(s.audit.recent(20).some((e) => e.operation === 'SESSION-END' && e.outcome === 'timeout'));
  } finally {
    client.close();
    await s.stop();
  }
});

/**
 * The RTSP methods of a live-stream server (RFC 2326 §10, ONVIF Streaming "RTSP"): OPTIONS,
 * DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, and GET_PARAMETER / SET_PARAMETER as keep-alives.
 * Every method but OPTIONS is authenticated (digest, READ_MEDIA); a session is only visible to
 * the user who created it (and, for interleaved media, only on its connection). Statuses:
 * 454 unknown session, 455 wrong state, 457 bad Range, 459/460 aggregate rules, 461 no usable
 * transport, 551 for any Require'd feature (back channel and replay are not served here).
 * Header values that do not parse throw RtspParseError; the connection answers with its status.
 */
import { parseFeatureTags } from '../../protocol/rtsp/headers/onvif.js';
import { parseRange, serializeRange, utcTimeFromEpochMs } from '../../protocol/rtsp/headers/range.js';
import { serializeRtpInfo, type RtpInfoEntry } from '../../protocol/rtsp/headers/rtp-info.js';
import { parseSession, serializeSession } from '../../protocol/rtsp/headers/session.js';
import { parseTransports, serializeTransport } from '../../protocol/rtsp/headers/transport.js';
import { RtspParseError } from '../../protocol/rtsp/errors.js';
import type { RtspRequest } from '../../protocol/rtsp/message.js';
import type { Principal } from '../../security/access.js';
import type { RtspConnection, ServerContext } from './connection.js';
import { negotiateTransport, normalizeAddress } from './negotiate.js';
import { describe, trackUrl } from './sdp.js';
import type { RtspSession } from './session.js';
import { resolveTarget } from './target.js';

export interface Reply {
  status: number;
  headers: [string, string][];
  body?: Uint8Array;
  /** Runs once the response is written (media must not overtake the PLAY response). */
  after?: () => void;
  /** Close the connection after the response. */
  close?: boolean;
}

export const PUBLIC_METHODS = 'OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER';
const KNOWN = new Set(PUBLIC_METHODS.split(', '));
const NOT_ALLOWED = new Set(['ANNOUNCE', 'RECORD', 'REDIRECT']);

const reply = (status: number, headers: [string, string][] = [], body?: Uint8Array): Reply => (body ? { status, headers, body } : { status, headers });

export function handleRequest(server: ServerContext, conn: RtspConnection, req: RtspRequest): Reply {
  const method = req.method;
  if (!KNOWN.has(method)) return reply(NOT_ALLOWED.has(method) ? 405 : 501, [['Allow', PUBLIC_METHODS]]);
  const required = req.headers.getAll('Require');
  if (required.length > 0) return reply(551, [['Unsupported', parseFeatureTags(required).join(', ')]]);

  const sessionHeader = req.headers.get('Session');
  const sessionId = sessionHeader === undefined ? undefined : parseSession(sessionHeader).id;
  if (method === 'OPTIONS') {
    if (sessionId !== undefined) server.session(sessionId)?.touch(server.now());
    return reply(200, [['Public', PUBLIC_METHODS]]);
  }

  const auth = server.auth.check(req, conn.transport, conn.nonces);
  if (!auth.ok) {
    if (auth.reason !== 'anonymous') server.audit(conn, { username: auth.claimed, level: 'Anonymous', method: 'anonymous' }, method, [], `auth-failed:${auth.reason}`);
    return reply(auth.status, auth.challenges.map((c): [string, string] => ['WWW-Authenticate', c]));
  }
  const principal = auth.principal;

  let session: RtspSession | undefined;
  if (sessionId !== undefined) {
    session = server.session(sessionId);
    const visible = session && session.principal.username === principal.username && (session.transportKind !== 'tcp' || session.connection === conn);
    if (!session || !visible) return reply(454);
    if (method !== 'TEARDOWN') session.touch(server.now());
  }

  switch (method) {
    case 'DESCRIBE':
      return onDescribe(server, conn, req, principal);
    case 'SETUP':
      return onSetup(server, conn, req, principal, session);
    case 'PLAY':
      return session ? onPlay(server, conn, req, principal, session) : reply(454);
    case 'PAUSE':
      if (!session) return reply(454);
      session.pause();
      server.audit(conn, principal, 'PAUSE', [session.profileToken], 'ok');
      return reply(200, [sessionField(session)]);
    case 'TEARDOWN':
      if (!session) return reply(454);
      server.audit(conn, principal, 'TEARDOWN', [session.profileToken], 'ok');
      session.end('teardown');
      return reply(200);
    default:
      // GET_PARAMETER / SET_PARAMETER: keep-alives; no parameters are defined for live streams.
      if (req.body.length > 0) return reply(451, session ? [sessionField(session)] : []);
      return reply(200, session ? [sessionField(session)] : []);
  }
}

function sessionField(session: RtspSession): [string, string] {
  return ['Session', serializeSession({ id: session.id, timeout: session.timeoutSeconds })];
}

function onDescribe(server: ServerContext, conn: RtspConnection, req: RtspRequest, principal: Principal): Reply {
  const target = resolveTarget(req.uri);
  const token = target.profileToken;
  const source = token === undefined ? undefined : server.registry.sourceFor(token);
  if (token === undefined || !source) return reply(404);
  const sdp = describe({
    tracks: source.tracks,
    aggregateUrl: target.aggregateUrl,
    serverAddress: normalizeAddress(conn.transport.localAddress),
    sessionName: 'Vigil live stream',
    sessionId: numericId(source.id),
    multicast: target.multicast ? (track) => server.multicast.groupFor(token, track) : undefined,
  });
  server.audit(conn, principal, 'DESCRIBE', [token], 'ok');
  return reply(
    200,
    [
      ['Content-Type', 'application/sdp'],
      ['Content-Base', `${target.aggregateUrl}/`],
    ],
    Buffer.from(sdp, 'utf8'),
  );
}

function onSetup(server: ServerContext, conn: RtspConnection, req: RtspRequest, principal: Principal, existing: RtspSession | undefined): Reply {
  const target = resolveTarget(req.uri);
  const token = target.profileToken;
  if (token === undefined) return reply(404);
  if (existing && existing.path !== target.path) return reply(459);
  if (existing?.state === 'playing') return reply(455, [['Allow', 'PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER, OPTIONS']]);
  const hub = existing?.hub ?? server.registry.hubFor(token);
  if (!hub) return reply(404);
  const track = target.trackId ?? (hub.senders.length === 1 ? 0 : undefined);
  if (track === undefined) return reply(459);
  const sender = hub.senders[track];
  if (!sender) return reply(404);
  const transportHeader = req.headers.get('Transport');
  if (transportHeader === undefined) throw new RtspParseError('BAD_TRANSPORT', 'SETUP without Transport');
  const negotiated = negotiateTransport(parseTransports(transportHeader), {
    sessionKind: existing?.tracks.get(track) && existing.tracks.size === 1 ? undefined : existing?.transportKind,
    remoteAddress: conn.transport.remoteAddress,
    udpAvailable: conn.transport.allowsUdp && server.udp !== undefined,
    serverRtpPort: server.udp?.rtpPort,
    channelInUse: (c) => conn.channelInUse(c) && !isOwnChannel(existing, track, c),
    multicastGroup: () => server.multicast.groupFor(token, track),
    ssrc: sender.ssrc,
  });
  const session = existing ?? server.createSession({ profileToken: token, path: target.path, hub, principal, connection: conn });
  if (!session) return reply(503);
  session.setup(track, negotiated.transport);
  if (negotiated.transport.kind === 'tcp') conn.bindChannel(session, track, negotiated.transport.channel);
  else server.indexUdpTrack(session, track, negotiated.transport);
  if (!existing) server.audit(conn, principal, 'SETUP', [token], 'ok');
  return reply(200, [
    ['Transport', serializeTransport(negotiated.reply)],
    sessionField(session),
  ]);
}

function isOwnChannel(session: RtspSession | undefined, track: number, channel: number): boolean {
  const t = session?.tracks.get(track);
  return t?.kind === 'tcp' && t.channel === channel;
}

function onPlay(server: ServerContext, conn: RtspConnection, req: RtspRequest, principal: Principal, session: RtspSession): Reply {
  const target = resolveTarget(req.uri);
  if (target.path !== session.path) return reply(404);
  if (target.trackId !== undefined && !(session.tracks.size === 1 && session.tracks.has(target.trackId))) return reply(460);
  const range = req.headers.get('Range');
  if (range !== undefined) {
    try {
      parseRange(range); // a live stream always plays from now, whatever the range asks
    } catch {
      return reply(457);
    }
  }
  const started = session.play();
  if (!started) return reply(455);
  const rtpInfo: RtpInfoEntry[] = started.start.tracks.map((t) => {
    const entry: RtpInfoEntry = { url: trackUrl(target.aggregateUrl, t.track), seq: t.sequenceNumber };
    if (t.rtpTimestamp !== undefined) entry.rtptime = t.rtpTimestamp;
    return entry;
  });
  server.audit(conn, principal, 'PLAY', [session.profileToken], 'ok');
  const headers: [string, string][] = [
    sessionField(session),
    ['Range', serializeRange({ unit: 'clock', start: utcTimeFromEpochMs(started.start.rangeStartMs) })],
  ];
  if (rtpInfo.length > 0) headers.push(['RTP-Info', serializeRtpInfo(rtpInfo)]);
  return { status: 200, headers, after: started.begin };
}

/** SDP o= session ids are numeric: a stable number derived from the source id. */
function numericId(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) >>> 0;
  return String(h);
}

/**
 * SETUP transport negotiation: the first spec of the client's Transport header (in its order of
 * preference) that this server can serve for this session, and the spec to answer with.
 *
 * - RTP/AVP only (no SRTP: ONVIF forbids RTP/SAVP on a channel that is not secure, and SRTP is
 *   not implemented), all tracks of a session on one lower transport.
 * - RTP/AVP/TCP interleaved: the client's channels or the next free pair on its connection.
 * - RTP/AVP unicast UDP: client_port required; `destination` may only name the client itself
 *   (a server must not be turned into a traffic reflector); not inside HTTP/WebSocket tunnels.
 * - RTP/AVP multicast: the profile's group for the track (ONVIF: the client cannot choose it).
 */
import { RtspParseError } from '../../protocol/rtsp/errors.js';
import type { TransportSpec } from '../../protocol/rtsp/headers/transport.js';
import type { TrackTransport } from './session.js';
import type { MulticastGroup } from './sdp.js';

export interface NegotiationContext {
  /** Lower transport already used by the session's other tracks. */
  sessionKind: TrackTransport['kind'] | undefined;
  /** The client's address as seen on the connection (where UDP packets go). */
  remoteAddress: string;
  udpAvailable: boolean;
  serverRtpPort: number | undefined;
  /** RTP channels already taken on the connection (RTCP is the next one). */
  channelInUse: (channel: number) => boolean;
  multicastGroup: () => MulticastGroup | undefined;
  ssrc: number;
}

export interface Negotiated {
  transport: TrackTransport;
  reply: TransportSpec;
}

/** Throws RtspParseError UNSUPPORTED_TRANSPORT (→ 461) when no offered spec can be served. */
export function negotiateTransport(specs: readonly TransportSpec[], ctx: NegotiationContext): Negotiated {
  for (const spec of specs) {
    const result = trySpec(spec, ctx);
    if (result) return result;
  }
  throw new RtspParseError('UNSUPPORTED_TRANSPORT', 'none of the offered transports can be served');
}

function trySpec(spec: TransportSpec, ctx: NegotiationContext): Negotiated | undefined {
  if (spec.profile !== 'RTP/AVP') return undefined;
  if (spec.mode && !spec.mode.every((m) => m === 'PLAY')) return undefined;
  if (spec.lowerTransport === 'TCP') {
    if (ctx.sessionKind !== undefined && ctx.sessionKind !== 'tcp') return undefined;
    const channel = pickChannel(spec, ctx);
    if (channel === undefined) return undefined;
    return {
      transport: { kind: 'tcp', channel },
      reply: { profile: 'RTP/AVP', lowerTransport: 'TCP', delivery: 'unicast', interleaved: { start: channel, end: channel + 1 }, ssrc: ctx.ssrc, mode: ['PLAY'] },
    };
  }
  if (spec.delivery === 'multicast') {
    if (ctx.sessionKind !== undefined && ctx.sessionKind !== 'multicast') return undefined;
    const group = ctx.multicastGroup();
    if (!group) return undefined;
    return {
      transport: { kind: 'multicast', group },
      reply: {
        profile: 'RTP/AVP',
        delivery: 'multicast',
        destination: group.address,
        port: { start: group.port, end: group.port + 1 },
        ttl: group.ttl,
        ssrc: ctx.ssrc,
        mode: ['PLAY'],
      },
    };
  }
  if (ctx.sessionKind !== undefined && ctx.sessionKind !== 'udp') return undefined;
  if (!ctx.udpAvailable || ctx.serverRtpPort === undefined || !spec.clientPort) return undefined;
  if (spec.destination !== undefined && normalizeAddress(spec.destination) !== normalizeAddress(ctx.remoteAddress)) return undefined;
  const rtpPort = spec.clientPort.start;
  const rtcpPort = spec.clientPort.end ?? rtpPort + 1;
  if (rtpPort === 0 || rtcpPort === 0 || rtcpPort > 0xffff) return undefined;
  return {
    transport: { kind: 'udp', address: ctx.remoteAddress, rtpPort, rtcpPort },
    reply: {
      profile: 'RTP/AVP',
      delivery: 'unicast',
      clientPort: { start: rtpPort, end: rtcpPort },
      serverPort: { start: ctx.serverRtpPort, end: ctx.serverRtpPort + 1 },
      ssrc: ctx.ssrc,
      mode: ['PLAY'],
    },
  };
}

function pickChannel(spec: TransportSpec, ctx: NegotiationContext): number | undefined {
  const free = (c: number): boolean => c >= 0 && c + 1 <= 255 && !ctx.channelInUse(c) && !ctx.channelInUse(c - 1) && !ctx.channelInUse(c + 1);
  if (spec.interleaved) {
    const c = spec.interleaved.start;
    if (spec.interleaved.end !== undefined && spec.interleaved.end !== c + 1) return undefined;
    return free(c) ? c : undefined;
  }
  for (let c = 0; c <= 254; c += 2) if (free(c)) return c;
  return undefined;
}

/** `::ffff:1.2.3.4` → `1.2.3.4`, so v4 clients on a dual-stack socket compare as v4. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.substring(7) : address;
}

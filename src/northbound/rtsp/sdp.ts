/**
 * The session description a DESCRIBE answers with: one media section per track of the profile's
 * live source, absolute a=control URLs (ONVIF examples use them, and they survive any
 * Content-Base resolution quirk), rtpmap/fmtp with the parameter sets or AudioSpecificConfig a
 * decoder needs up front, a=recvonly (ONVIF: media sent from server to client), and for a
 * multicast URI the group address of each track in c= and its port in m=.
 */
import { ascHex } from '../../protocol/codec/aac.js';
import { AAC_HBR_MODE } from '../../protocol/rtp/aac.js';
import { ONVIF_METADATA_ENCODING } from '../../protocol/rtp/metadata.js';
import { SdpBuilder, type SdpRtpMediaSpec } from '../../protocol/sdp/builder.js';
import { h264Fmtp, h265Fmtp } from '../../protocol/sdp/fmtp.js';
import type { TrackInfo } from '../../media/live.js';
import { payloadTypeFor } from '../../media/hub/track-sender.js';

export interface MulticastGroup {
  address: string;
  /** RTP port (even); RTCP is port + 1. */
  port: number;
  ttl: number;
}

export interface DescribeInput {
  tracks: readonly TrackInfo[];
  /** The presentation URL without trailing slash; track controls are `<url>/trackID=<n>`. */
  aggregateUrl: string;
  /** Address for o= (the address the client reached us on). */
  serverAddress: string;
  sessionName: string;
  /** Numeric o= session id (stable per source). */
  sessionId: string;
  /** Present for a multicast URI: the group of each track. */
  multicast?: (track: number) => MulticastGroup | undefined;
}

export function trackUrl(aggregateUrl: string, track: number): string {
  return `${aggregateUrl}/trackID=${track}`;
}

export function describe(input: DescribeInput): string {
  const ip6 = input.serverAddress.includes(':');
  const sdp = new SdpBuilder({
    sessionName: input.sessionName,
    origin: { sessionId: input.sessionId, sessionVersion: '1', addrType: ip6 ? 'IP6' : 'IP4', address: input.serverAddress },
    connection: input.multicast ? undefined : { netType: 'IN', addrType: 'IP4', address: '0.0.0.0' },
  });
  sdp.attribute('control', input.aggregateUrl);
  sdp.attribute('range', 'npt=now-');
  input.tracks.forEach((info, index) => {
    const group = input.multicast?.(index);
    const spec: SdpRtpMediaSpec = {
      ...mediaFormat(info, payloadTypeFor(info, index)),
      control: trackUrl(input.aggregateUrl, index),
      direction: 'recvonly',
    };
    if (group) {
      spec.port = group.port;
      spec.connection = { netType: 'IN', addrType: 'IP4', address: `${group.address}/${group.ttl}` };
    }
    sdp.media(spec);
  });
  return sdp.toString();
}

type MediaFormat = Pick<SdpRtpMediaSpec, 'type' | 'payloadType' | 'encoding' | 'clockRate' | 'channels' | 'fmtp'>;

function mediaFormat(info: TrackInfo, payloadType: number): MediaFormat {
  switch (info.codec) {
    case 'H264':
      return { type: 'video', payloadType, encoding: 'H264', clockRate: 90000, fmtp: h264Parameters(info) };
    case 'H265':
      return { type: 'video', payloadType, encoding: 'H265', clockRate: 90000, fmtp: h265Parameters(info) };
    case 'JPEG':
      return { type: 'video', payloadType, encoding: 'JPEG', clockRate: 90000 };
    case 'PCMU':
    case 'PCMA':
      return { type: 'audio', payloadType, encoding: info.codec, clockRate: info.clockRate, channels: channels(info) };
    case 'AAC':
      return {
        type: 'audio',
        payloadType,
        encoding: 'mpeg4-generic',
        clockRate: info.clockRate,
        channels: info.channels ?? 1,
        fmtp: {
          streamtype: '5',
          'profile-level-id': '1',
          mode: AAC_HBR_MODE.mode,
          sizelength: String(AAC_HBR_MODE.sizeLength),
          indexlength: String(AAC_HBR_MODE.indexLength),
          indexdeltalength: String(AAC_HBR_MODE.indexDeltaLength),
          ...(info.aacConfig ? { config: ascHex(info.aacConfig) } : {}),
        },
      };
    case 'ONVIF-METADATA':
      return { type: 'application', payloadType, encoding: ONVIF_METADATA_ENCODING, clockRate: 90000 };
  }
}

/** rtpmap carries a channel count only when it is not 1 (RFC 4566 §6). */
function channels(info: TrackInfo): number | undefined {
  return info.channels !== undefined && info.channels !== 1 ? info.channels : undefined;
}

function h264Parameters(info: TrackInfo): string {
  if (info.h264) {
    try {
      return h264Fmtp({ sps: info.h264.sps, pps: info.h264.pps });
    } catch {
      // Not parameter sets after all: describe the stream without them (they come in-band).
    }
  }
  return 'packetization-mode=1';
}

function h265Parameters(info: TrackInfo): string | undefined {
  if (!info.h265) return undefined;
  try {
    return h265Fmtp(info.h265);
  } catch {
    return undefined;
  }
}

/**
 * What an RTSP request URI names on this server: the live stream of a media profile
 * (`/live/<token>`, see media/live.ts liveStreamPath), optionally one of its tracks
 * (`…/trackID=<n>`), and whether the client asked for the multicast description (`?multicast`,
 * the form a multicast stream URI takes). The URL the client used is kept as written so that
 * control URLs and RTP-Info speak the client's host name and port back to it.
 */
import { liveStreamPath } from '../../media/live.js';
import { parseRtspUri } from '../../protocol/rtsp/uri.js';
import { splitTrackControl } from '../../protocol/rtsp/uri.js';

/** Query that marks a multicast stream URI: `rtsp://host/live/<token>?multicast`. */
export const MULTICAST_QUERY = 'multicast';

/** The path and query of a profile's multicast stream URI. */
export function liveMulticastStreamPath(profileToken: string): string {
  return `${liveStreamPath(profileToken)}?${MULTICAST_QUERY}`;
}

export interface StreamTarget {
  /** Presentation URL as the client wrote it, without query, trailing '/' or track part. */
  aggregateUrl: string;
  /** Its path, e.g. `/live/Profile_1`. */
  path: string;
  /** Undefined when the path is not a live stream path. */
  profileToken: string | undefined;
  trackId: number | undefined;
  multicast: boolean;
}

const LIVE_PATH = /^\/live\/([^/]+)$/;

/** Throws RtspParseError BAD_URI for a Request-URI that is not an rtsp(s)/rtsph URL. */
export function resolveTarget(uri: string): StreamTarget {
  const cut = uri.search(/[?#]/);
  const base = cut < 0 ? uri : uri.substring(0, cut);
  const query = cut < 0 || uri[cut] === '#' ? '' : uri.substring(cut + 1).split('#')[0]!;
  const { aggregate, trackId } = splitTrackControl(base);
  const path = parseRtspUri(aggregate).path;
  const m = LIVE_PATH.exec(path);
  let profileToken: string | undefined;
  if (m) {
    try {
      profileToken = decodeURIComponent(m[1]!);
    } catch {
      profileToken = undefined;
    }
  }
  const multicast = query.split('&').some((item) => item === MULTICAST_QUERY || item === 'transport=multicast');
  return { aggregateUrl: aggregate, path, profileToken, trackId, multicast };
}

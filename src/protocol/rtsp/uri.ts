// RTSP URIs (RFC 2326 §3.2; rtsps from RFC 7826; rtsph for RTSP over HTTP) and SDP control
// URLs: an aggregate URL controls the whole presentation, a track URL (".../trackID=1") one
// stream; relative controls are resolved against Content-Base (RFC 2326 §C.1.1).
import { RtspParseError } from './errors.js';

export type RtspScheme = 'rtsp' | 'rtsps' | 'rtsph';

export const DEFAULT_RTSP_PORTS: Readonly<Record<RtspScheme, number>> = { rtsp: 554, rtsps: 322, rtsph: 80 };

export interface RtspUri {
  scheme: RtspScheme;
  /** Host name or address; IPv6 literals keep their brackets ("[::1]"). */
  host: string;
  /** The explicit port, else the scheme's default. */
  port: number;
  /** Absolute path, at least "/", dot segments resolved, percent-encoding kept. */
  path: string;
  /** Query without the '?', '' when absent. */
  query: string;
  /** Percent-decoded user info, when present. */
  username?: string;
  password?: string;
}

function bad(message: string): never {
  throw new RtspParseError('BAD_URI', message);
}

export function parseRtspUri(text: string): RtspUri {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    bad(`not a URI: ${JSON.stringify(text.substring(0, 64))}`);
  }
  const scheme = url.protocol.substring(0, url.protocol.length - 1);
  if (scheme !== 'rtsp' && scheme !== 'rtsps' && scheme !== 'rtsph') bad(`not an RTSP URI scheme: ${scheme}`);
  if (url.hostname === '') bad('RTSP URI without host');
  const uri: RtspUri = {
    scheme,
    host: url.hostname,
    port: url.port === '' ? DEFAULT_RTSP_PORTS[scheme] : Number(url.port),
    path: url.pathname === '' ? '/' : url.pathname,
    query: url.search.startsWith('?') ? url.search.substring(1) : '',
  };
  try {
    if (url.username !== '') uri.username = decodeURIComponent(url.username);
    if (url.password !== '') uri.password = decodeURIComponent(url.password);
  } catch {
    bad('malformed percent-encoding in user info');
  }
  return uri;
}

/** Text form without user info; the port is written only when it is not the default. */
export function formatRtspUri(uri: RtspUri): string {
  const port = uri.port === DEFAULT_RTSP_PORTS[uri.scheme] ? '' : `:${uri.port}`;
  const path = uri.path.startsWith('/') ? uri.path : `/${uri.path}`;
  const query = uri.query === '' ? '' : `?${uri.query}`;
  return `${uri.scheme}://${uri.host}${port}${path}${query}`;
}

const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * The URL of an SDP a=control value. "*" (or no control) means the base itself; an absolute
 * URL stands alone; a relative one is appended to the base with one '/' between them, the way
 * cameras and ffmpeg do it (plain RFC 3986 resolution would drop the base's last segment when
 * Content-Base lacks its trailing slash); "/path" replaces the base's path.
 */
export function resolveControl(base: string, control: string | undefined): string {
  if (control === undefined || control === '' || control === '*') return base;
  if (ABSOLUTE.test(control)) return control;
  if (control.startsWith('/')) {
    try {
      return new URL(control, base).href;
    } catch {
      bad(`cannot resolve ${JSON.stringify(control)} against ${JSON.stringify(base)}`);
    }
  }
  return base.endsWith('/') ? `${base}${control}` : `${base}/${control}`;
}

export interface ControlTarget {
  /** The request URI without its track part (no trailing slash). */
  aggregate: string;
  /** Number of a ".../trackID=N" URI; undefined for the aggregate URI. */
  trackId?: number;
}

const TRACK_SUFFIX = /\/trackID=(\d{1,9})\/?$/i;

/** Splits a request URI into the presentation it names and the track, if any. */
export function splitTrackControl(uri: string): ControlTarget {
  const m = TRACK_SUFFIX.exec(uri);
  if (m === null) return { aggregate: uri.endsWith('/') ? uri.substring(0, uri.length - 1) : uri };
  return { aggregate: uri.substring(0, m.index), trackId: Number(m[1]) };
}

/** The control attribute the server puts in its SDP for track `trackId` (relative to Content-Base). */
export function trackControl(trackId: number): string {
  if (!Number.isInteger(trackId) || trackId < 0) throw new RangeError(`invalid track id ${trackId}`);
  return `trackID=${trackId}`;
}

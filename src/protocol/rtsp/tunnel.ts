// RTSP over HTTP (Apple's "Tunneling QuickTime RTSP and RTP over HTTP", required by the ONVIF
// Streaming spec's RTP/RTSP/HTTP/TCP transport): the client opens a GET connection that the
// server streams responses and interleaved media down, and a POST connection carrying base64
// RTSP requests up; both carry the same x-sessioncookie. The first request on a connection
// decides which one it is.
import { Buffer } from 'node:buffer';
import { ChunkQueue } from './chunk-queue.js';
import { RtspParseError } from './errors.js';
import { DEFAULT_HEAD_LIMITS, HeadScanner, parseHead, type HeadLimits } from './head.js';
import { RtspHeaders } from './header-map.js';
import type { RtspRequest, RtspResponse } from './message.js';
import { reasonPhrase } from './message.js';

export const TUNNEL_CONTENT_TYPE = 'application/x-rtsp-tunnelled';
export const SESSION_COOKIE_HEADER = 'x-sessioncookie';
/** WebSocket subprotocol of RTSP over WebSocket (ONVIF Streaming, "WebSocket transport"). */
export const ONVIF_WEBSOCKET_SUBPROTOCOL = 'rtsp.onvif.org';

export type ConnectionKind =
  /** Plain RTSP (or interleaved data): feed every byte, from the first, to an RtspReader. */
  | { kind: 'rtsp' }
  /** The tunnel's downstream half: answer with tunnelResponse(200), then write RTSP to it. */
  | { kind: 'tunnel-get'; sessionCookie: string; request: RtspRequest; headLength: number }
  /** The tunnel's upstream half: bytes after `headLength` go to a Base64Decoder. */
  | { kind: 'tunnel-post'; sessionCookie: string; request: RtspRequest; headLength: number }
  /** Some other HTTP request (e.g. a WebSocket upgrade); the head is parsed, nothing consumed. */
  | { kind: 'http'; request: RtspRequest; headLength: number };

const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const DOLLAR = 0x24;
const HTTP_PREFIX = Buffer.from('HTTP/', 'latin1');

/**
 * Classifies a connection from its first bytes; null until enough has arrived. An RTSP start
 * line is recognised from the version at its end, so only one line is needed for RTSP; an
 * HTTP request needs its whole head. Throws RtspParseError for overlong or malformed HTTP heads.
 */
export function detectConnection(bytes: Uint8Array, limits: HeadLimits = DEFAULT_HEAD_LIMITS): ConnectionKind | null {
  let start = 0;
  while (start < bytes.length && (bytes[start] === CR || bytes[start] === LF)) start++;
  if (start === bytes.length) return null;
  if (bytes[start] === DOLLAR) return { kind: 'rtsp' };

  const windowEnd = start + limits.maxStartLineBytes + 2;
  const lf = bytes.subarray(0, windowEnd).indexOf(LF, start);
  if (lf < 0) {
    if (bytes.length >= windowEnd) {
      throw new RtspParseError('START_LINE_TOO_LONG', `start line longer than ${limits.maxStartLineBytes} bytes`, {
        offset: start,
      });
    }
    return null;
  }
  let lineEnd = lf;
  if (lineEnd > start && bytes[lineEnd - 1] === CR) lineEnd--;
  const lastSpace = bytes.subarray(start, lineEnd).lastIndexOf(SPACE);
  const version = bytes.subarray(start + lastSpace + 1, lineEnd);
  if (lastSpace < 0 || !startsWith(version, HTTP_PREFIX)) return { kind: 'rtsp' };

  const queue = new ChunkQueue();
  queue.push(bytes.subarray(start));
  const scanned = new HeadScanner(limits).scan(queue, start);
  if (scanned < 0) return null;
  const head = parseHead(bytes.subarray(start, start + scanned), { allowHttp: true }, start);
  if (head.kind !== 'request') throw new RtspParseError('BAD_START_LINE', 'expected an HTTP request', { offset: start });
  const request: RtspRequest = {
    method: head.method,
    uri: head.uri,
    version: head.version,
    headers: head.headers,
    body: new Uint8Array(0),
  };
  const headLength = start + scanned;
  const cookie = head.headers.get(SESSION_COOKIE_HEADER);
  if (cookie !== undefined && cookie !== '') {
    const accepts = head.headers.getAll('Accept').join(',').toLowerCase();
    if (head.method === 'GET' && accepts.includes(TUNNEL_CONTENT_TYPE)) {
      return { kind: 'tunnel-get', sessionCookie: cookie, request, headLength };
    }
    if (head.method === 'POST') return { kind: 'tunnel-post', sessionCookie: cookie, request, headLength };
  }
  return { kind: 'http', request, headLength };
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** The HTTP response that opens (status 200) or refuses a tunnel GET; serialize with serializeResponse. */
export function tunnelResponse(status = 200): RtspResponse {
  const headers = new RtspHeaders([
    ['Connection', 'close'],
    ['Cache-Control', 'no-store'],
    ['Pragma', 'no-cache'],
  ]);
  if (status === 200) headers.append('Content-Type', TUNNEL_CONTENT_TYPE);
  return { version: 'HTTP/1.0', status, reason: reasonPhrase(status), headers, body: new Uint8Array(0) };
}

// Sextet value of each base64 character, -1 for everything else.
const SEXTET = new Int8Array(256).fill(-1);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
for (let i = 0; i < ALPHABET.length; i++) SEXTET[ALPHABET.charCodeAt(i)] = i;
const PAD = 0x3d; // '='

function isBase64Whitespace(code: number): boolean {
  return code === SPACE || code === 0x09 || code === CR || code === LF;
}

/**
 * Decodes the tunnel's POST body: base64 text split at arbitrary points, with whitespace
 * anywhere and padding in the middle (clients encode each RTSP message separately). Bytes come
 * out as soon as each 4-character group is complete. Invalid input throws BAD_BASE64, after
 * which the decoder stays failed.
 */
export class Base64Decoder {
  readonly #group = new Uint8Array(4);
  #count = 0;
  #padding = 0;
  #position = 0;
  #error: RtspParseError | undefined;

  /** Characters of an incomplete group held back until the rest arrives. */
  get pending(): number {
    return this.#count;
  }

  push(chunk: string | Uint8Array): Uint8Array {
    if (this.#error !== undefined) throw this.#error;
    const out = Buffer.allocUnsafe(Math.floor((this.#count + chunk.length) / 4) * 3);
    let written = 0;
    const isText = typeof chunk === 'string';
    for (let i = 0; i < chunk.length; i++, this.#position++) {
      const code = isText ? chunk.charCodeAt(i) : chunk[i]!;
      if (isBase64Whitespace(code)) continue;
      if (code === PAD) {
        if (this.#count < 2) this.#fail('"=" too early in a base64 group');
        this.#padding++;
        this.#group[this.#count++] = 0;
      } else {
        const sextet = code < 256 ? SEXTET[code]! : -1;
        if (sextet < 0) this.#fail(`invalid base64 character code ${code}`);
        if (this.#padding > 0) this.#fail('base64 data after "=" in the same group');
        this.#group[this.#count++] = sextet;
      }
      if (this.#count === 4) {
        const g = this.#group;
        const bits = (g[0]! << 18) | (g[1]! << 12) | (g[2]! << 6) | g[3]!;
        out[written++] = bits >>> 16;
        if (this.#padding < 2) out[written++] = (bits >>> 8) & 0xff;
        if (this.#padding < 1) out[written++] = bits & 0xff;
        this.#count = 0;
        this.#padding = 0;
      }
    }
    return out.subarray(0, written);
  }

  /** Call at end of stream: throws when a group was left incomplete. */
  finish(): void {
    if (this.#error !== undefined) throw this.#error;
    if (this.#count !== 0) this.#fail('base64 stream ends inside a group');
  }

  #fail(message: string): never {
    this.#error = new RtspParseError('BAD_BASE64', message, { offset: this.#position });
    throw this.#error;
  }
}

// RTSP/1.0 requests and responses (RFC 2326 §6, §7) and their serialization. Parsing lives in
// head.ts/reader.ts; this module owns the message shapes and the bytes we put on the wire.
import { Buffer } from 'node:buffer';
import { RtspHeaders, isToken } from './header-map.js';

export const RTSP_VERSION = 'RTSP/1.0';

export interface RtspRequest {
  method: string;
  /** Request-URI as sent: an absolute rtsp:// URI or `*`. */
  uri: string;
  version: string;
  headers: RtspHeaders;
  body: Uint8Array;
}

export interface RtspResponse {
  version: string;
  status: number;
  reason: string;
  headers: RtspHeaders;
  body: Uint8Array;
}

/** Reason phrases of every status code defined in RFC 2326 §7.1.1. */
export const RTSP_REASON_PHRASES: Readonly<Record<number, string>> = {
  100: 'Continue',
  200: 'OK',
  201: 'Created',
  250: 'Low on Storage Space',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Moved Temporarily',
  303: 'See Other',
  304: 'Not Modified',
  305: 'Use Proxy',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Time-out',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Large',
  415: 'Unsupported Media Type',
  451: 'Parameter Not Understood',
  452: 'Conference Not Found',
  453: 'Not Enough Bandwidth',
  454: 'Session Not Found',
  455: 'Method Not Valid in This State',
  456: 'Header Field Not Valid for Resource',
  457: 'Invalid Range',
  458: 'Parameter Is Read-Only',
  459: 'Aggregate Operation Not Allowed',
  460: 'Only Aggregate Operation Allowed',
  461: 'Unsupported Transport',
  462: 'Destination Unreachable',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Time-out',
  505: 'RTSP Version Not Supported',
  551: 'Option Not Supported',
};

/** The RFC 2326 phrase, or the generic phrase of the status class for extension codes. */
export function reasonPhrase(status: number): string {
  const known = RTSP_REASON_PHRASES[status];
  if (known !== undefined) return known;
  const generic = RTSP_REASON_PHRASES[Math.floor(status / 100) * 100];
  return generic ?? 'Unknown';
}

const VERSION = /^(?:RTSP\/\d\.\d|HTTP\/1\.[01])$/;
// eslint-disable-next-line no-control-regex
const URI_FORBIDDEN = /[\u0000-\u0020\u007f]/;
// eslint-disable-next-line no-control-regex
const REASON_FORBIDDEN = /[\u0000-\u0008\u000a-\u001f\u007f]/;

const EMPTY = new Uint8Array(0);

/** A request with an empty body; headers may be given as pairs or a record. */
export function createRequest(
  method: string,
  uri: string,
  headers?: Iterable<readonly [string, string]> | Record<string, string>,
  body: Uint8Array = EMPTY,
): RtspRequest {
  return { method, uri, version: RTSP_VERSION, headers: new RtspHeaders(headers), body };
}

/** A response with the standard reason phrase for `status`. */
export function createResponse(
  status: number,
  headers?: Iterable<readonly [string, string]> | Record<string, string>,
  body: Uint8Array = EMPTY,
): RtspResponse {
  return { version: RTSP_VERSION, status, reason: reasonPhrase(status), headers: new RtspHeaders(headers), body };
}

/**
 * Request bytes. Content-Length is always derived from the body (a Content-Length field in
 * `headers` is ignored) and omitted for an empty body, where RFC 2326 §12.14 implies 0.
 */
export function serializeRequest(req: RtspRequest): Buffer {
  if (!isToken(req.method)) throw new TypeError(`invalid RTSP method ${JSON.stringify(req.method)}`);
  if (req.uri.length === 0 || URI_FORBIDDEN.test(req.uri)) {
    throw new TypeError(`invalid Request-URI ${JSON.stringify(req.uri)}`);
  }
  checkVersion(req.version);
  return serialize(`${req.method} ${req.uri} ${req.version}\r\n`, req.headers, req.body);
}

/** Response bytes; an empty `reason` is replaced by the standard phrase. CSeq is the caller's. */
export function serializeResponse(res: RtspResponse): Buffer {
  checkVersion(res.version);
  if (!Number.isInteger(res.status) || res.status < 100 || res.status > 999) {
    throw new TypeError(`invalid RTSP status ${res.status}`);
  }
  const reason = res.reason === '' ? reasonPhrase(res.status) : res.reason;
  if (REASON_FORBIDDEN.test(reason)) throw new TypeError('RTSP reason phrase has a control character');
  return serialize(`${res.version} ${res.status} ${reason}\r\n`, res.headers, res.body);
}

function checkVersion(version: string): void {
  if (!VERSION.test(version)) throw new TypeError(`invalid protocol version ${JSON.stringify(version)}`);
}

function serialize(startLine: string, headers: RtspHeaders, body: Uint8Array): Buffer {
  let head = startLine;
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'content-length') head += `${name}: ${value}\r\n`;
  }
  if (body.length > 0) head += `Content-Length: ${body.length}\r\n`;
  head += '\r\n';
  const headLength = Buffer.byteLength(head, 'utf8');
  const out = Buffer.allocUnsafe(headLength + body.length);
  out.write(head, 0, 'utf8');
  out.set(body, headLength);
  return out;
}

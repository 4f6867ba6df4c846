// The "head" of an RTSP (or tunnel HTTP) message: start line, header fields, blank line.
// HeadScanner finds where a head ends inside a ChunkQueue while enforcing the size bounds as
// bytes arrive (a peer can never make us buffer more than the limits); parseHead turns the
// complete head into a start line and RtspHeaders. CRLF and bare LF line endings are accepted.
import { ChunkQueue } from './chunk-queue.js';
import { RtspParseError } from './errors.js';
import { RtspHeaders, isToken } from './header-map.js';

export interface HeadLimits {
  /** Longest start line, without its line ending. */
  maxStartLineBytes: number;
  /** Longest header block: every byte after the start line, including the blank line. */
  maxHeaderBytes: number;
  /** Most header lines (continuation lines count). */
  maxHeaderLines: number;
}

export const DEFAULT_HEAD_LIMITS: Readonly<HeadLimits> = {
  maxStartLineBytes: 4 * 1024,
  maxHeaderBytes: 16 * 1024,
  maxHeaderLines: 64,
};

const LF = 0x0a;
const CR = 0x0d;

/** Incremental search for the end of a head; remembers how far it got between pushes. */
export class HeadScanner {
  readonly #limits: HeadLimits;
  #searchFrom = 0;
  #lineStart = 0;
  #lineIndex = 0;
  #headerBytes = 0;

  constructor(limits: HeadLimits) {
    this.#limits = limits;
  }

  reset(): void {
    this.#searchFrom = 0;
    this.#lineStart = 0;
    this.#lineIndex = 0;
    this.#headerBytes = 0;
  }

  /**
   * Length of the complete head at the front of `queue`, or -1 when more bytes are needed.
   * Throws when a bound is exceeded; `streamOffset` (position of the queue's first byte in the
   * connection) only makes error offsets meaningful.
   */
  scan(queue: ChunkQueue, streamOffset = 0): number {
    for (;;) {
      const isStartLine = this.#lineIndex === 0;
      // The window holds the longest line the limits still allow, including its line ending.
      const window = isStartLine
        ? this.#limits.maxStartLineBytes + 2
        : this.#limits.maxHeaderBytes - this.#headerBytes;
      const windowEnd = this.#lineStart + window;
      const lf = queue.indexOf(LF, this.#searchFrom, windowEnd);
      if (lf < 0) {
        if (queue.length >= windowEnd) this.#tooLong(isStartLine, streamOffset + this.#lineStart);
        this.#searchFrom = Math.min(queue.length, windowEnd);
        return -1;
      }
      const lineLength = lf + 1 - this.#lineStart;
      const hasCr = lf > this.#lineStart && queue.byteAt(lf - 1) === CR;
      const contentLength = lineLength - 1 - (hasCr ? 1 : 0);
      if (isStartLine) {
        if (contentLength > this.#limits.maxStartLineBytes) this.#tooLong(true, streamOffset + this.#lineStart);
      } else {
        this.#headerBytes += lineLength;
        if (contentLength === 0) return lf + 1;
        if (this.#lineIndex > this.#limits.maxHeaderLines) {
          throw new RtspParseError(
            'TOO_MANY_HEADERS',
            `more than ${this.#limits.maxHeaderLines} header lines`,
            { offset: streamOffset + this.#lineStart },
          );
        }
      }
      this.#lineIndex++;
      this.#lineStart = lf + 1;
      this.#searchFrom = lf + 1;
    }
  }

  #tooLong(isStartLine: boolean, offset: number): never {
    if (isStartLine) {
      throw new RtspParseError('START_LINE_TOO_LONG', `start line longer than ${this.#limits.maxStartLineBytes} bytes`, {
        offset,
      });
    }
    throw new RtspParseError('HEADERS_TOO_LARGE', `header block larger than ${this.#limits.maxHeaderBytes} bytes`, {
      offset,
    });
  }
}

export type ParsedHead =
  | { kind: 'request'; method: string; uri: string; version: string; headers: RtspHeaders }
  | { kind: 'response'; version: string; status: number; reason: string; headers: RtspHeaders };

export interface ParseHeadOptions {
  /** Accept HTTP/1.0 and HTTP/1.1 start lines (first request of an RTSP-over-HTTP tunnel). */
  allowHttp?: boolean;
}

const decoder = new TextDecoder('utf-8');
const RTSP_VERSION_SYNTAX = /^RTSP\/\d+\.\d+$/;
const HTTP_VERSION = /^HTTP\/1\.[01]$/;

/** Parses a complete head as delimited by HeadScanner (it ends with an empty line). */
export function parseHead(bytes: Uint8Array, options: ParseHeadOptions = {}, streamOffset = 0): ParsedHead {
  checkBytes(bytes, streamOffset);
  const lines = decoder.decode(bytes).split('\n');
  const startLine = stripCr(lines[0] ?? '');
  const headers = parseFields(lines, streamOffset);
  const allowHttp = options.allowHttp === true;
  if (startLine.startsWith('RTSP/') || (allowHttp && startLine.startsWith('HTTP/'))) {
    return parseStatusLine(startLine, headers, allowHttp, streamOffset);
  }
  return parseRequestLine(startLine, headers, allowHttp, streamOffset);
}

/** Rejects control characters and bare CRs before any text decoding happens. */
function checkBytes(bytes: Uint8Array, streamOffset: number): void {
  let inStartLine = true;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b >= 0x20 && b !== 0x7f) continue;
    if (b === 0x09) continue;
    if (b === LF) {
      inStartLine = false;
      continue;
    }
    if (b === CR && bytes[i + 1] === LF) continue;
    const what = b === CR ? 'bare CR' : `control byte 0x${b.toString(16).padStart(2, '0')}`;
    throw new RtspParseError(inStartLine ? 'BAD_START_LINE' : 'BAD_HEADER', `${what} in message head`, {
      offset: streamOffset + i,
    });
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.substring(0, line.length - 1) : line;
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** Trims SP/HTAB only (String#trim also strips Unicode spaces, which are field content). */
export function trimOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isWhitespace(text.charCodeAt(start))) start++;
  while (end > start && isWhitespace(text.charCodeAt(end - 1))) end--;
  return text.substring(start, end);
}

function parseFields(lines: string[], streamOffset: number): RtspHeaders {
  const fields: Array<[string, string]> = [];
  // lines[0] is the start line; the head ends with "\n\n", so the last two entries are empty.
  for (let i = 1; i < lines.length - 2; i++) {
    const line = stripCr(lines[i]!);
    if (isWhitespace(line.charCodeAt(0))) {
      // obs-fold continuation line (RFC 2326 inherits HTTP/1.1 LWS): joins the previous value.
      const previous = fields[fields.length - 1];
      if (previous === undefined) {
        throw new RtspParseError('BAD_HEADER', 'continuation line before any header field', { offset: streamOffset });
      }
      const more = trimOws(line);
      if (more !== '') previous[1] = previous[1] === '' ? more : `${previous[1]} ${more}`;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.substring(0, colon);
    if (!isToken(name)) {
      throw new RtspParseError('BAD_HEADER', `malformed header line ${JSON.stringify(line.substring(0, 64))}`, {
        offset: streamOffset,
      });
    }
    fields.push([name, trimOws(line.substring(colon + 1))]);
  }
  return new RtspHeaders(fields);
}

function checkVersion(version: string, allowHttp: boolean, streamOffset: number): void {
  if (version === 'RTSP/1.0') return;
  if (allowHttp && HTTP_VERSION.test(version)) return;
  if (RTSP_VERSION_SYNTAX.test(version)) {
    throw new RtspParseError('UNSUPPORTED_VERSION', `unsupported version ${version}`, { offset: streamOffset });
  }
  throw new RtspParseError('BAD_START_LINE', `not an RTSP version: ${JSON.stringify(version.substring(0, 32))}`, {
    offset: streamOffset,
  });
}

function parseRequestLine(line: string, headers: RtspHeaders, allowHttp: boolean, streamOffset: number): ParsedHead {
  const parts = line.split(/[ \t]+/);
  const [method, uri, version] = parts;
  if (parts.length !== 3 || method === undefined || uri === undefined || version === undefined || !isToken(method)) {
    throw new RtspParseError('BAD_START_LINE', `malformed request line ${JSON.stringify(line.substring(0, 64))}`, {
      offset: streamOffset,
    });
  }
  if (uri === '') throw new RtspParseError('BAD_START_LINE', 'empty Request-URI', { offset: streamOffset });
  checkVersion(version, allowHttp, streamOffset);
  return { kind: 'request', method, uri, version, headers };
}

function parseStatusLine(line: string, headers: RtspHeaders, allowHttp: boolean, streamOffset: number): ParsedHead {
  const space = line.indexOf(' ');
  const version = space < 0 ? line : line.substring(0, space);
  checkVersion(version, allowHttp, streamOffset);
  const statusText = line.substring(space + 1, space + 4);
  const after = line.charAt(space + 4);
  if (space < 0 || !/^[1-9]\d\d$/.test(statusText) || (after !== '' && after !== ' ')) {
    throw new RtspParseError('BAD_START_LINE', `malformed status line ${JSON.stringify(line.substring(0, 64))}`, {
      offset: streamOffset,
    });
  }
  const reason = trimOws(line.substring(space + 5));
  return { kind: 'response', version, status: Number(statusText), reason, headers };
}

// Typed parse errors of the RTSP message layer. Each code is stable (servers, logs and tests
// match on it) and maps to exactly one RTSP status in STATUS_FOR_CODE, so the server never has
// to guess how to answer a request it could not parse. RtspParseError is a ParseError (the one
// error type of the protocol parsers) whose `code` is narrowed to the RTSP codes below.
import { ParseError } from '../codec/errors.js';

export type RtspParseErrorCode =
  // framing (reader.ts, head.ts)
  | 'START_LINE_TOO_LONG'
  | 'BAD_START_LINE'
  | 'UNSUPPORTED_VERSION'
  | 'HEADERS_TOO_LARGE'
  | 'TOO_MANY_HEADERS'
  | 'BAD_HEADER'
  | 'BAD_CONTENT_LENGTH'
  | 'BODY_TOO_LARGE'
  | 'MISSING_CSEQ'
  | 'DUPLICATE_CSEQ'
  | 'BAD_CSEQ'
  // header values (headers/*.ts)
  | 'BAD_TRANSPORT'
  | 'UNSUPPORTED_TRANSPORT'
  | 'BAD_RANGE'
  | 'BAD_SESSION'
  | 'BAD_RTP_INFO'
  | 'BAD_AUTH'
  | 'BAD_HEADER_VALUE'
  // URIs, tunnel, replay extension
  | 'BAD_URI'
  | 'BAD_BASE64'
  | 'BAD_REPLAY_EXTENSION'
  | 'TRUNCATED';

/**
 * The RTSP status a server answers with when a request fails with this code. Everything that
 * is a malformed request is 400; only conditions with a more specific RFC 2326 status differ.
 * Header floods answer 400 rather than HTTP's 431, which RTSP 1.0 does not define.
 */
const STATUS_FOR_CODE: Readonly<Record<RtspParseErrorCode, number>> = {
  START_LINE_TOO_LONG: 414,
  BAD_START_LINE: 400,
  UNSUPPORTED_VERSION: 505,
  HEADERS_TOO_LARGE: 400,
  TOO_MANY_HEADERS: 400,
  BAD_HEADER: 400,
  BAD_CONTENT_LENGTH: 400,
  BODY_TOO_LARGE: 413,
  MISSING_CSEQ: 400,
  DUPLICATE_CSEQ: 400,
  BAD_CSEQ: 400,
  BAD_TRANSPORT: 400,
  UNSUPPORTED_TRANSPORT: 461,
  BAD_RANGE: 400,
  BAD_SESSION: 400,
  BAD_RTP_INFO: 400,
  BAD_AUTH: 400,
  BAD_HEADER_VALUE: 400,
  BAD_URI: 400,
  BAD_BASE64: 400,
  BAD_REPLAY_EXTENSION: 400,
  TRUNCATED: 400,
};

/** Codes after which the server must answer without echoing a CSeq (it has none it can trust). */
const CODES_WITHOUT_CSEQ: ReadonlySet<string> = new Set(['MISSING_CSEQ', 'DUPLICATE_CSEQ', 'BAD_CSEQ']);

export interface RtspParseErrorDetails {
  /** Byte (or character) offset in the input where the problem was found; 0 when unknown. */
  offset?: number;
  /** How many more bytes a truncated input needed. */
  needed?: number;
}

export class RtspParseError extends ParseError {
  declare readonly code: RtspParseErrorCode;

  constructor(code: RtspParseErrorCode, message: string, details: RtspParseErrorDetails = {}) {
    super(code, message, { offset: details.offset ?? 0, needed: details.needed });
    this.name = 'RtspParseError';
  }
}

export function isRtspParseError(err: unknown): err is RtspParseError {
  return err instanceof RtspParseError;
}

/** RTSP status for any error carrying a `code` (unknown codes and non-errors: 400). */
export function statusForParseError(err: unknown): number {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && Object.hasOwn(STATUS_FOR_CODE, code)) {
    return STATUS_FOR_CODE[code as RtspParseErrorCode];
  }
  return 400;
}

/** False when the error means the request's CSeq is missing or untrustworthy, so the reply carries none. */
export function canEchoCSeq(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return !(typeof code === 'string' && CODES_WITHOUT_CSEQ.has(code));
}

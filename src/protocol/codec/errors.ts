/**
 * The one error type thrown by the I/O-free protocol parsers (codecs, SDP, RTP, RTSP).
 *
 * `code` is a stable string callers may switch on ('TRUNCATED', 'INVALID', 'TOO_LARGE',
 * 'UNSUPPORTED', or a module-specific code such as 'RTP_TRUNCATED'); the message is for humans.
 * `offset` is the byte offset in the input where the problem was found and `needed`, when known,
 * how many more bytes would have been required. Streaming parsers signal "need more data" with a
 * return value instead; throwing TRUNCATED means the input was supposed to be complete.
 */
export interface ParseErrorDetails {
  /** Byte offset in the parsed input where the problem was detected. */
  offset: number;
  /** For truncation: how many more bytes were needed, when that is known. */
  needed?: number;
}

export class ParseError extends Error {
  readonly code: string;
  readonly offset: number;
  readonly needed: number | undefined;

  constructor(code: string, message: string, details: ParseErrorDetails) {
    super(message);
    this.name = 'ParseError';
    this.code = code;
    this.offset = details.offset;
    this.needed = details.needed;
  }
}

/** True when `err` is a ParseError, optionally with the given code. */
export function isParseError(err: unknown, code?: string): err is ParseError {
  return err instanceof ParseError && (code === undefined || err.code === code);
}

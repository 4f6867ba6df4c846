// Session header (RFC 2326 §12.37): `Session: <id>[;timeout=<seconds>]`.
import { RtspParseError } from '../errors.js';
import { isToken, parseDigits, splitOutsideQuotes, splitParameter } from './tokens.js';

export interface SessionHeader {
  id: string;
  /** Seconds of inactivity after which the server may drop the session. */
  timeout?: number;
}

/** Longest session id accepted: ids are server-made, so anything longer is not ours. */
export const MAX_SESSION_ID_LENGTH = 256;

function bad(message: string): never {
  throw new RtspParseError('BAD_SESSION', message);
}

// RFC 2326 allows ALPHA, DIGIT and "$-_.+"; token characters are accepted as well because
// some peers use them, but never separators, so the id cannot smuggle parameters.
function isSessionId(id: string): boolean {
  return id.length > 0 && id.length <= MAX_SESSION_ID_LENGTH && isToken(id);
}

export function parseSession(value: string): SessionHeader {
  const [id, ...params] = splitOutsideQuotes(value, ';', 'BAD_SESSION');
  if (id === undefined || !isSessionId(id)) bad('malformed session id');
  const session: SessionHeader = { id };
  for (const param of params) {
    const { name, value: paramValue } = splitParameter(param);
    if (name.toLowerCase() !== 'timeout') continue; // unknown parameters are ignored
    const timeout = parseDigits(paramValue, 9);
    if (timeout === undefined || session.timeout !== undefined) bad('malformed session timeout');
    session.timeout = timeout;
  }
  return session;
}

export function serializeSession(session: SessionHeader): string {
  if (!isSessionId(session.id)) throw new TypeError(`invalid session id ${JSON.stringify(session.id)}`);
  if (session.timeout === undefined) return session.id;
  if (!Number.isInteger(session.timeout) || session.timeout < 0 || session.timeout > 999_999_999) {
    throw new RangeError(`invalid session timeout ${session.timeout}`);
  }
  return `${session.id};timeout=${session.timeout}`;
}

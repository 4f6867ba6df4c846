// RTP-Info header (RFC 2326 §12.33): for each stream of a PLAY, its URL and the sequence number
// and RTP timestamp of the first packet, so the client can map RTP time to the Range start.
// URLs may themselves contain ',' and ';', so entries are split only where a new "url=" begins
// and parameters only where a "name=" follows the ';'.
import { RtspParseError } from '../errors.js';
import { parseDigits, trimOws } from './tokens.js';

export interface RtpInfoEntry {
  url: string;
  /** Sequence number of the first packet (16-bit). */
  seq?: number;
  /** RTP timestamp of the first packet (32-bit). */
  rtptime?: number;
}

function bad(message: string): never {
  throw new RtspParseError('BAD_RTP_INFO', message);
}

const ENTRY_START = /,[ \t]*url[ \t]*=/gi;
const PARAM_START = /;[ \t]*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)[ \t]*=/g;

function splitAt(text: string, boundary: RegExp): string[] {
  const parts: string[] = [];
  let start = 0;
  boundary.lastIndex = 0;
  for (let m = boundary.exec(text); m !== null; m = boundary.exec(text)) {
    parts.push(text.substring(start, m.index));
    start = m.index + 1; // keep everything after the separator character
  }
  parts.push(text.substring(start));
  return parts.map(trimOws);
}

export function parseRtpInfo(value: string): RtpInfoEntry[] {
  const entries: RtpInfoEntry[] = [];
  for (const entryText of splitAt(value, ENTRY_START)) {
    const [first, ...params] = splitAt(entryText, PARAM_START);
    const eq = first!.indexOf('=');
    if (eq < 0 || trimOws(first!.substring(0, eq)).toLowerCase() !== 'url') bad('RTP-Info entry without url');
    const url = trimOws(first!.substring(eq + 1));
    if (url === '') bad('empty RTP-Info url');
    const entry: RtpInfoEntry = { url };
    for (const param of params) {
      const at = param.indexOf('=');
      const name = trimOws(param.substring(0, at)).toLowerCase();
      const text = trimOws(param.substring(at + 1));
      if (name === 'seq') {
        const seq = parseDigits(text, 5);
        if (seq === undefined || seq > 0xffff || entry.seq !== undefined) bad('malformed seq');
        entry.seq = seq;
      } else if (name === 'rtptime') {
        const rtptime = parseDigits(text, 10);
        if (rtptime === undefined || rtptime > 0xffffffff || entry.rtptime !== undefined) bad('malformed rtptime');
        entry.rtptime = rtptime;
      }
      // Other parameters (e.g. RFC 7826's ssrc) are ignored.
    }
    entries.push(entry);
  }
  return entries;
}

// eslint-disable-next-line no-control-regex
const URL_FORBIDDEN = /[\u0000-\u0020\u007f]/;

export function serializeRtpInfo(entries: readonly RtpInfoEntry[]): string {
  if (entries.length === 0) throw new TypeError('RTP-Info needs at least one entry');
  return entries
    .map((entry) => {
      // A url that looks like an entry or parameter boundary could not be parsed back.
      const ambiguous = hasMatch(ENTRY_START, entry.url) || hasMatch(PARAM_START, entry.url);
      if (entry.url === '' || URL_FORBIDDEN.test(entry.url) || ambiguous) {
        throw new TypeError(`RTP-Info url ${JSON.stringify(entry.url)} cannot be serialized unambiguously`);
      }
      let text = `url=${entry.url}`;
      if (entry.seq !== undefined) text += `;seq=${checked(entry.seq, 0xffff)}`;
      if (entry.rtptime !== undefined) text += `;rtptime=${checked(entry.rtptime, 0xffffffff)}`;
      return text;
    })
    .join(',');
}

function hasMatch(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  const found = pattern.test(text);
  pattern.lastIndex = 0;
  return found;
}

function checked(n: number, max: number): number {
  if (!Number.isInteger(n) || n < 0 || n > max) throw new RangeError(`RTP-Info value ${n} is not 0..${max}`);
  return n;
}

// Lexing shared by the header parsers: lists split outside quoted strings, quoted-string
// decoding with backslash escapes (RFC 2616 §2.2, which RFC 2326 uses), and quoting.
import { RtspParseError, type RtspParseErrorCode } from '../errors.js';
import { trimOws } from '../head.js';

export { isToken } from '../header-map.js';
export { trimOws };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Splits `value` at `separator` wherever it is not inside a quoted string; parts are trimmed
 * of SP/HTAB. An unterminated quoted string throws `code`.
 */
export function splitOutsideQuotes(value: string, separator: string, code: RtspParseErrorCode): string[] {
  const sep = separator.charCodeAt(0);
  const parts: string[] = [];
  let inQuotes = false;
  let partStart = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (inQuotes) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inQuotes = false;
    } else if (c === QUOTE) {
      inQuotes = true;
    } else if (c === sep) {
      parts.push(trimOws(value.substring(partStart, i)));
      partStart = i + 1;
    }
  }
  if (inQuotes) throw new RtspParseError(code, 'unterminated quoted string');
  parts.push(trimOws(value.substring(partStart)));
  return parts;
}

/**
 * Reads a quoted string starting at `start` (which must be a '"'); returns the unescaped text
 * and the index just past the closing quote.
 */
export function readQuotedString(text: string, start: number, code: RtspParseErrorCode): { value: string; end: number } {
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return { value, end: i + 1 };
    if (c === BACKSLASH) {
      i++;
      if (i >= text.length) break;
    }
    const ch = text.charCodeAt(i);
    if ((ch < 0x20 && ch !== 0x09) || ch === 0x7f) throw new RtspParseError(code, 'control character in quoted string');
    value += text[i];
  }
  throw new RtspParseError(code, 'unterminated quoted string', { offset: start });
}

/** A whole parameter value: a quoted string (unescaped) or the trimmed text as is. */
export function unquote(text: string, code: RtspParseErrorCode): string {
  if (text.charCodeAt(0) !== QUOTE) return text;
  const { value, end } = readQuotedString(text, 0, code);
  if (end !== text.length) throw new RtspParseError(code, 'text after quoted string');
  return value;
}

/** Quotes `text` as a quoted-string, escaping '"' and '\'. */
export function quote(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(text)) throw new TypeError('control character in quoted value');
  return `"${text.replace(/["\\]/g, (m) => `\\${m}`)}"`;
}

/** Splits `name=value` at the first '='; value is undefined when there is no '='. */
export function splitParameter(part: string): { name: string; value: string | undefined } {
  const eq = part.indexOf('=');
  if (eq < 0) return { name: part, value: undefined };
  return { name: trimOws(part.substring(0, eq)), value: trimOws(part.substring(eq + 1)) };
}

/** Non-negative integer of at most `maxDigits` digits, else undefined. */
export function parseDigits(text: string | undefined, maxDigits = 10): number | undefined {
  if (text === undefined || text.length === 0 || text.length > maxDigits) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  return Number(text);
}

/**
 * Character-level machinery of the XML parser (parse.ts): name-character tables, the sets of
 * characters where text and attribute-value runs stop, forbidden characters, and the typed-array
 * copy of the document the parser reads its characters from.
 */
// XML 1.0 Name (approximated to BMP ranges; astral characters are rare in SOAP names). ZWNJ/ZWJ
// (U+200C/D) are NameStartChars by the XML grammar, hence the rule exception.
// eslint-disable-next-line no-misleading-character-class
export const NAME_RE = /[A-Za-z_:\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD][A-Za-z0-9_:.\-\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C\u200D\u203F\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]*/y;

/** ASCII name characters: 1 = may start a name, 2 = may only continue one. */
export const ASCII_NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a) ASCII_NAME[c] = 1;
  else if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e) ASCII_NAME[c] = 2;
}
/** ASCII name characters other than ':' (names are scanned in runs between colons). */
export const ASCII_NAME_NO_COLON = ASCII_NAME.map((t, c) => (c === 0x3a ? 0 : t));
// Characters XML 1.0 forbids anywhere (C0 controls other than tab/CR/LF, U+FFFE/FFFF). Instead of
// a scan of the whole document up front, every stretch of text, attribute value, comment, CDATA
// section and PI is checked as it is read (names and markup admit none of these characters), and
// an error in a document that holds one is reported as that character, as a scan up front would.
// eslint-disable-next-line no-control-regex
export const FORBIDDEN_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
// eslint-disable-next-line no-control-regex
export const FORBIDDEN_FROM_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
// Where plain character data stops: markup, a reference, a possible ']]>' or a forbidden
// character; and where a plain attribute value stops: its quote, '<', a reference, or a character
// to normalize or refuse. Each set twice: as a bit in STOP, a table over all UTF-16 code units,
// for the first SHORT_RUN characters, checked in JavaScript (a regex call costs more than that),
// and as a global regex, used with lastIndex + test() (no match object, no substring), for the rest
// of longer runs.
const SHORT_RUN = 32;
export const TEXT_STOP = 1;
export const DQ_VALUE_STOP = 2;
export const SQ_VALUE_STOP = 4;
const STOP = new Uint8Array(0x10000);
for (let c = 0; c < 0x20; c++) STOP[c] = c === 0x09 || c === 0x0a || c === 0x0d ? DQ_VALUE_STOP | SQ_VALUE_STOP : TEXT_STOP | DQ_VALUE_STOP | SQ_VALUE_STOP;
STOP[0xfffe] = STOP[0xffff] = STOP[0x3c] = STOP[0x26] = TEXT_STOP | DQ_VALUE_STOP | SQ_VALUE_STOP; // also '<' and '&'
STOP[0x5d] = TEXT_STOP; // ']'
STOP[0x22] = DQ_VALUE_STOP;
STOP[0x27] = SQ_VALUE_STOP;
// eslint-disable-next-line no-control-regex
export const TEXT_STOP_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F<&\]\uFFFE\uFFFF]/g;
// eslint-disable-next-line no-control-regex
export const DQ_VALUE_STOP_RE = /[\u0000-\u001F"<&\uFFFE\uFFFF]/g;
// eslint-disable-next-line no-control-regex
export const SQ_VALUE_STOP_RE = /[\u0000-\u001F'<&\uFFFE\uFFFF]/g;

/**
 * The document's UTF-16 code units, copied natively into a typed array kept from one document to
 * the next: V8 reads a typed array element in a fraction of the time String#charCodeAt takes, and
 * the parser visits characters one by one in names, whitespace and short runs. A 0 follows the last
 * unit (a sentinel: no scanning loop goes on over NUL), and the units are zeroed once the document
 * is parsed, so that none of its content stays behind.
 */
let units: Uint16Array = new Uint16Array(8192);
let unitBytes = Buffer.from(units.buffer);
/** Documents shorter than this keep a grown array for the next ones. */
const MAX_KEPT_UNITS = 1 << 20;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Zeroes what loadUnits put in `u` for `s`, if `u` is the shared array kept for the next document. */
export function releaseUnits(u: Uint16Array, s: string): void {
  if (u === units) u.fill(0, 0, s.length);
}

export function loadUnits(s: string): Uint16Array {
  const n = s.length;
  let array = units;
  let bytes = unitBytes;
  if (n >= array.length) {
    array = new Uint16Array(Math.max(n + 1, 2 * array.length));
    bytes = Buffer.from(array.buffer);
    if (n < MAX_KEPT_UNITS) {
      units = array;
      unitBytes = bytes;
    }
  }
  bytes.write(s, 0, 'utf16le');
  if (!LITTLE_ENDIAN) bytes.subarray(0, 2 * n).swap16();
  array[n] = 0;
  return array;
}

/**
 * Index of the first character at or after `from` in the set `stop` (a STOP bit); `re` finds the
 * same characters in `s`. The sentinel (in every set) stops the scan at the latest.
 */
export function stopAt(s: string, u: Uint16Array, from: number, stop: number, re: RegExp): number {
  const limit = from + SHORT_RUN;
  for (let i = from; i < limit; i++) if ((STOP[u[i]!]! & stop) !== 0) return i;
  re.lastIndex = limit;
  return re.test(s) ? re.lastIndex - 1 : s.length;
}

/** Whether u[start, end) is `xmlns` or `xmlns:…` (a namespace declaration's attribute name). */
export function isNsDeclarationAt(u: Uint16Array, start: number, end: number): boolean {
  // Each unit is read only if the previous ones matched name characters, so never past `end`.
  return u[start] === 0x78 && u[start + 1] === 0x6d && u[start + 2] === 0x6c && u[start + 3] === 0x6e && u[start + 4] === 0x73 && (end - start === 5 || u[start + 5] === 0x3a);
}


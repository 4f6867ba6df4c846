/**
 * Bounded, namespace-aware XML parsing into `XmlElement` trees. Written for SOAP, where every
 * request is parsed: a single pass that reads characters from a typed-array copy of the document
 * (much cheaper in V8 than String#charCodeAt) and leaves long stretches to native scans (indexOf,
 * global regexes with lastIndex, string equality). Hostile input is refused rather than processed:
 * any DOCTYPE (so no entity expansion of any kind), undefined entities, too many elements or
 * attributes, too deep nesting, too much text. All failures are `XmlParseError`s.
 */
import { XmlAttributes, type XmlElement } from './dom.js';
import { knownValue, NsScope } from './ns-scope.js';
import {
  ASCII_NAME, ASCII_NAME_NO_COLON, DQ_VALUE_STOP, DQ_VALUE_STOP_RE, FORBIDDEN_FROM_RE, FORBIDDEN_RE, isNsDeclarationAt, loadUnits,
  NAME_RE, releaseUnits, SQ_VALUE_STOP, SQ_VALUE_STOP_RE, stopAt, TEXT_STOP, TEXT_STOP_RE,
} from './scan.js';

export interface XmlLimits {
  maxDepth: number;
  maxElements: number;
  maxTextLength: number;
  maxAttributes: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxDepth: 64,
  maxElements: 20_000,
  maxTextLength: 1_000_000,
  maxAttributes: 64,
};

export class XmlParseError extends Error {
  readonly code: 'MALFORMED' | 'DOCTYPE' | 'LIMIT';
  readonly offset: number;
  constructor(code: XmlParseError['code'], message: string, offset = 0) {
    super(message);
    this.name = 'XmlParseError';
    this.code = code;
    this.offset = offset;
  }
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
// Regular expressions live at module level: a literal inside a function is a new object per call.
const DECLARATION_RE = /^\s+version\s*=\s*(["'])1\.[0-9]+\1(\s+encoding\s*=\s*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*$/;
/** The declaration (between `<?xml` and `?>`) clients send nearly always; DECLARATION_RE accepts it. */
const COMMON_DECLARATION = ' version="1.0" encoding="UTF-8"';
const NOT_WS_RE = /[^ \t\r\n]/;
const ATTR_WS_RE = /[\t\r\n]/;
const ATTR_WS_ALL_RE = /\r\n|[\t\r\n]/g;
const ENTITY_RE = /&([^;&]*);?/g;
const DEC_REF_RE = /^#[0-9]{1,7}$/;
const HEX_REF_RE = /^#x[0-9A-Fa-f]{1,6}$/;
const DECL_END_RE = /[\s?]/;
const PI_WS_RE = /^[ \t\r\n]/;
/** Shared by every element without attributes (the tree is read-only to its users). */
const NO_ATTRS = new XmlAttributes([]);
/** Children of an element until it closes (it then gets its own array, sized to fit). */
const NO_CHILDREN_YET: XmlElement[] = [];

interface Element {
  ns: string;
  name: string;
  attrs: XmlAttributes;
  children: XmlElement[];
  text: string;
  nsScope: NsScope;
}

const ROOT_SCOPE = new NsScope(undefined, ['xml', XML_NS]);

export function parseXml(input: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  return new Parser(input, limits).parse();
}

/** Kinds of attribute kept beside its name: ≥ 0 is the prefix colon's index in the name. */
const UNPREFIXED = -1;
const BAD_QNAME = -2;
const NS_DECLARATION = -3;

// Numbers the parser keeps per open element and per attribute, in typed arrays shared by all
// documents (parsing is never re-entered): unlike arrays made per document they need not grow
// afresh each time, and unlike arrays kept in the old generation they cost no write barriers.
let openInfo: Int32Array = new Int32Array(3 * 64);
let attrKinds: Int32Array = new Int32Array(64);

function grown(array: Int32Array, needed: number): Int32Array {
  const bigger = new Int32Array(Math.max(needed, 2 * array.length));
  bigger.set(array);
  return bigger;
}

class Parser {
  readonly #s: string;
  /** The code units of #s (see loadUnits). */
  readonly #u: Uint16Array;
  /**
   * The limits, read once and before anything else: no code of the caller's (a getter) may run
   * mid-parse and re-enter the parser, whose working arrays are shared.
   */
  readonly #maxDepth: number;
  readonly #maxElements: number;
  readonly #maxTextLength: number;
  readonly #maxAttributes: number;
  #elements = 0;
  #text = 0;
  #depth = 0;
  /**
   * Open elements, each followed by its children closed so far (a closing element stays where it
   * is, as a closed child of its parent), `#top` long; the element open at depth d is at
   * `#stack[openInfo[3d]]`, and its qualified name at s[openInfo[3d + 1], openInfo[3d + 2]).
   */
  readonly #stack: Element[] = [];
  #top = 0;
  /** Attributes of the start tag being read: names and values (their kinds are in attrKinds). */
  readonly #attrNames: string[] = [];
  readonly #attrValues: string[] = [];
  /** Set by #nameEnd: index of the name's prefix colon, UNPREFIXED or BAD_QNAME. */
  #colon = UNPREFIXED;
  #root: Element | undefined;

  constructor(s: string, limits: XmlLimits) {
    this.#maxDepth = limits.maxDepth;
    this.#maxElements = limits.maxElements;
    this.#maxTextLength = limits.maxTextLength;
    this.#maxAttributes = limits.maxAttributes;
    this.#s = s;
    this.#u = loadUnits(s);
  }

  #fail(message: string, at: number, code: XmlParseError['code'] = 'MALFORMED'): never {
    const s = this.#s;
    if (FORBIDDEN_RE.test(s)) {
      const f = s.search(FORBIDDEN_RE);
      throw new XmlParseError('MALFORMED', `forbidden control character (at offset ${f})`, f);
    }
    throw new XmlParseError(code, `${message} (at offset ${at})`, at);
  }

  /** Refuses forbidden characters in s[from, to). */
  #checkChars(from: number, to: number): void {
    FORBIDDEN_FROM_RE.lastIndex = from;
    if (FORBIDDEN_FROM_RE.test(this.#s) && FORBIDDEN_FROM_RE.lastIndex <= to) this.#fail('forbidden control character', FORBIDDEN_FROM_RE.lastIndex - 1);
  }

  /** The qualified name of the element open at depth `d`. */
  #openName(d: number): string {
    return this.#s.substring(openInfo[3 * d + 1]!, openInfo[3 * d + 2]!);
  }

  /** The element the character data and children being read belong to. */
  #current(): Element {
    return this.#stack[openInfo[3 * this.#depth - 3]!]!;
  }

  parse(): XmlElement {
    try {
      return this.#document();
    } finally {
      releaseUnits(this.#u, this.#s);
    }
  }

  #document(): XmlElement {
    const s = this.#s;
    const u = this.#u;
    const n = s.length;
    let i = u[0] === 0xfeff ? 1 : 0;
    if (s.startsWith('<?xml', i)) {
      if (u[i + 5] === 0x20 || DECL_END_RE.test(s.charAt(i + 5))) i = this.#declaration(i);
    }
    while (i < n) {
      if (u[i] !== 0x3c /* < */) {
        const lt = this.#chars(i);
        if (lt >= n) break;
        i = lt;
      }
      const c = u[i + 1];
      if (c === 0x2f /* / */) i = this.#endTag(i);
      else if (c === 0x21 /* ! */) i = this.#bang(i);
      else if (c === 0x3f /* ? */) i = this.#pi(i);
      else i = this.#startTag(i);
    }
    if (this.#depth > 0) this.#fail(`unclosed element <${this.#openName(this.#depth - 1)}>`, i);
    if (!this.#root) this.#fail('no root element', i);
    return this.#root;
  }

  /** Reads the XML declaration at `at`; returns the position after it. */
  #declaration(at: number): number {
    const s = this.#s;
    const end = s.indexOf('?>', at);
    if (end < 0) this.#fail('unterminated XML declaration', at);
    const decl = s.substring(at + 5, end);
    if (decl !== COMMON_DECLARATION) {
      if (!DECLARATION_RE.test(decl)) this.#fail('malformed XML declaration', at);
      this.#checkChars(at + 5, end);
    }
    return end + 2;
  }

  /** Reads character data starting at `from`; returns the position of the next '<' (or the end). */
  #chars(from: number): number {
    const s = this.#s;
    const depth = this.#depth;
    if (depth > 0) {
      // Plain text (no references, no ']', nothing to refuse) ends at its first stop character.
      const stop = stopAt(s, this.#u, from, TEXT_STOP, TEXT_STOP_RE);
      if (this.#u[stop] === 0x3c /* < */) {
        this.#addText(s.substring(from, stop), from);
        return stop;
      }
    }
    const lt = s.indexOf('<', from);
    const to = lt < 0 ? s.length : lt;
    const raw = s.substring(from, to);
    if (depth === 0) {
      if (NOT_WS_RE.test(raw)) this.#fail(this.#root ? 'content after the root element' : 'text before the root element', from);
      return to;
    }
    this.#checkChars(from, to);
    if (raw.includes(']]>')) this.#fail("']]>' in character data", from);
    this.#addText(raw.includes('&') ? this.#decode(raw, from) : raw, from);
    return to;
  }

  #addText(t: string, at: number): void {
    this.#text += t.length;
    if (this.#text > this.#maxTextLength) this.#fail('text content too long', at, 'LIMIT');
    this.#current().text += t;
  }

  #decode(raw: string, at: number): string {
    return raw.replace(ENTITY_RE, (m, ref: string) => {
      if (!m.endsWith(';')) this.#fail('unterminated entity reference', at);
      switch (ref) {
        case 'lt':
          return '<';
        case 'gt':
          return '>';
        case 'amp':
          return '&';
        case 'quot':
          return '"';
        case 'apos':
          return "'";
      }
      let cp = NaN;
      if (DEC_REF_RE.test(ref)) cp = parseInt(ref.substring(1), 10);
      else if (HEX_REF_RE.test(ref)) cp = parseInt(ref.substring(2), 16);
      const valid = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
      if (!valid) this.#fail(ref.startsWith('#') ? `invalid character reference &${ref};` : `undefined entity &${ref};`, at);
      return String.fromCodePoint(cp);
    });
  }

  /** End of the name starting at `start`; sets #colon to where its prefix ends (relative to `start`). */
  #nameEnd(start: number): number {
    // ASCII fast path (every name in practice); anything else goes through the full grammar.
    const u = this.#u;
    let i = start;
    let c = u[i]!;
    if (c < 128 && ASCII_NAME[c] === 1) {
      // Runs of name characters between colons; a QName has at most one, neither first nor last.
      let colon = c === 0x3a ? BAD_QNAME : UNPREFIXED;
      for (;;) {
        for (c = u[++i]!; c < 128 && ASCII_NAME_NO_COLON[c] !== 0; c = u[++i]!);
        if (c !== 0x3a) break;
        colon = colon === UNPREFIXED ? i - start : BAD_QNAME;
      }
      if (c < 0x80) {
        this.#colon = colon === i - start - 1 ? BAD_QNAME : colon;
        return i;
      }
    }
    const s = this.#s;
    NAME_RE.lastIndex = start;
    if (!NAME_RE.test(s)) this.#fail('expected a name', start);
    const end = NAME_RE.lastIndex;
    const name = s.substring(start, end);
    const colon = name.indexOf(':');
    this.#colon = colon < 0 ? UNPREFIXED : colon === 0 || colon === name.length - 1 || name.indexOf(':', colon + 1) >= 0 ? BAD_QNAME : colon;
    return end;
  }

  /** Reads the start tag at `lt`; returns the position after it. */
  #startTag(lt: number): number {
    const s = this.#s;
    const u = this.#u;
    const depth = this.#depth;
    if (depth === 0 && this.#root) this.#fail('more than one root element', lt);
    if (++this.#elements > this.#maxElements) this.#fail(`more than ${this.#maxElements} elements`, lt, 'LIMIT');
    if (depth >= this.#maxDepth) this.#fail(`nesting deeper than ${this.#maxDepth}`, lt, 'LIMIT');
    const nameEnd = this.#nameEnd(lt + 1);
    const colon = this.#colon;
    let i = nameEnd;
    // Attributes as names, values and kinds in arrays reused across the document's elements.
    const names = this.#attrNames;
    const values = this.#attrValues;
    let kinds = attrKinds;
    let n = 0;
    let selfClosing = false;
    let declarations = 0;
    for (;;) {
      const wsStart = i;
      let c = u[i]!;
      while (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) c = u[++i]!;
      if (c === 0x3e /* > */) {
        i++;
        break;
      }
      if (c === 0x2f /* / */ && u[i + 1] === 0x3e) {
        i += 2;
        selfClosing = true;
        break;
      }
      if (i >= s.length) this.#fail(`unterminated start tag <${s.substring(lt + 1, nameEnd)}>`, i);
      if (i === wsStart) this.#fail('expected whitespace between attributes', i);
      const nameStart = i;
      i = this.#nameEnd(i);
      const an = s.substring(nameStart, i);
      const kind = isNsDeclarationAt(u, nameStart, i) ? NS_DECLARATION : this.#colon;
      for (c = u[i]!; c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d; c = u[++i]!);
      if (c !== 0x3d /* = */) this.#fail(`attribute ${an} without a value`, i);
      for (c = u[++i]!; c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d; c = u[++i]!);
      if (c !== 0x22 && c !== 0x27) this.#fail(`attribute ${an} value is not quoted`, i);
      const end = s.indexOf(c === 0x22 ? '"' : "'", i + 1);
      // A known value is plain (nothing to decode, normalize or refuse); any other is checked.
      let v = end > i + 1 ? knownValue(s, i + 1, end) : end < 0 ? undefined : '';
      if (v === undefined) {
        const stop = c === 0x22 ? stopAt(s, u, i + 1, DQ_VALUE_STOP, DQ_VALUE_STOP_RE) : stopAt(s, u, i + 1, SQ_VALUE_STOP, SQ_VALUE_STOP_RE);
        v = stop === end ? s.substring(i + 1, end) : this.#unusualValue(an, i, end);
      }
      i = end + 1;
      if (n >= this.#maxAttributes) this.#fail(`more than ${this.#maxAttributes} attributes`, i, 'LIMIT');
      for (let k = 0; k < n; k++) if (names[k] === an) this.#fail(`duplicate attribute ${an}`, i);
      if (kind === NS_DECLARATION) declarations++;
      if (n === kinds.length) kinds = attrKinds = grown(kinds, n + 1);
      names[n] = an;
      values[n] = v;
      kinds[n++] = kind;
    }
    const parentScope = depth > 0 ? this.#current().nsScope : ROOT_SCOPE;
    let scope = parentScope;
    if (declarations > 0) {
      const bindings = new Array<string>(2 * declarations);
      let b = 0;
      for (let k = 0; k < n; k++) {
        if (kinds[k] !== NS_DECLARATION) continue;
        const an = names[k]!;
        const v = values[k]!;
        const p = an.length === 5 ? '' : an.substring(6);
        if (p === 'xmlns' || (p === 'xml' && v !== XML_NS) || (p !== 'xml' && v === XML_NS) || v === XMLNS_NS) this.#fail(`reserved namespace binding ${an}`, i);
        if (p !== '' && v === '') this.#fail(`prefix ${p} cannot be undeclared in XML 1.0`, i);
        bindings[b++] = p;
        bindings[b++] = v;
      }
      scope = new NsScope(parentScope, bindings);
    }
    let ns: string;
    let local: string;
    if (colon === UNPREFIXED) {
      local = s.substring(lt + 1, nameEnd);
      ns = scope.get('') ?? '';
    } else {
      if (colon === BAD_QNAME) this.#fail(`malformed name ${s.substring(lt + 1, nameEnd)}`, i);
      local = s.substring(lt + 2 + colon, nameEnd);
      ns = scope.getAt(u, lt + 1, colon) ?? this.#fail(`unbound prefix '${s.substring(lt + 1, lt + 1 + colon)}' on <${s.substring(lt + 1, nameEnd)}>`, i);
    }
    let attrs = NO_ATTRS;
    if (n > declarations) {
      const flat = new Array<string>(2 * (n - declarations));
      let a = 0;
      for (let k = 0; k < n; k++) {
        const kind = kinds[k]!;
        if (kind === NS_DECLARATION) continue;
        const an = names[k]!;
        let key = an;
        if (kind !== UNPREFIXED) {
          if (kind === BAD_QNAME) this.#fail(`malformed name ${an}`, i);
          const uri = scope.get(an.substring(0, kind)) ?? this.#fail(`unbound prefix '${an.substring(0, kind)}' on attribute ${an}`, i);
          key = `{${uri}}${an.substring(kind + 1)}`;
          // Two prefixes for one namespace make one attribute twice (Namespaces in XML §6.3).
          for (let j = 0; j < a; j += 2) if (flat[j] === key) this.#fail(`duplicate attribute ${an}`, i);
        }
        flat[a++] = key;
        flat[a++] = values[k]!;
      }
      attrs = new XmlAttributes(flat);
    }
    const el: Element = { ns, name: local, attrs, children: selfClosing ? [] : NO_CHILDREN_YET, text: '', nsScope: scope };
    if (selfClosing) {
      if (depth > 0) this.#stack[this.#top++] = el;
      else this.#root = el;
    } else {
      if (3 * depth + 3 > openInfo.length) openInfo = grown(openInfo, 3 * depth + 3);
      openInfo[3 * depth] = this.#top;
      openInfo[3 * depth + 1] = lt + 1;
      openInfo[3 * depth + 2] = nameEnd;
      this.#stack[this.#top++] = el;
      this.#depth = depth + 1;
    }
    return i;
  }

  /**
   * An attribute value with something to decode, normalize or refuse in it, the quote at `quote`
   * and its closing quote at `end` (-1 when missing).
   */
  #unusualValue(an: string, quote: number, end: number): string {
    if (end < 0) this.#fail(`unterminated value of attribute ${an}`, quote);
    this.#checkChars(quote + 1, end);
    let v = this.#s.substring(quote + 1, end);
    if (v.includes('<')) this.#fail(`'<' in the value of attribute ${an}`, quote);
    if (v.includes('&')) v = this.#decode(v, quote);
    // Attribute-value normalization (XML 1.0 §3.3.3): whitespace characters become spaces.
    if (ATTR_WS_RE.test(v)) v = v.replace(ATTR_WS_ALL_RE, ' ');
    return knownValue(v, 0, v.length) ?? v;
  }

  /** Reads the end tag at `lt`; returns the position after it. */
  #endTag(lt: number): number {
    const s = this.#s;
    const u = this.#u;
    const depth = this.#depth;
    let i = lt + 2;
    if (depth > 0) {
      // The name must be the open element's: compare it with the start tag's, in place.
      const start = openInfo[3 * depth - 2]!;
      const end = i + openInfo[3 * depth - 1]! - start;
      if (u[end] === 0x3e /* > */) {
        const offset = start - i;
        let k = i;
        while (k < end && u[k] === u[k + offset]) k++;
        if (k === end) {
          this.#close();
          return end + 1;
        }
      }
    }
    const nameEnd = this.#nameEnd(i);
    const qname = s.substring(i, nameEnd);
    i = nameEnd;
    for (let c = u[i]; c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; c = u[++i]);
    if (u[i] !== 0x3e) this.#fail(`malformed end tag </${qname}`, i);
    i++;
    if (depth === 0) this.#fail(`end tag </${qname}> without a start tag`, i);
    const open = this.#openName(depth - 1);
    if (open !== qname) this.#fail(`end tag </${qname}> does not match <${open}>`, i);
    this.#close();
    return i;
  }

  /** Closes the innermost open element, giving it the children collected above it on the stack. */
  #close(): void {
    const stack = this.#stack;
    const d = this.#depth - 1;
    const base = openInfo[3 * d]!;
    const el = stack[base]!;
    const first = base + 1;
    const top = this.#top;
    // Small arrays as literals: cheaper than slice(), and sized exactly as well.
    switch (top - first) {
      case 0:
        el.children = [];
        break;
      case 1:
        el.children = [stack[first]!];
        break;
      case 2:
        el.children = [stack[first]!, stack[first + 1]!];
        break;
      default:
        el.children = stack.slice(first, top);
    }
    this.#depth = d;
    if (d > 0) this.#top = first;
    else {
      this.#top = 0;
      this.#root = el;
    }
  }

  /** Reads a comment, CDATA section or (refused) DOCTYPE at `lt`; returns the position after it. */
  #bang(lt: number): number {
    const s = this.#s;
    if (s.startsWith('<!--', lt)) {
      const end = s.indexOf('--', lt + 4);
      if (end < 0 || this.#u[end + 2] !== 0x3e) this.#fail(end < 0 ? 'unterminated comment' : "'--' inside a comment", lt);
      this.#checkChars(lt + 4, end);
      return end + 3;
    }
    if (s.startsWith('<![CDATA[', lt)) {
      if (this.#depth === 0) this.#fail('CDATA outside the root element', lt);
      const end = s.indexOf(']]>', lt + 9);
      if (end < 0) this.#fail('unterminated CDATA section', lt);
      this.#checkChars(lt + 9, end);
      this.#addText(s.substring(lt + 9, end), lt);
      return end + 3;
    }
    if (s.startsWith('<!DOCTYPE', lt)) this.#fail('DOCTYPE declarations are not accepted', lt, 'DOCTYPE');
    this.#fail('malformed markup declaration', lt);
  }

  /** Reads a processing instruction at `lt`; returns the position after it. */
  #pi(lt: number): number {
    const s = this.#s;
    const i = this.#nameEnd(lt + 2);
    if (s.substring(lt + 2, i).toLowerCase() === 'xml') this.#fail('XML declaration not at the start of the document', i);
    const end = s.indexOf('?>', i);
    if (end < 0) this.#fail('unterminated processing instruction', i);
    if (end > i && !PI_WS_RE.test(s[i]!)) this.#fail('malformed processing instruction', i);
    this.#checkChars(i, end);
    return end + 2;
  }
}

/**
 * Bounded, namespace-aware XML parsing into `XmlElement` trees. Written for SOAP: a single pass
 * over the string that leans on native searches (indexOf, sticky/global regexes, string equality)
 * and visits characters one by one in JavaScript only inside names, because every request is
 * parsed and a per-character JavaScript loop costs several times what V8's native scans do.
 * Hostile input is refused rather than processed: any DOCTYPE (so no entity expansion of any
 * kind), undefined entities, too many elements or attributes, too deep nesting, too much text.
 * All failures are `XmlParseError`s.
 */
import type { NsBindings, XmlElement } from './dom.js';
import { NS } from './ns.js';

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
// XML 1.0 Name (approximated to BMP ranges; astral characters are rare in SOAP names). ZWNJ/ZWJ
// (U+200C/D) are NameStartChars by the XML grammar, hence the rule exception.
// eslint-disable-next-line no-misleading-character-class
const NAME_RE = /[A-Za-z_:\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD][A-Za-z0-9_:.\-\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C\u200D\u203F\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]*/y;

/** ASCII name characters: 1 = may start a name, 2 = may only continue one. */
const ASCII_NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a) ASCII_NAME[c] = 1;
  else if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e) ASCII_NAME[c] = 2;
}
/** ASCII name characters other than ':' (names are scanned in runs between colons). */
const ASCII_NAME_NO_COLON = ASCII_NAME.map((t, c) => (c === 0x3a ? 0 : t));
// Characters XML 1.0 forbids anywhere (C0 controls other than tab/CR/LF, U+FFFE/FFFF). Instead of
// a scan of the whole document up front, every stretch of text, attribute value, comment, CDATA
// section and PI is checked as it is read (names and markup admit none of these characters), and
// an error in a document that holds one is reported as that character, as a scan up front would.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
// eslint-disable-next-line no-control-regex
const FORBIDDEN_FROM_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
// Where plain character data stops: markup, a reference, a possible ']]>' or a forbidden
// character; and where a plain attribute value stops: its quote, '<', a reference, or a character
// to normalize or refuse. Runs up to SHORT_RUN long are checked in JavaScript against the ASCII
// tables (a regex call costs more than that); longer ones by a native scan, a global regex used
// with lastIndex + test() (no match object, no substring).
const SHORT_RUN = 32;
const TEXT_STOP = new Uint8Array(128);
const VALUE_STOP = new Uint8Array(128);
for (let c = 0; c < 0x20; c++) {
  VALUE_STOP[c] = 1;
  if (c !== 0x09 && c !== 0x0a && c !== 0x0d) TEXT_STOP[c] = 1;
}
for (const c of '<&]') TEXT_STOP[c.charCodeAt(0)] = 1;
for (const c of '<&"\'') VALUE_STOP[c.charCodeAt(0)] = 1;
// eslint-disable-next-line no-control-regex
const TEXT_STOP_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F<&\]\uFFFE\uFFFF]/g;
// eslint-disable-next-line no-control-regex
const DQ_VALUE_STOP_RE = /[\u0000-\u001F"<&\uFFFE\uFFFF]/g;
// eslint-disable-next-line no-control-regex
const SQ_VALUE_STOP_RE = /[\u0000-\u001F'<&\uFFFE\uFFFF]/g;

/**
 * Whether s[from, to) is a plain run: none of the characters `table` marks (ASCII) nor U+FFFE/FFFF.
 * `re` finds the first such character, and s[to] must be one (the run's terminator).
 */
function isPlainRun(s: string, from: number, to: number, table: Uint8Array, re: RegExp): boolean {
  if (to - from <= SHORT_RUN) {
    for (let i = from; i < to; i++) {
      const c = s.charCodeAt(i);
      if (c < 128 ? table[c] !== 0 : c >= 0xfffe) return false;
    }
    return true;
  }
  re.lastIndex = from;
  return re.test(s) && re.lastIndex === to + 1;
}

/** Whether s[start, end) is `xmlns` or `xmlns:…` (a namespace declaration's attribute name). */
function isNsDeclarationAt(s: string, start: number, end: number): boolean {
  return (
    s.charCodeAt(start) === 0x78 && s.charCodeAt(start + 1) === 0x6d && s.charCodeAt(start + 2) === 0x6c && s.charCodeAt(start + 3) === 0x6e &&
    s.charCodeAt(start + 4) === 0x73 && (end - start === 5 || s.charCodeAt(start + 5) === 0x3a)
  );
}

// Regular expressions live at module level: a literal inside a function is a new object per call.
const DECLARATION_RE = /^\s+version\s*=\s*(["'])1\.[0-9]+\1(\s+encoding\s*=\s*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*$/;
/** Declarations (between `<?xml` and `?>`) clients send nearly always; all match DECLARATION_RE. */
const COMMON_DECLARATIONS = [' version="1.0" encoding="UTF-8"', ' version="1.0" encoding="utf-8"', ' version="1.0"', " version='1.0' encoding='UTF-8'", " version='1.0' encoding='utf-8'", " version='1.0'"];
const NOT_WS_RE = /[^ \t\r\n]/;
const ATTR_WS_RE = /[\t\r\n]/;
const ATTR_WS_ALL_RE = /\r\n|[\t\r\n]/g;
const ENTITY_RE = /&([^;&]*);?/g;
const DEC_REF_RE = /^#[0-9]{1,7}$/;
const HEX_REF_RE = /^#x[0-9A-Fa-f]{1,6}$/;
const DECL_END_RE = /[\s?]/;
const PI_WS_RE = /^[ \t\r\n]/;
/** Shared by every element without attributes (the tree is read-only to its users). */
const NO_ATTRS: ReadonlyMap<string, string> = new Map();

interface Element {
  ns: string;
  name: string;
  attrs: Map<string, string>;
  children: XmlElement[];
  text: string;
  nsScope: NsScope;
}

/**
 * The namespace bindings an element declares, chained to its parent's. Most elements declare
 * none and share their parent's scope object; lookups walk a chain a few links long, which is
 * cheaper than copying a Map per declaring element and hashing every freshly sliced prefix.
 */
class NsScope implements NsBindings {
  readonly #parent: NsScope | undefined;
  /** Prefix, URI, prefix, URI, … (each prefix once: a repeated declaration is a duplicate attribute). */
  readonly #bindings: readonly string[];
  constructor(parent: NsScope | undefined, bindings: readonly string[]) {
    this.#parent = parent;
    this.#bindings = bindings;
  }
  get(prefix: string): string | undefined {
    for (let scope: NsScope | undefined = this; scope !== undefined; scope = scope.#parent) {
      const bindings = scope.#bindings;
      for (let k = 0; k < bindings.length; k += 2) if (bindings[k] === prefix) return bindings[k + 1];
    }
    return undefined;
  }
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    const all = new Map<string, string>();
    const chain: NsScope[] = [this];
    for (let scope = this.#parent; scope; scope = scope.#parent) chain.unshift(scope);
    for (const scope of chain) for (let k = 0; k < scope.#bindings.length; k += 2) all.set(scope.#bindings[k]!, scope.#bindings[k + 1]!);
    yield* all;
  }
}

/**
 * Namespace URIs Vigil knows, grouped by length: a parsed URI is swapped for the constant, so that
 * comparing it with NS.x (child lookups, dispatch) is a pointer check, not a 90-character one.
 * Looked up by length and string equality (a native compare) rather than through a Map, which
 * would first hash all of the freshly sliced URI.
 */
const KNOWN_NAMESPACES_BY_LENGTH: (string[] | undefined)[] = [];
for (const uri of new Set<string>(Object.values(NS))) (KNOWN_NAMESPACES_BY_LENGTH[uri.length] ??= []).push(uri);

/** The known constant equal to `uri`, if any. */
function knownNamespace(uri: string): string | undefined {
  const known = KNOWN_NAMESPACES_BY_LENGTH[uri.length];
  if (known !== undefined) {
    for (let k = 0; k < known.length; k++) if (known[k] === uri) return known[k];
  }
  return undefined;
}

const ROOT_SCOPE = new NsScope(undefined, ['xml', XML_NS]);
/** Children of an element until it closes (it then gets its own array, sized to fit). */
const NO_CHILDREN_YET: XmlElement[] = [];

export function parseXml(input: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  return PARSER.parse(input, limits);
}

/** Kinds of attribute kept beside its name: ≥ 0 is the prefix colon's index in the name. */
const UNPREFIXED = -1;
const BAD_QNAME = -2;
const NS_DECLARATION = -3;

/**
 * One parser, reused: its working arrays keep their storage from one document to the next (growing
 * them anew for every request was a good part of what parsing allocated). Parsing never calls out
 * to other code, so it cannot be re-entered.
 */
class Parser {
  #s = '';
  #limits = DEFAULT_XML_LIMITS;
  #elements = 0;
  #text = 0;
  /** Open elements and their qualified names, `#depth` deep. */
  #depth = 0;
  readonly #open: (Element | undefined)[] = [];
  readonly #qnames: string[] = [];
  /**
   * Closed children of the open elements, `#kidsTop` long: an element's start at `#kidsBase[depth]`.
   * Collected here and copied out when the element closes, so that each element's children array
   * is allocated once at its final size (pushing into a fresh [] reserves 16 slots).
   */
  readonly #kids: (XmlElement | undefined)[] = [];
  readonly #kidsBase: number[] = [];
  #kidsTop = 0;
  /** Attributes of the start tag being read: names, values, kinds (see NS_DECLARATION). */
  readonly #attrNames: string[] = [];
  readonly #attrValues: string[] = [];
  readonly #attrKinds: number[] = [];
  /** Set by #nameEnd: index of the name's prefix colon, UNPREFIXED or BAD_QNAME. */
  #colon = UNPREFIXED;
  #root: Element | undefined;
  /** How much of the working arrays this document used: cleared after it, so no tree outlives its parse. */
  #usedDepth = 0;
  #usedKids = 0;
  #usedAttrs = 0;

  parse(s: string, limits: XmlLimits): XmlElement {
    this.#s = s;
    this.#limits = limits;
    this.#elements = 0;
    this.#text = 0;
    this.#depth = 0;
    this.#kidsTop = 0;
    this.#root = undefined;
    try {
      return this.#document();
    } finally {
      for (let k = this.#usedDepth - 1; k >= 0; k--) {
        this.#open[k] = undefined;
        this.#qnames[k] = '';
      }
      for (let k = this.#usedKids - 1; k >= 0; k--) this.#kids[k] = undefined;
      for (let k = this.#usedAttrs - 1; k >= 0; k--) this.#attrNames[k] = this.#attrValues[k] = '';
      this.#usedDepth = this.#usedKids = this.#usedAttrs = 0;
      this.#s = '';
      this.#root = undefined;
    }
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

  #document(): XmlElement {
    const s = this.#s;
    const n = s.length;
    let i = s.charCodeAt(0) === 0xfeff ? 1 : 0;
    if (s.startsWith('<?xml', i)) {
      const c = s.charCodeAt(i + 5);
      if (c === 0x20 || DECL_END_RE.test(s.charAt(i + 5))) i = this.#declaration(i);
    }
    while (i < n) {
      if (s.charCodeAt(i) !== 0x3c /* < */) {
        const lt = this.#chars(i);
        if (lt >= n) break;
        i = lt;
      }
      const c = s.charCodeAt(i + 1);
      if (c === 0x2f /* / */) i = this.#endTag(i);
      else if (c === 0x21 /* ! */) i = this.#bang(i);
      else if (c === 0x3f /* ? */) i = this.#pi(i);
      else i = this.#startTag(i);
    }
    if (this.#depth > 0) this.#fail(`unclosed element <${this.#qnames[this.#depth - 1]!}>`, i);
    if (!this.#root) this.#fail('no root element', i);
    return this.#root;
  }

  /** Reads the XML declaration at `at`; returns the position after it. */
  #declaration(at: number): number {
    const s = this.#s;
    const end = s.indexOf('?>', at);
    if (end < 0) this.#fail('unterminated XML declaration', at);
    const decl = s.substring(at + 5, end);
    if (!COMMON_DECLARATIONS.includes(decl)) {
      if (!DECLARATION_RE.test(decl)) this.#fail('malformed XML declaration', at);
      this.#checkChars(at + 5, end);
    }
    return end + 2;
  }

  /** Reads character data starting at `from`; returns the position of the next '<' (or the end). */
  #chars(from: number): number {
    const s = this.#s;
    const depth = this.#depth;
    const lt = s.indexOf('<', from);
    if (depth > 0 && lt > 0 && isPlainRun(s, from, lt, TEXT_STOP, TEXT_STOP_RE)) {
      this.#addText(this.#open[depth - 1]!, s.substring(from, lt), from);
      return lt;
    }
    const to = lt < 0 ? s.length : lt;
    const raw = s.substring(from, to);
    if (depth === 0) {
      if (NOT_WS_RE.test(raw)) this.#fail(this.#root ? 'content after the root element' : 'text before the root element', from);
      return to;
    }
    this.#checkChars(from, to);
    if (raw.includes(']]>')) this.#fail("']]>' in character data", from);
    this.#addText(this.#open[depth - 1]!, raw.includes('&') ? this.#decode(raw, from) : raw, from);
    return to;
  }

  #addText(top: Element, t: string, at: number): void {
    this.#text += t.length;
    if (this.#text > this.#limits.maxTextLength) this.#fail('text content too long', at, 'LIMIT');
    top.text += t;
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
    const s = this.#s;
    let i = start;
    let c = s.charCodeAt(i);
    if (c < 128 && ASCII_NAME[c] === 1) {
      // Runs of name characters between colons; a QName has at most one, neither first nor last.
      let colon = c === 0x3a ? BAD_QNAME : UNPREFIXED;
      for (;;) {
        for (c = s.charCodeAt(++i); c < 128 && ASCII_NAME_NO_COLON[c] !== 0; c = s.charCodeAt(++i));
        if (c !== 0x3a) break;
        colon = colon === UNPREFIXED ? i - start : BAD_QNAME;
      }
      if (!(c >= 0x80)) {
        this.#colon = colon === i - start - 1 ? BAD_QNAME : colon;
        return i;
      }
    }
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
    const limits = this.#limits;
    const depth = this.#depth;
    if (depth === 0 && this.#root) this.#fail('more than one root element', lt);
    if (++this.#elements > limits.maxElements) this.#fail(`more than ${limits.maxElements} elements`, lt, 'LIMIT');
    if (depth >= limits.maxDepth) this.#fail(`nesting deeper than ${limits.maxDepth}`, lt, 'LIMIT');
    let i = this.#nameEnd(lt + 1);
    const qname = s.substring(lt + 1, i);
    const colon = this.#colon;
    // Attributes as names, values and kinds in scratch arrays reused across elements.
    const names = this.#attrNames;
    const values = this.#attrValues;
    const kinds = this.#attrKinds;
    let n = 0;
    let selfClosing = false;
    let declarations = 0;
    for (;;) {
      const wsStart = i;
      let c = s.charCodeAt(i);
      while (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) c = s.charCodeAt(++i);
      if (c === 0x3e /* > */) {
        i++;
        break;
      }
      if (c === 0x2f /* / */ && s.charCodeAt(i + 1) === 0x3e) {
        i += 2;
        selfClosing = true;
        break;
      }
      if (Number.isNaN(c)) this.#fail(`unterminated start tag <${qname}>`, i);
      if (i === wsStart) this.#fail('expected whitespace between attributes', i);
      const nameStart = i;
      i = this.#nameEnd(i);
      const an = s.substring(nameStart, i);
      const kind = isNsDeclarationAt(s, nameStart, i) ? NS_DECLARATION : this.#colon;
      for (c = s.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d; c = s.charCodeAt(++i));
      if (c !== 0x3d /* = */) this.#fail(`attribute ${an} without a value`, i);
      for (c = s.charCodeAt(++i); c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d; c = s.charCodeAt(++i));
      if (c !== 0x22 && c !== 0x27) this.#fail(`attribute ${an} value is not quoted`, i);
      const end = s.indexOf(c === 0x22 ? '"' : "'", i + 1);
      let v: string | undefined;
      if (end >= 0) {
        // A namespace URI Vigil knows is plain (nothing to decode, normalize or refuse).
        if (kind === NS_DECLARATION) v = end === i + 1 ? '' : knownNamespace(s.substring(i + 1, end));
        if (v === undefined && isPlainRun(s, i + 1, end, VALUE_STOP, c === 0x22 ? DQ_VALUE_STOP_RE : SQ_VALUE_STOP_RE)) v = s.substring(i + 1, end);
      }
      if (v === undefined) v = this.#unusualValue(an, i, end);
      i = end + 1;
      if (n >= limits.maxAttributes) this.#fail(`more than ${limits.maxAttributes} attributes`, i, 'LIMIT');
      for (let k = 0; k < n; k++) if (names[k] === an) this.#fail(`duplicate attribute ${an}`, i);
      if (kind === NS_DECLARATION) declarations++;
      if (n === this.#usedAttrs) this.#usedAttrs = n + 1;
      names[n] = an;
      values[n] = v;
      kinds[n++] = kind;
    }
    const parentScope = depth > 0 ? this.#open[depth - 1]!.nsScope : ROOT_SCOPE;
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
        bindings[b++] = knownNamespace(v) ?? v;
      }
      scope = new NsScope(parentScope, bindings);
    }
    let ns: string;
    let local = qname;
    if (colon === UNPREFIXED) ns = scope.get('') ?? '';
    else {
      if (colon === BAD_QNAME) this.#fail(`malformed name ${qname}`, i);
      const prefix = qname.substring(0, colon);
      local = qname.substring(colon + 1);
      ns = scope.get(prefix) ?? this.#fail(`unbound prefix '${prefix}' on <${qname}>`, i);
    }
    let attrs = NO_ATTRS as Map<string, string>;
    if (n > declarations) {
      attrs = new Map();
      for (let k = 0; k < n; k++) {
        const kind = kinds[k]!;
        if (kind === NS_DECLARATION) continue;
        const an = names[k]!;
        let key = an;
        if (kind !== UNPREFIXED) {
          if (kind === BAD_QNAME) this.#fail(`malformed name ${an}`, i);
          const uri = scope.get(an.substring(0, kind)) ?? this.#fail(`unbound prefix '${an.substring(0, kind)}' on attribute ${an}`, i);
          key = `{${uri}}${an.substring(kind + 1)}`;
          if (attrs.has(key)) this.#fail(`duplicate attribute ${an}`, i);
        }
        attrs.set(key, values[k]!);
      }
    }
    if (selfClosing) {
      const el: Element = { ns, name: local, attrs, children: [], text: '', nsScope: scope };
      if (depth > 0) this.#addKid(el);
      else this.#root = el;
    } else {
      if (depth === this.#usedDepth) this.#usedDepth = depth + 1;
      this.#open[depth] = { ns, name: local, attrs, children: NO_CHILDREN_YET, text: '', nsScope: scope };
      this.#qnames[depth] = qname;
      this.#kidsBase[depth] = this.#kidsTop;
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
    return v;
  }

  /** Reads the end tag at `lt`; returns the position after it. */
  #endTag(lt: number): number {
    const s = this.#s;
    const depth = this.#depth;
    let i = lt + 2;
    if (depth > 0) {
      // The name must be the open element's: compare instead of scanning it (a native compare;
      // startsWith is slower than slicing and ===).
      const open = this.#qnames[depth - 1]!;
      const end = i + open.length;
      if (s.charCodeAt(end) === 0x3e /* > */ && s.substring(i, end) === open) {
        this.#close(depth - 1);
        return end + 1;
      }
    }
    const nameEnd = this.#nameEnd(i);
    const qname = s.substring(i, nameEnd);
    i = nameEnd;
    for (let c = s.charCodeAt(i); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; c = s.charCodeAt(++i));
    if (s.charCodeAt(i) !== 0x3e) this.#fail(`malformed end tag </${qname}`, i);
    i++;
    if (depth === 0) this.#fail(`end tag </${qname}> without a start tag`, i);
    const open = this.#qnames[depth - 1]!;
    if (open !== qname) this.#fail(`end tag </${qname}> does not match <${open}>`, i);
    this.#close(depth - 1);
    return i;
  }

  /** Closes the open element at `index` (the innermost one). */
  #close(index: number): void {
    const el = this.#open[index]!;
    const base = this.#kidsBase[index]!;
    el.children = this.#kidsTop > base ? (this.#kids.slice(base, this.#kidsTop) as XmlElement[]) : [];
    this.#kidsTop = base;
    this.#depth = index;
    if (index > 0) this.#addKid(el);
    else this.#root = el;
  }

  #addKid(el: XmlElement): void {
    const top = this.#kidsTop;
    if (top === this.#usedKids) this.#usedKids = top + 1;
    this.#kids[top] = el;
    this.#kidsTop = top + 1;
  }

  /** Reads a comment, CDATA section or (refused) DOCTYPE at `lt`; returns the position after it. */
  #bang(lt: number): number {
    const s = this.#s;
    if (s.startsWith('<!--', lt)) {
      const end = s.indexOf('--', lt + 4);
      if (end < 0 || s.charCodeAt(end + 2) !== 0x3e) this.#fail(end < 0 ? 'unterminated comment' : "'--' inside a comment", lt);
      this.#checkChars(lt + 4, end);
      return end + 3;
    }
    if (s.startsWith('<![CDATA[', lt)) {
      if (this.#depth === 0) this.#fail('CDATA outside the root element', lt);
      const end = s.indexOf(']]>', lt + 9);
      if (end < 0) this.#fail('unterminated CDATA section', lt);
      this.#checkChars(lt + 9, end);
      this.#addText(this.#open[this.#depth - 1]!, s.substring(lt + 9, end), lt);
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

const PARSER = new Parser();

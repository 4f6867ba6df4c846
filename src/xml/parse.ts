/**
 * Bounded, namespace-aware XML parsing into `XmlElement` trees. Written for SOAP: a single pass
 * over the string with indexOf/sticky regexes (several times faster than a general SAX parser on
 * envelopes, which matters because every request is parsed). Hostile input is refused rather
 * than processed: any DOCTYPE (so no entity expansion of any kind), undefined entities, too many
 * elements or attributes, too deep nesting, too much text. All failures are `XmlParseError`s.
 */
import type { XmlElement } from './dom.js';

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

function isAsciiNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
}

function isAsciiNameChar(c: number): boolean {
  return isAsciiNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}
// Characters XML 1.0 forbids anywhere (C0 controls other than tab/CR/LF, U+FFFE/FFFF).
// eslint-disable-next-line no-control-regex
const FORBIDDEN_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

interface Open {
  qname: string;
  prefix: string;
  local: string;
  attrsRaw: [string, string][];
  el: { ns: string; name: string; attrs: Map<string, string>; children: XmlElement[]; text: string; nsScope: Map<string, string> };
}

const ROOT_SCOPE: ReadonlyMap<string, string> = new Map([['xml', XML_NS]]);

export function parseXml(input: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  return new Parser(input, limits).parse();
}

class Parser {
  readonly #s: string;
  readonly #limits: XmlLimits;
  #i = 0;
  #elements = 0;
  #text = 0;
  readonly #stack: Open[] = [];
  #root: XmlElement | undefined;

  constructor(s: string, limits: XmlLimits) {
    this.#s = s;
    this.#limits = limits;
  }

  #fail(message: string, code: XmlParseError['code'] = 'MALFORMED'): never {
    throw new XmlParseError(code, `${message} (at offset ${this.#i})`, this.#i);
  }

  parse(): XmlElement {
    const s = this.#s;
    if (FORBIDDEN_RE.test(s)) {
      this.#i = s.search(FORBIDDEN_RE);
      this.#fail('forbidden control character');
    }
    if (s.charCodeAt(0) === 0xfeff) this.#i = 1;
    if (s.startsWith('<?xml', this.#i) && /[\s?]/.test(s[this.#i + 5] ?? '')) this.#declaration();
    const n = s.length;
    while (this.#i < n) {
      const lt = s.indexOf('<', this.#i);
      const textEnd = lt < 0 ? n : lt;
      if (textEnd > this.#i) this.#chars(this.#i, textEnd);
      if (lt < 0) break;
      this.#i = lt;
      const c = s.charCodeAt(lt + 1);
      if (c === 0x2f /* / */) this.#endTag();
      else if (c === 0x21 /* ! */) this.#bang();
      else if (c === 0x3f /* ? */) this.#pi();
      else this.#startTag();
    }
    if (this.#stack.length) this.#fail(`unclosed element <${this.#stack[this.#stack.length - 1]!.qname}>`);
    if (!this.#root) this.#fail('no root element');
    return this.#root;
  }

  #declaration(): void {
    const end = this.#s.indexOf('?>', this.#i);
    if (end < 0) this.#fail('unterminated XML declaration');
    const decl = this.#s.substring(this.#i + 5, end);
    if (!/^\s+version\s*=\s*(["'])1\.[0-9]+\1(\s+encoding\s*=\s*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*$/.test(decl)) {
      this.#fail('malformed XML declaration');
    }
    this.#i = end + 2;
  }

  #chars(from: number, to: number): void {
    const top = this.#stack[this.#stack.length - 1];
    const raw = this.#s.substring(from, to);
    if (!top) {
      if (/[^ \t\r\n]/.test(raw)) {
        this.#i = from;
        this.#fail(this.#root ? 'content after the root element' : 'text before the root element');
      }
      return;
    }
    if (raw.includes(']]>')) this.#fail("']]>' in character data");
    this.#addText(top, raw.includes('&') ? this.#decode(raw, from) : raw);
  }

  #addText(top: Open, t: string): void {
    this.#text += t.length;
    if (this.#text > this.#limits.maxTextLength) this.#fail('text content too long', 'LIMIT');
    top.el.text += t;
  }

  #decode(raw: string, at: number): string {
    return raw.replace(/&([^;&]*);?/g, (m, ref: string) => {
      if (!m.endsWith(';')) {
        this.#i = at;
        this.#fail('unterminated entity reference');
      }
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
      if (/^#[0-9]{1,7}$/.test(ref)) cp = parseInt(ref.substring(1), 10);
      else if (/^#x[0-9A-Fa-f]{1,6}$/.test(ref)) cp = parseInt(ref.substring(2), 16);
      const valid = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
      if (!valid) {
        this.#i = at;
        this.#fail(ref.startsWith('#') ? `invalid character reference &${ref};` : `undefined entity &${ref};`);
      }
      return String.fromCodePoint(cp);
    });
  }

  #name(): string {
    // ASCII fast path (every name in practice); anything else goes through the full grammar.
    const s = this.#s;
    const start = this.#i;
    let i = start;
    let c = s.charCodeAt(i);
    if (isAsciiNameStart(c)) {
      for (i++, c = s.charCodeAt(i); isAsciiNameChar(c); c = s.charCodeAt(++i));
      if (!(c >= 0x80)) {
        this.#i = i;
        return s.substring(start, i);
      }
    }
    NAME_RE.lastIndex = start;
    const m = NAME_RE.exec(s);
    if (!m) this.#fail('expected a name');
    this.#i += m[0].length;
    return m[0];
  }

  #ws(): boolean {
    const s = this.#s;
    const start = this.#i;
    let i = start;
    for (let c = s.charCodeAt(i); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; c = s.charCodeAt(++i));
    this.#i = i;
    return i > start;
  }

  #startTag(): void {
    const s = this.#s;
    if (this.#root && !this.#stack.length) this.#fail('more than one root element');
    if (++this.#elements > this.#limits.maxElements) this.#fail(`more than ${this.#limits.maxElements} elements`, 'LIMIT');
    if (this.#stack.length >= this.#limits.maxDepth) this.#fail(`nesting deeper than ${this.#limits.maxDepth}`, 'LIMIT');
    this.#i++;
    const qname = this.#name();
    const attrsRaw: [string, string][] = [];
    let selfClosing = false;
    for (;;) {
      const hadWs = this.#ws();
      const c = s[this.#i];
      if (c === '>') {
        this.#i++;
        break;
      }
      if (c === '/' && s[this.#i + 1] === '>') {
        this.#i += 2;
        selfClosing = true;
        break;
      }
      if (c === undefined) this.#fail(`unterminated start tag <${qname}>`);
      if (!hadWs) this.#fail('expected whitespace between attributes');
      const an = this.#name();
      this.#ws();
      if (s[this.#i] !== '=') this.#fail(`attribute ${an} without a value`);
      this.#i++;
      this.#ws();
      const q = s[this.#i];
      if (q !== '"' && q !== "'") this.#fail(`attribute ${an} value is not quoted`);
      const end = s.indexOf(q, this.#i + 1);
      if (end < 0) this.#fail(`unterminated value of attribute ${an}`);
      let v = s.substring(this.#i + 1, end);
      if (v.includes('<')) this.#fail(`'<' in the value of attribute ${an}`);
      if (v.includes('&')) v = this.#decode(v, this.#i);
      // Attribute-value normalization (XML 1.0 §3.3.3): whitespace characters become spaces.
      if (/[\t\r\n]/.test(v)) v = v.replace(/\r\n|[\t\r\n]/g, ' ');
      this.#i = end + 1;
      if (attrsRaw.length >= this.#limits.maxAttributes) this.#fail(`more than ${this.#limits.maxAttributes} attributes`, 'LIMIT');
      for (const [k] of attrsRaw) if (k === an) this.#fail(`duplicate attribute ${an}`);
      attrsRaw.push([an, v]);
    }
    const parentScope = this.#stack.length ? this.#stack[this.#stack.length - 1]!.el.nsScope : ROOT_SCOPE;
    let scope = parentScope as Map<string, string>;
    for (const [k, v] of attrsRaw) {
      if (k === 'xmlns' || k.startsWith('xmlns:')) {
        const p = k === 'xmlns' ? '' : k.substring(6);
        if (p === 'xmlns' || (p === 'xml' && v !== XML_NS) || (p !== 'xml' && v === XML_NS) || v === XMLNS_NS) this.#fail(`reserved namespace binding ${k}`);
        if (p !== '' && v === '') this.#fail(`prefix ${p} cannot be undeclared in XML 1.0`);
        if (scope === parentScope) scope = new Map(parentScope);
        scope.set(p, v);
      }
    }
    const [prefix, local] = splitQName(qname, () => this.#fail(`malformed name ${qname}`));
    const ns = scope.get(prefix) ?? (prefix === '' ? '' : this.#fail(`unbound prefix '${prefix}' on <${qname}>`));
    const attrs = new Map<string, string>();
    for (const [k, v] of attrsRaw) {
      if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
      const [ap, al] = splitQName(k, () => this.#fail(`malformed attribute name ${k}`));
      const key = ap === '' ? al : `{${scope.get(ap) ?? this.#fail(`unbound prefix '${ap}' on attribute ${k}`)}}${al}`;
      if (attrs.has(key)) this.#fail(`duplicate attribute ${k}`);
      attrs.set(key, v);
    }
    const open: Open = { qname, prefix, local, attrsRaw, el: { ns, name: local, attrs, children: [], text: '', nsScope: scope } };
    if (selfClosing) this.#close(open);
    else this.#stack.push(open);
  }

  #close(open: Open): void {
    const parent = this.#stack[this.#stack.length - 1];
    if (parent) parent.el.children.push(open.el);
    else this.#root = open.el;
  }

  #endTag(): void {
    this.#i += 2;
    const qname = this.#name();
    this.#ws();
    if (this.#s[this.#i] !== '>') this.#fail(`malformed end tag </${qname}`);
    this.#i++;
    const open = this.#stack.pop();
    if (!open) this.#fail(`end tag </${qname}> without a start tag`);
    if (open.qname !== qname) this.#fail(`end tag </${qname}> does not match <${open.qname}>`);
    this.#close(open);
  }

  #bang(): void {
    const s = this.#s;
    if (s.startsWith('<!--', this.#i)) {
      const end = s.indexOf('--', this.#i + 4);
      if (end < 0 || s[end + 2] !== '>') this.#fail(end < 0 ? 'unterminated comment' : "'--' inside a comment");
      this.#i = end + 3;
      return;
    }
    if (s.startsWith('<![CDATA[', this.#i)) {
      const top = this.#stack[this.#stack.length - 1];
      if (!top) this.#fail('CDATA outside the root element');
      const end = s.indexOf(']]>', this.#i + 9);
      if (end < 0) this.#fail('unterminated CDATA section');
      this.#addText(top, s.substring(this.#i + 9, end));
      this.#i = end + 3;
      return;
    }
    if (s.startsWith('<!DOCTYPE', this.#i)) this.#fail('DOCTYPE declarations are not accepted', 'DOCTYPE');
    this.#fail('malformed markup declaration');
  }

  #pi(): void {
    this.#i += 2;
    const target = this.#name();
    if (target.toLowerCase() === 'xml') this.#fail('XML declaration not at the start of the document');
    const end = this.#s.indexOf('?>', this.#i);
    if (end < 0) this.#fail('unterminated processing instruction');
    if (end > this.#i && !/^[ \t\r\n]/.test(this.#s[this.#i]!)) this.#fail('malformed processing instruction');
    this.#i = end + 2;
  }
}

function splitQName(q: string, bad: () => never): [string, string] {
  const c = q.indexOf(':');
  if (c < 0) return ['', q];
  if (c === 0 || c === q.length - 1 || q.indexOf(':', c + 1) >= 0) bad();
  return [q.substring(0, c), q.substring(c + 1)];
}

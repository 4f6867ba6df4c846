/**
 * XML writing. Services build responses as strings in schema order with these helpers:
 * `el('tt:Name', text)` for simple content, `el('tds:X', [children…])`, attributes as an object.
 * Prefixes must be ones declared on the envelope (see ns.ts); values are always escaped here.
 */

const ESC_TEST = /[&<>"]/;
const ESC_RE = /[&<>"]/g;
const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export function escapeXml(s: string): string {
  return ESC_TEST.test(s) ? s.replace(ESC_RE, (c) => ESC[c]!) : s;
}

/** A fragment of already-serialized XML. Wrapping makes "escaped or not" visible in types. */
export class Xml {
  constructor(readonly s: string) {}
  toString(): string {
    return this.s;
  }
}

export type Content = Xml | string | number | boolean | null | undefined | Content[];
export type Attrs = Record<string, string | number | boolean | undefined | null>;

function contentToString(c: Content): string {
  if (c === null || c === undefined) return '';
  if (c instanceof Xml) return c.s;
  if (Array.isArray(c)) {
    let out = '';
    for (const x of c) out += contentToString(x);
    return out;
  }
  return escapeXml(String(c));
}

function attrsToString(attrs: Attrs | undefined): string {
  if (!attrs) return '';
  let out = '';
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    out += ` ${k}="${escapeXml(String(v))}"`;
  }
  return out;
}

/** `<name attrs>content</name>`; self-closing when content is empty. */
export function el(name: string, content?: Content, attrs?: Attrs): Xml {
  // Text content without attributes is most of every response: no dispatch on the content's type.
  if (typeof content === 'string' && attrs === undefined) {
    return new Xml(content === '' ? `<${name}/>` : `<${name}>${escapeXml(content)}</${name}>`);
  }
  const inner = contentToString(content);
  const a = attrsToString(attrs);
  return new Xml(inner === '' ? `<${name}${a}/>` : `<${name}${a}>${inner}</${name}>`);
}

/** Like `el`, but omitted entirely when the value is undefined/null (optional schema elements). */
export function opt(name: string, value: Content | undefined, attrs?: Attrs): Xml {
  if (value === undefined || value === null) return new Xml('');
  return el(name, value, attrs);
}

export function raw(s: string): Xml {
  return new Xml(s);
}

export function join(parts: Content[]): Xml {
  return new Xml(contentToString(parts));
}

export function xsBool(b: boolean): string {
  return b ? 'true' : 'false';
}

/** xs:dateTime in UTC with millisecond precision dropped when zero. */
export function xsDateTime(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('.000Z') ? iso.replace('.000Z', 'Z') : iso;
}

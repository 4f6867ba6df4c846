/**
 * Writes a parsed element back out as XML: used to echo a consumer's WS-Addressing
 * ReferenceParameters as header blocks of every Notify sent to it (WS-Addressing 1.0 §3.3).
 * Element and attribute namespaces get fresh prefixes declared on the copy's root; the source
 * element's in-scope bindings are re-declared too, so QName-valued text keeps its meaning.
 */
import type { XmlElement } from '../../xml/dom.js';
import { escapeXml, raw, type Xml } from '../../xml/write.js';

/** An attribute added to the copy's root, e.g. wsa:IsReferenceParameter. */
export interface ExtraAttribute {
  ns: string;
  name: string;
  value: string;
}

export function copyElement(e: XmlElement, extra: ExtraAttribute[] = []): Xml {
  const prefixes = new Map<string, string>();
  const prefixFor = (ns: string): string => {
    let p = prefixes.get(ns);
    if (p === undefined) {
      p = `rp${prefixes.size}`;
      prefixes.set(ns, p);
    }
    return p;
  };
  const body = write(e, prefixFor, extra);
  let decls = '';
  for (const [prefix, ns] of e.nsScope) {
    if (prefix === '' || prefix === 'xml' || /^rp\d+$/.test(prefix)) continue;
    decls += ` xmlns:${prefix}="${escapeXml(ns)}"`;
  }
  for (const [ns, p] of prefixes) decls += ` xmlns:${p}="${escapeXml(ns)}"`;
  // Insert the declarations into the root start tag, after its name.
  const nameEnd = body.search(/[\s/>]/);
  return raw(body.slice(0, nameEnd) + decls + body.slice(nameEnd));
}

function write(e: XmlElement, prefixFor: (ns: string) => string, extra: ExtraAttribute[]): string {
  const name = e.ns ? `${prefixFor(e.ns)}:${e.name}` : e.name;
  let attrs = '';
  for (const [k, v] of e.attrs) {
    const m = /^\{(.*)\}(.*)$/.exec(k);
    const an = m ? (m[1] === 'http://www.w3.org/XML/1998/namespace' ? `xml:${m[2]}` : `${prefixFor(m[1]!)}:${m[2]}`) : k;
    attrs += ` ${an}="${escapeXml(v)}"`;
  }
  for (const a of extra) attrs += ` ${prefixFor(a.ns)}:${a.name}="${escapeXml(a.value)}"`;
  const inner = escapeXml(e.text) + e.children.map((c) => write(c, prefixFor, [])).join('');
  return inner === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${inner}</${name}>`;
}

/**
 * A small namespace-resolved element tree: what the SOAP engine and services read requests from.
 * Names are (namespace URI, local name) pairs, never prefixes, so any prefix a client picks works.
 */
export interface XmlElement {
  /** Namespace URI ('' when unqualified). */
  readonly ns: string;
  readonly name: string;
  /** Attributes keyed by `local` (unqualified) or `{uri}local` (qualified). */
  readonly attrs: ReadonlyMap<string, string>;
  readonly children: XmlElement[];
  /** Concatenated character data directly inside this element. */
  text: string;
  /** In-scope prefix → namespace bindings, needed to resolve QName-valued text (topic expressions). */
  readonly nsScope: NsBindings;
}

/**
 * The attributes of a parsed element: a read-only map over a flat [key, value, key, value, …]
 * list. Elements carry a handful of attributes at most, for which a scan beats hashing, and the
 * parser makes one per element that has any: a Map (with its hash table) costs several times as
 * much to build.
 */
export class XmlAttributes implements ReadonlyMap<string, string> {
  readonly #flat: readonly string[];
  constructor(flat: readonly string[]) {
    this.#flat = flat;
  }
  get size(): number {
    return this.#flat.length >> 1;
  }
  get(key: string): string | undefined {
    const flat = this.#flat;
    for (let i = 0; i < flat.length; i += 2) if (flat[i] === key) return flat[i + 1];
    return undefined;
  }
  has(key: string): boolean {
    const flat = this.#flat;
    for (let i = 0; i < flat.length; i += 2) if (flat[i] === key) return true;
    return false;
  }
  forEach(callback: (value: string, key: string, map: ReadonlyMap<string, string>) => void, thisArg?: unknown): void {
    const flat = this.#flat;
    for (let i = 0; i < flat.length; i += 2) callback.call(thisArg, flat[i + 1]!, flat[i]!, this);
  }
  *entries(): MapIterator<[string, string]> {
    const flat = this.#flat;
    for (let i = 0; i < flat.length; i += 2) yield [flat[i]!, flat[i + 1]!];
  }
  *keys(): MapIterator<string> {
    const flat = this.#flat;
    for (let i = 0; i < flat.length; i += 2) yield flat[i]!;
  }
  *values(): MapIterator<string> {
    const flat = this.#flat;
    for (let i = 1; i < flat.length; i += 2) yield flat[i]!;
  }
  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
}

/** Prefix → namespace bindings in scope at an element ('' is the default namespace). */
export interface NsBindings extends Iterable<[prefix: string, uri: string]> {
  get(prefix: string): string | undefined;
}

/**
 * Finds a child by local name. ONVIF schemas are elementFormDefault="qualified", but clients send
 * children both in the operation's namespace and unqualified (or in tt:), so when `ns` is given an
 * element matches if it is in that namespace or unqualified; without `ns` any namespace matches.
 */
export function child(el: XmlElement | undefined, name: string, ns?: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) {
    if (c.name === name && (ns === undefined || c.ns === ns || c.ns === '')) return c;
  }
  return undefined;
}

export function children(el: XmlElement | undefined, name: string, ns?: string): XmlElement[] {
  if (!el) return [];
  return el.children.filter((c) => c.name === name && (ns === undefined || c.ns === ns || c.ns === ''));
}

/** Trimmed text of a child, or undefined when the child is absent. */
export function childText(el: XmlElement | undefined, name: string, ns?: string): string | undefined {
  const c = child(el, name, ns);
  return c === undefined ? undefined : c.text.trim();
}

export function attr(el: XmlElement | undefined, name: string, ns?: string): string | undefined {
  if (!el) return undefined;
  return el.attrs.get(ns ? `{${ns}}${name}` : name);
}

/** Resolves a `prefix:local` QName in an element's scope; undefined when the prefix is unbound. */
export function resolveQName(el: XmlElement, qname: string): { ns: string; name: string } | undefined {
  const i = qname.indexOf(':');
  const prefix = i < 0 ? '' : qname.substring(0, i);
  const local = i < 0 ? qname : qname.substring(i + 1);
  const ns = el.nsScope.get(prefix);
  if (ns === undefined) return prefix === '' ? { ns: '', name: local } : undefined;
  return { ns, name: local };
}

/**
 * Topics (WS-Topics as ONVIF uses them). A topic is a path of (namespace, name) segments:
 * `tns1:VideoSource/MotionAlarm` is [{ONVIF topics ns, VideoSource}, {ONVIF topics ns, MotionAlarm}].
 * Child segments written without a prefix belong to the root's namespace; a prefixed child
 * (`tns1:VideoAnalytics/tnsvendor:Motion`) brings its own. Producers name topics with that
 * prefixed text; prefixes come from a `TopicNamespaces` registry (tns1 is built in), so the
 * text is unambiguous inside Vigil while the wire always carries namespace URIs.
 */
import { NS } from '../xml/ns.js';

export interface TopicSegment {
  readonly ns: string;
  readonly name: string;
}

export type TopicPath = readonly TopicSegment[];

export const ONVIF_TOPIC_NS = NS.tns1;

/** NCName, restricted to what topic names use in practice (ASCII plus any non-ASCII letter). */
const NCNAME_RE = /^[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_.\-\u00B7\u00C0-\uFFFF]*$/;

export function isNcName(s: string): boolean {
  return NCNAME_RE.test(s);
}

/** Canonical identity of a topic: `{ns}name/{ns}name`. Equal paths have equal keys. */
export function topicKey(path: TopicPath): string {
  return path.map((s) => `{${s.ns}}${s.name}`).join('/');
}

/** Prefix ↔ namespace registry for the topic names producers use. */
export class TopicNamespaces {
  readonly #byPrefix = new Map<string, string>([['tns1', ONVIF_TOPIC_NS]]);
  readonly #byNs = new Map<string, string>([[ONVIF_TOPIC_NS, 'tns1']]);

  /**
   * Registers a vendor topic namespace. The prefix must not be one the SOAP envelope already
   * binds to another namespace (tt, tds, …), since topic text is written with these prefixes.
   */
  register(prefix: string, ns: string): void {
    if (!isNcName(prefix) || prefix.includes('.') || ns === '') throw new TypeError(`invalid topic namespace '${prefix}' = '${ns}'`);
    const envelopeNs = (NS as Record<string, string>)[prefix];
    if (envelopeNs !== undefined && envelopeNs !== ns) throw new TypeError(`prefix '${prefix}' is reserved for ${envelopeNs}`);
    const existing = this.#byPrefix.get(prefix);
    if (existing !== undefined && existing !== ns) throw new TypeError(`prefix '${prefix}' is already bound to ${existing}`);
    const existingPrefix = this.#byNs.get(ns);
    if (existingPrefix !== undefined && existingPrefix !== prefix) throw new TypeError(`namespace ${ns} already has prefix '${existingPrefix}'`);
    this.#byPrefix.set(prefix, ns);
    this.#byNs.set(ns, prefix);
  }

  prefixOf(ns: string): string | undefined {
    return this.#byNs.get(ns);
  }

  /** Parses producer topic text (`tns1:Monitoring/ProcessorUsage`). Throws TypeError: it is a programming error. */
  parse(text: string): TopicPath {
    const parts = text.split('/');
    const out: TopicSegment[] = [];
    let rootNs: string | undefined;
    for (const part of parts) {
      const i = part.indexOf(':');
      const prefix = i < 0 ? undefined : part.slice(0, i);
      const name = i < 0 ? part : part.slice(i + 1);
      if (!isNcName(name) || (prefix !== undefined && !isNcName(prefix))) throw new TypeError(`invalid topic '${text}'`);
      let ns: string | undefined;
      if (prefix !== undefined) {
        ns = this.#byPrefix.get(prefix);
        if (ns === undefined) throw new TypeError(`unknown topic namespace prefix '${prefix}' in '${text}'`);
      } else ns = rootNs;
      if (ns === undefined) throw new TypeError(`topic '${text}' must start with a prefixed root (tns1:…)`);
      rootNs ??= ns;
      out.push({ ns, name });
    }
    return out;
  }

  /** Topic text with registered prefixes; children in the root's namespace are unprefixed. */
  format(path: TopicPath): string {
    const root = path[0];
    if (!root) return '';
    return path
      .map((s, i) => {
        if (i > 0 && s.ns === root.ns) return s.name;
        const p = this.#byNs.get(s.ns);
        if (p === undefined) throw new TypeError(`no prefix registered for topic namespace ${s.ns}`);
        return `${p}:${s.name}`;
      })
      .join('/');
  }

  /**
   * xmlns declarations a topic's text needs beyond those on every envelope (tns1 is always
   * declared there): vendor prefixes, as attributes for the element carrying the text.
   */
  declarations(path: TopicPath): Record<string, string> {
    const out: Record<string, string> = {};
    for (const s of path) {
      const p = this.#byNs.get(s.ns);
      if (p !== undefined && !(p in NS)) out[`xmlns:${p}`] = s.ns;
    }
    return out;
  }

  /** Every registered vendor binding (not tns1), for documents listing many topics. */
  vendorDeclarations(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [p, ns] of this.#byPrefix) if (!(p in NS)) out[`xmlns:${p}`] = ns;
    return out;
  }
}

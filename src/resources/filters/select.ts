/**
 * SelectFilter (2-33 §7.6): which Data items of each resource message are sent, to keep large
 * query results small. Each Path names one Data item of the resource event (§7.2):
 *
 *   /Name   /Location   /Offline   /Scope   /Scope/<segment>[/<segment>…]
 *
 * `/Scope/<segments>` keeps the Scope items whose URI path starts with those segments — the
 * 2-33 example `/Scope/Location` keeps the location scopes (`onvif://www.onvif.org/location/…`).
 * The first segment (the Core spec's scope category) is compared case-insensitively, since the
 * Core spec writes categories both ways ("Location" in its table, "location" in its URIs);
 * further segments exactly, after percent-decoding. Item names are case-sensitive, like XPath.
 * Any other path (unknown item, a step below Name/Location/Offline, predicates, axes, empty
 * steps) is refused. The filter reshapes resource messages only; other messages pass unchanged.
 */
import type { Item } from '../../events/message.js';
import type { XmlElement } from '../../xml/dom.js';
import { escapeXml } from '../../xml/write.js';
import { RESOURCE_DATA_ITEMS, type ResourceDataItem } from '../topics.js';
import { groupChildren, required, ResourceFilterError, valueText } from './parse.js';

export interface SelectPath {
  item: ResourceDataItem;
  /** For Scope only: the scope path prefix (decoded segments); empty = every scope. */
  scopePath: string[];
}

export interface SelectQuery {
  paths: SelectPath[];
}

export const MAX_SELECT_PATHS = 32;

/** Characters with a meaning in XPath (or none in a path segment) are not part of a segment. */
const SEGMENT_RE = /^[^/\s[\]()@*:|'"=<>,$!]+$/;

export function parseSelectPath(text: string): SelectPath {
  if (!text.startsWith('/')) throw new ResourceFilterError('SYNTAX', 'Path', `'${text.slice(0, 80)}' must start with '/'`);
  const steps = text.slice(1).split('/');
  for (const s of steps) {
    if (s === '' || !SEGMENT_RE.test(s)) throw new ResourceFilterError('SYNTAX', 'Path', `'${text.slice(0, 80)}' has an invalid step '${s.slice(0, 40)}'`);
  }
  const [item, ...rest] = steps as [string, ...string[]];
  if (!(RESOURCE_DATA_ITEMS as readonly string[]).includes(item)) {
    throw new ResourceFilterError('RANGE', 'Path', `'${item}' is not a resource data item (${RESOURCE_DATA_ITEMS.join(', ')})`);
  }
  if (rest.length > 0 && item !== 'Scope') throw new ResourceFilterError('RANGE', 'Path', `${item} has no parts to select`);
  let scopePath: string[];
  try {
    scopePath = rest.map((s) => decodeURIComponent(s));
  } catch {
    throw new ResourceFilterError('SYNTAX', 'Path', `'${text.slice(0, 80)}' has broken percent-encoding`);
  }
  return { item: item as ResourceDataItem, scopePath };
}

export function formatSelectPath(p: SelectPath): string {
  const encode = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `/${[p.item, ...p.scopePath.map(encode)].join('/')}`;
}

export function parseSelectFilter(el: XmlElement): SelectQuery {
  const g = groupChildren(el, ['Path'], []);
  required(g, 'Path', 'SelectFilter');
  const list = g.get('Path')!;
  if (list.length > MAX_SELECT_PATHS) throw new ResourceFilterError('LIMIT', 'Path', `at most ${MAX_SELECT_PATHS} paths`);
  return { paths: list.map((p) => parseSelectPath(valueText(p))) };
}

export function writeSelectFilter(q: SelectQuery, prefix = 'tt'): string {
  const p = prefix ? `${prefix}:` : '';
  return `<${p}SelectFilter>${q.paths.map((x) => `<${p}Path>${escapeXml(formatSelectPath(x))}</${p}Path>`).join('')}</${p}SelectFilter>`;
}

/** The decoded path segments of an absolute URI (below its authority), or undefined. */
export function uriPathSegments(uri: string): string[] | undefined {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:(?:\/\/[^/?#]*)?([^?#]*)/.exec(uri);
  if (!m) return undefined;
  const path = m[1]!.startsWith('/') ? m[1]!.slice(1) : m[1]!;
  try {
    return path === '' ? [] : path.split('/').map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

function scopeSelected(paths: readonly string[][], scope: string): boolean {
  const segs = uriPathSegments(scope);
  if (!segs) return false;
  return paths.some(
    (p) => p.length <= segs.length && p.every((s, i) => (i === 0 ? s.toLowerCase() === segs[0]!.toLowerCase() : s === segs[i])),
  );
}

/** A compiled selection: which of a resource message's Data items are kept. */
export function selector(q: SelectQuery): (data: readonly Item[]) => Item[] {
  const items = new Set(q.paths.filter((p) => p.item !== 'Scope').map((p) => p.item));
  const allScopes = q.paths.some((p) => p.item === 'Scope' && p.scopePath.length === 0);
  const scopePaths = q.paths.filter((p) => p.item === 'Scope' && p.scopePath.length > 0).map((p) => p.scopePath);
  // Scopes repeat across every resource of a device: decide each distinct scope once.
  const memo = new Map<string, boolean>();
  const keepScope = (s: string): boolean => {
    if (allScopes) return true;
    let hit = memo.get(s);
    if (hit === undefined) {
      hit = scopeSelected(scopePaths, s);
      if (memo.size < 4096) memo.set(s, hit);
    }
    return hit;
  };
  return (data) => data.filter((i) => (i.name === 'Scope' ? typeof i.value === 'string' && keepScope(i.value) : items.has(i.name as ResourceDataItem)));
}

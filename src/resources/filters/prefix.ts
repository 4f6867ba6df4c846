/**
 * PrefixFilter (2-33 §7.4): messages about one device, named by the token prefix the VSS gave it
 * (`Prefix` of `Prefix:LocalToken`, §6.2). A message matches when one of its Source items is a
 * token with exactly that prefix — the Token of a resource message, the video source of a
 * motion alarm, and so on. The comparison is exact (prefixes are case-sensitive tokens).
 */
import type { PublishedEvent } from '../../events/message.js';
import type { XmlElement } from '../../xml/dom.js';
import { escapeXml } from '../../xml/write.js';
import { groupChildren, required, ResourceFilterError, valueText } from './parse.js';

export interface PrefixQuery {
  prefix: string;
}

/** 2-33 §6.2: a remote token is at most 64 characters, so a prefix at most 62. */
const MAX_PREFIX = 62;

export function parsePrefixFilter(el: XmlElement): PrefixQuery {
  const g = groupChildren(el, ['Prefix'], ['Prefix']);
  const prefix = valueText(required(g, 'Prefix', 'PrefixFilter'));
  if (prefix === '') throw new ResourceFilterError('SYNTAX', 'Prefix', 'must not be empty');
  if (prefix.length > MAX_PREFIX) throw new ResourceFilterError('RANGE', 'Prefix', `a token prefix has at most ${MAX_PREFIX} characters`);
  if (/[:\s]/.test(prefix)) throw new ResourceFilterError('SYNTAX', 'Prefix', 'a token prefix holds no colon or white space');
  return { prefix };
}

export function writePrefixFilter(q: PrefixQuery, prefix = 'tt'): string {
  const p = prefix ? `${prefix}:` : '';
  return `<${p}PrefixFilter><${p}Prefix>${escapeXml(q.prefix)}</${p}Prefix></${p}PrefixFilter>`;
}

export function prefixMatches(q: PrefixQuery, ev: PublishedEvent): boolean {
  for (const item of ev.source) {
    const v = item.value;
    if (typeof v === 'string' && v.length > q.prefix.length && v.charCodeAt(q.prefix.length) === 58 /* : */ && v.startsWith(q.prefix)) return true;
  }
  return false;
}

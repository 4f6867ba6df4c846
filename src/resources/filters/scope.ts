/**
 * ScopeFilter (2-33 §7.5): resources of devices with given discovery scopes. Each Scope element
 * is matched by the Core spec's scope matching rules (WS-Discovery as the Core spec profiles it):
 * its `Match` attribute names the rule — RFC 3986 (the default; also accepted under its
 * WS-Discovery RFC 2396 name): same scheme and authority (case-insensitive) and the path
 * segments a segment-wise prefix of the device scope's; or strcmp0: the same string. As in a
 * WS-Discovery Probe, a device matches when every Scope element matches one of its scopes.
 * Messages of no known device never match. An unknown Match rule is refused.
 */
import { MATCH_BY_RFC2396, MATCH_BY_RFC3986, MATCH_BY_STRCMP0, scopeMatchesRfc3986 } from '../../northbound/discovery/messages.js';
import { attr, type XmlElement } from '../../xml/dom.js';
import { escapeXml } from '../../xml/write.js';
import { groupChildren, required, ResourceFilterError, valueText } from './parse.js';

export type ScopeRule = 'rfc3986' | 'strcmp0';

export interface ScopeQuery {
  scopes: { scope: string; rule: ScopeRule }[];
}

export const MAX_SCOPES = 32;

const ABSOLUTE_URI_RE = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

function ruleOf(match: string | undefined): ScopeRule {
  const m = match?.trim();
  if (m === undefined || m === '' || m === MATCH_BY_RFC3986 || m === MATCH_BY_RFC2396) return 'rfc3986';
  if (m === MATCH_BY_STRCMP0) return 'strcmp0';
  throw new ResourceFilterError('RANGE', 'Match', `matching rule '${m.slice(0, 80)}' is not supported (${MATCH_BY_RFC3986}, ${MATCH_BY_STRCMP0})`);
}

export function parseScopeFilter(el: XmlElement): ScopeQuery {
  const g = groupChildren(el, ['Scope'], []);
  required(g, 'Scope', 'ScopeFilter');
  const list = g.get('Scope')!;
  if (list.length > MAX_SCOPES) throw new ResourceFilterError('LIMIT', 'Scope', `at most ${MAX_SCOPES} scopes`);
  return {
    scopes: list.map((s) => {
      const scope = valueText(s);
      if (!ABSOLUTE_URI_RE.test(scope)) throw new ResourceFilterError('SYNTAX', 'Scope', `'${scope.slice(0, 80)}' is not an absolute URI`);
      return { scope, rule: ruleOf(attr(s, 'Match')) };
    }),
  };
}

export function writeScopeFilter(q: ScopeQuery, prefix = 'tt'): string {
  const p = prefix ? `${prefix}:` : '';
  const scopes = q.scopes.map((s) => `<${p}Scope${s.rule === 'strcmp0' ? ` Match="${MATCH_BY_STRCMP0}"` : ''}>${escapeXml(s.scope)}</${p}Scope>`);
  return `<${p}ScopeFilter>${scopes.join('')}</${p}ScopeFilter>`;
}

export function scopesMatch(q: ScopeQuery, deviceScopes: readonly string[]): boolean {
  return q.scopes.every(({ scope, rule }) =>
    rule === 'strcmp0' ? deviceScopes.includes(scope) : deviceScopes.some((d) => scopeMatchesRfc3986(scope, d)),
  );
}

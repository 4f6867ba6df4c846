/**
 * Topic expressions in ONVIF's ConcreteSet dialect (Core spec "Topic Filter"), which extends
 * WS-Topics Concrete expressions with `|` (union) and a trailing `//.` (the topic and its whole
 * subtree):
 *
 *   TopicExpression ::= TopicPath ('|' TopicPath)*
 *   TopicPath       ::= RootTopic ChildTopicExpression* ('//.')?
 *   RootTopic       ::= QName            ChildTopicExpression ::= '/' (QName | NCName)
 *
 * Leniencies, all of which only widen what is accepted: the same grammar is accepted under the
 * plain WS-Topics Concrete dialect URI; a segment may be `*` or `prefix:*` (any name, as in the
 * Full dialect); blanks around `|` are ignored. Prefixes are resolved through the caller (the
 * namespace scope of the wsnt:TopicExpression element). Unprefixed children belong to the
 * root's namespace.
 */
import { FilterParseError } from '../errors.js';
import { isNcName, type TopicPath } from '../topic.js';

/** undefined matches anything: `*` (name) or an unprefixed `*` (namespace too). */
export interface SegmentPattern {
  readonly ns: string | undefined;
  readonly name: string | undefined;
}

export interface TopicPattern {
  readonly segments: readonly SegmentPattern[];
  /** Ends in `//.`: the topic and all its descendants. */
  readonly subtree: boolean;
}

export type TopicExpression = readonly TopicPattern[];

/** Resolves a prefix ('' is the default namespace) to a namespace URI; undefined when unbound. */
export type PrefixResolver = (prefix: string) => string | undefined;

export const TOPIC_EXPRESSION_LIMITS = { maxLength: 16_384, maxPaths: 256, maxDepth: 32 };

export function parseTopicExpression(text: string, resolve: PrefixResolver): TopicExpression {
  if (text.length > TOPIC_EXPRESSION_LIMITS.maxLength) {
    throw new FilterParseError('LIMIT', TOPIC_EXPRESSION_LIMITS.maxLength, 'topic expression too long');
  }
  const out: TopicPattern[] = [];
  let start = 0;
  for (const raw of text.split('|')) {
    if (out.length >= TOPIC_EXPRESSION_LIMITS.maxPaths) throw new FilterParseError('LIMIT', start, 'too many topic paths');
    const lead = raw.length - raw.trimStart().length;
    out.push(parsePath(raw.trim(), start + lead, resolve));
    start += raw.length + 1;
  }
  return out;
}

function parsePath(path: string, offset: number, resolve: PrefixResolver): TopicPattern {
  if (path === '') throw new FilterParseError('SYNTAX', offset, 'empty topic path');
  const subtree = path.endsWith('//.');
  const body = subtree ? path.slice(0, -3) : path;
  const parts = body.split('/');
  if (parts.length > TOPIC_EXPRESSION_LIMITS.maxDepth) throw new FilterParseError('LIMIT', offset, 'topic path too deep');
  const segments: SegmentPattern[] = [];
  let at = offset;
  let rootNs: string | undefined;
  for (const [i, part] of parts.entries()) {
    const seg = parseSegment(part, at, i === 0, rootNs, resolve);
    if (i === 0) rootNs = seg.ns;
    segments.push(seg);
    at += part.length + 1;
  }
  return { segments, subtree };
}

function parseSegment(part: string, at: number, isRoot: boolean, rootNs: string | undefined, resolve: PrefixResolver): SegmentPattern {
  if (part === '') throw new FilterParseError('SYNTAX', at, 'empty topic name');
  if (part === '*') return { ns: undefined, name: undefined };
  const colon = part.indexOf(':');
  if (colon < 0) {
    if (!isNcName(part)) throw new FilterParseError('SYNTAX', at, `'${clip(part)}' is not a topic name`);
    return { ns: isRoot ? (resolve('') ?? '') : rootNs, name: part };
  }
  const prefix = part.slice(0, colon);
  const local = part.slice(colon + 1);
  if (!isNcName(prefix) || (local !== '*' && !isNcName(local))) {
    throw new FilterParseError('SYNTAX', at, `'${clip(part)}' is not a qualified topic name`);
  }
  const ns = resolve(prefix);
  if (ns === undefined) throw new FilterParseError('PREFIX', at, `namespace prefix '${clip(prefix)}' is not bound`);
  return { ns, name: local === '*' ? undefined : local };
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/**
 * Writes an expression back in ConcreteSet syntax. `prefixOf` gives a prefix for a namespace
 * ('' for the default namespace); parse(format(e)) yields e again.
 */
export function formatTopicExpression(expr: TopicExpression, prefixOf: (ns: string) => string | undefined): string {
  return expr
    .map((p) => {
      const rootNs = p.segments[0]?.ns;
      const segs = p.segments.map((s, i) => {
        if (s.ns === undefined) return s.name ?? '*';
        const name = s.name ?? '*';
        if (i > 0 && s.ns === rootNs && s.name !== undefined) return name;
        const prefix = prefixOf(s.ns);
        if (prefix === undefined) throw new TypeError(`no prefix for ${s.ns}`);
        return prefix === '' ? name : `${prefix}:${name}`;
      });
      return segs.join('/') + (p.subtree ? '//.' : '');
    })
    .join('|');
}

export function patternMatches(p: TopicPattern, path: TopicPath): boolean {
  if (p.subtree ? path.length < p.segments.length : path.length !== p.segments.length) return false;
  for (let i = 0; i < p.segments.length; i++) {
    const want = p.segments[i]!;
    const have = path[i]!;
    if ((want.ns !== undefined && want.ns !== have.ns) || (want.name !== undefined && want.name !== have.name)) return false;
  }
  return true;
}

export function topicMatches(expr: TopicExpression, path: TopicPath): boolean {
  return expr.some((p) => patternMatches(p, path));
}

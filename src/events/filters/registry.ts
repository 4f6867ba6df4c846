/**
 * The subscription filter pipeline. A wsnt:Filter holds any number of filter components
 * (wsnt:TopicExpression, wsnt:MessageContent, and kinds other specifications add, such as the
 * resource filters of tns1:Resource events); a message passes when every component accepts it.
 *
 * Extension points, so that new filter kinds plug in without touching the event service:
 * - `registerComponent(ns, name, parser)`: a parser for a filter element. It is called once per
 *   subscription and returns an `EventFilter`, which may keep per-subscription state, and may
 *   also reshape the messages it accepts (`select`, e.g. the resource query's SelectFilter).
 * - `registerMessageContentDialect(uri, compile)`: another wsnt:MessageContent dialect; it is
 *   then also listed in GetEventProperties' MessageContentFilterDialect.
 *
 * Refusals are `EventFault`s in WS-BaseNotification's terms (Core spec "SOAP Fault Messages").
 */
import { NS } from '../../xml/ns.js';
import { attr, type XmlElement } from '../../xml/dom.js';
import { EventFault, FilterParseError } from '../errors.js';
import type { DeclaredTopic, PublishedEvent } from '../message.js';
import { evaluateItemFilter, parseItemFilter } from './item-filter.js';
import { parseTopicExpression, topicMatches, type PrefixResolver } from './topic-expression.js';

export interface EventFilter {
  accepts(ev: PublishedEvent): boolean;
  /**
   * What of an accepted message the subscriber gets (default: all of it). Applied after every
   * component of the filter accepted the message, so components decide on the whole message.
   */
  select?(ev: PublishedEvent): PublishedEvent;
}

/** A message as `filter` lets it out: undefined when rejected, else reshaped by `select`. */
export function applyFilter(filter: EventFilter, ev: PublishedEvent): PublishedEvent | undefined {
  if (!filter.accepts(ev)) return undefined;
  return filter.select ? filter.select(ev) : ev;
}

export interface FilterEnvironment {
  /** The topics currently declared (TopicNotSupported is decided against them). */
  topics(): readonly DeclaredTopic[];
}

export type FilterComponentParser = (el: XmlElement, env: FilterEnvironment) => EventFilter;
export type MessageContentCompiler = (text: string, resolve: PrefixResolver) => (ev: PublishedEvent) => boolean;

export const TOPIC_DIALECTS = {
  concrete: 'http://docs.oasis-open.org/wsn/t-1/TopicExpression/Concrete',
  concreteSet: 'http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet',
} as const;

/** Accepted as ConcreteSet too: the misspelling printed in the Core spec's own example. */
const TOPIC_DIALECT_ALIASES = new Set<string>([
  TOPIC_DIALECTS.concrete,
  TOPIC_DIALECTS.concreteSet,
  'http://docs.oasis-open.org/wsnt/t-1/TopicExpression/ConcreteSet',
]);

export const ITEM_FILTER_DIALECT = 'http://www.onvif.org/ver10/tev/messageContentFilter/ItemFilter';

export const ACCEPT_ALL: EventFilter = Object.freeze({ accepts: () => true });

export function scopeResolver(el: XmlElement): PrefixResolver {
  return (prefix) => el.nsScope.get(prefix);
}

export class FilterRegistry {
  readonly #components = new Map<string, FilterComponentParser>();
  readonly #contentDialects = new Map<string, MessageContentCompiler>();

  constructor() {
    this.registerComponent(NS.wsnt, 'TopicExpression', topicExpressionComponent);
    this.registerComponent(NS.wsnt, 'MessageContent', (el) => this.#messageContent(el));
    this.registerMessageContentDialect(ITEM_FILTER_DIALECT, (text, resolve) => {
      const expr = parseItemFilter(text, resolve);
      return (ev) => evaluateItemFilter(expr, ev);
    });
  }

  registerComponent(ns: string, name: string, parser: FilterComponentParser): void {
    const k = `{${ns}}${name}`;
    if (this.#components.has(k)) throw new TypeError(`filter component ${k} is already registered`);
    this.#components.set(k, parser);
  }

  registerMessageContentDialect(uri: string, compile: MessageContentCompiler): void {
    if (this.#contentDialects.has(uri)) throw new TypeError(`message content dialect ${uri} is already registered`);
    this.#contentDialects.set(uri, compile);
  }

  topicExpressionDialects(): string[] {
    return [TOPIC_DIALECTS.concrete, TOPIC_DIALECTS.concreteSet];
  }

  messageContentDialects(): string[] {
    return [...this.#contentDialects.keys()];
  }

  /** Compiles a subscription's wsnt:Filter (absent: everything passes). */
  compile(filter: XmlElement | undefined, env: FilterEnvironment): EventFilter {
    if (!filter || filter.children.length === 0) return ACCEPT_ALL;
    const unknown = filter.children.filter((c) => !this.#components.has(`{${c.ns}}${c.name}`));
    if (unknown.length) {
      throw new EventFault('InvalidFilter', `unsupported filter element(s): ${unknown.map((c) => c.name).join(', ')}`, {
        qnames: unknown.map((c) => ({ ns: c.ns, name: c.name })),
      });
    }
    const parts = filter.children.map((c) => this.#components.get(`{${c.ns}}${c.name}`)!(c, env));
    if (parts.length === 1) return parts[0]!;
    const selects = parts.filter((p) => p.select !== undefined);
    const combined: EventFilter = { accepts: (ev) => parts.every((p) => p.accepts(ev)) };
    if (selects.length > 0) combined.select = (ev) => selects.reduce((acc, p) => p.select!(acc), ev);
    return combined;
  }

  #messageContent(el: XmlElement): EventFilter {
    const dialect = (attr(el, 'Dialect') ?? '').trim();
    const compile = this.#contentDialects.get(dialect);
    if (!compile) throw new EventFault('InvalidMessageContentExpression', `message content dialect '${dialect}' is not supported`);
    try {
      const test = compile(el.text.trim(), scopeResolver(el));
      return { accepts: test };
    } catch (err) {
      if (err instanceof FilterParseError) throw new EventFault('InvalidMessageContentExpression', `invalid message content filter: ${err.message}`);
      throw err;
    }
  }
}

function topicExpressionComponent(el: XmlElement, env: FilterEnvironment): EventFilter {
  const dialect = (attr(el, 'Dialect') ?? '').trim();
  if (!TOPIC_DIALECT_ALIASES.has(dialect)) {
    throw new EventFault('TopicExpressionDialectUnknown', `topic expression dialect '${dialect}' is not supported`);
  }
  let expr;
  try {
    expr = parseTopicExpression(el.text.trim(), scopeResolver(el));
  } catch (err) {
    if (err instanceof FilterParseError) throw new EventFault('InvalidTopicExpression', `invalid topic expression: ${err.message}`);
    throw err;
  }
  if (!env.topics().some((t) => topicMatches(expr, t.path))) {
    throw new EventFault('TopicNotSupported', 'the topic expression matches no topic this node produces (see GetEventProperties)');
  }
  // Per-subscription memo: a topic's match never changes, and most traffic is a few topics.
  const memo = new Map<string, boolean>();
  return {
    accepts(ev) {
      let hit = memo.get(ev.topic.key);
      if (hit === undefined) {
        hit = topicMatches(expr, ev.topic.path);
        if (memo.size < 4096) memo.set(ev.topic.key, hit);
      }
      return hit;
    },
  };
}

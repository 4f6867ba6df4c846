/**
 * The resource query filters as wsnt:Filter components (events/filters/registry.ts), under both
 * names clients use: `tt:LocationFilter` … and unqualified `LocationFilter` … (2-33 gives their
 * types without a namespace). They combine with wsnt:TopicExpression and wsnt:MessageContent
 * (every component must accept a message). A filter whose content is invalid — a negative
 * radius, an unknown select path — is refused with wsnt:InvalidFilterFault naming it.
 *
 * Location and scope filters judge a message by the device it is about (ResourceLookup): for
 * resource messages the resource's device, for other messages the device of a token in their
 * Source. Their per-device answers are memoized per subscription (device records are immutable,
 * so a changed device is a new key).
 */
import { EventFault } from '../../events/errors.js';
import type { EventFilter, FilterRegistry } from '../../events/filters/registry.js';
import { withData, type PublishedEvent } from '../../events/message.js';
import type { XmlElement } from '../../xml/dom.js';
import { NS } from '../../xml/ns.js';
import type { ResourceDevice } from '../registry.js';
import { locationMatches, parseLocationFilter } from './location.js';
import { ResourceFilterError } from './parse.js';
import { parsePrefixFilter, prefixMatches } from './prefix.js';
import { parseScopeFilter, scopesMatch } from './scope.js';
import { parseSelectFilter, selector } from './select.js';

/** What the filters need to know about the message's subject. */
export interface ResourceLookup {
  deviceOf(ev: PublishedEvent): ResourceDevice | undefined;
  isResourceTopic(topicKey: string): boolean;
}

export const RESOURCE_FILTER_ELEMENTS = ['LocationFilter', 'PrefixFilter', 'ScopeFilter', 'SelectFilter'] as const;

function parsed<T>(el: XmlElement, parse: (el: XmlElement) => T): T {
  try {
    return parse(el);
  } catch (err) {
    if (err instanceof ResourceFilterError) {
      throw new EventFault('InvalidFilter', `invalid ${el.name}: ${err.message}`, { qnames: [{ ns: el.ns, name: el.name }] });
    }
    throw err;
  }
}

/** A per-subscription filter deciding by device, each device decided once. */
function byDevice(lookup: ResourceLookup, decide: (d: ResourceDevice) => boolean, unknown: boolean): EventFilter {
  const memo = new WeakMap<ResourceDevice, boolean>();
  return {
    accepts(ev) {
      const d = lookup.deviceOf(ev);
      if (!d) return unknown;
      let hit = memo.get(d);
      if (hit === undefined) memo.set(d, (hit = decide(d)));
      return hit;
    },
  };
}

export function registerResourceFilters(filters: FilterRegistry, lookup: ResourceLookup): void {
  const components: Record<(typeof RESOURCE_FILTER_ELEMENTS)[number], (el: XmlElement) => EventFilter> = {
    LocationFilter: (el) => {
      const q = parsed(el, parseLocationFilter);
      return byDevice(lookup, (d) => locationMatches(q, d.location), q.includeUnknown);
    },
    PrefixFilter: (el) => {
      const q = parsed(el, parsePrefixFilter);
      return { accepts: (ev) => prefixMatches(q, ev) };
    },
    ScopeFilter: (el) => {
      const q = parsed(el, parseScopeFilter);
      return byDevice(lookup, (d) => scopesMatch(q, d.scopes), false);
    },
    SelectFilter: (el) => {
      const pick = selector(parsed(el, parseSelectFilter));
      return {
        accepts: () => true,
        select: (ev) => (ev.data.length === 0 || !lookup.isResourceTopic(ev.topic.key) ? ev : withData(ev, pick(ev.data))),
      };
    },
  };
  for (const [name, parser] of Object.entries(components)) {
    filters.registerComponent(NS.tt, name, parser);
    filters.registerComponent('', name, parser);
  }
}

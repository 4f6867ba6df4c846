/**
 * Event messages: what producers publish (`EventMessage`) and what subscriptions queue
 * (`PublishedEvent`, immutable, its tt:Message and wsnt:Topic serialized once and shared by every
 * subscriber — fan-out without re-serializing). Core spec "Notification Message Format".
 */
import { el, Xml, xsDateTime } from '../xml/write.js';
import type { TopicPath } from './topic.js';

export type PropertyOperation = 'Initialized' | 'Changed' | 'Deleted';

/**
 * An item value: a string becomes a tt:SimpleItem Value; an `Xml` value (exactly one element,
 * e.g. a tt:GeoLocation) becomes a tt:ElementItem. Element prefixes must be declared on the
 * SOAP envelope (tt, tds, …) or by the element itself.
 */
export type ItemValue = string | Xml;
export type ItemPair = readonly [name: string, value: ItemValue];

export interface EventMessage {
  /** Prefixed topic text, e.g. `tns1:VideoSource/MotionAlarm` (see topic.ts). */
  topic: string;
  utcTime: Date;
  /** For property topics: Initialized (created), Changed, Deleted. Defaults to Initialized for
   *  a property instance not seen before, Changed otherwise. Not allowed on other topics. */
  propertyOperation?: PropertyOperation;
  source: ItemPair[];
  key?: ItemPair[];
  data: ItemPair[];
}

export interface Item {
  readonly name: string;
  readonly value: ItemValue;
}

/** A topic as registered with the broker: path, identity, text, and what kind of topic it is. */
export interface DeclaredTopic {
  readonly path: TopicPath;
  readonly key: string;
  readonly text: string;
  readonly isProperty: boolean;
  /** xmlns attributes the topic text needs (vendor prefixes). */
  readonly xmlns: Record<string, string>;
}

export interface PublishedEvent {
  readonly topic: DeclaredTopic;
  readonly utcTime: Date;
  readonly propertyOperation: PropertyOperation | undefined;
  readonly source: readonly Item[];
  readonly key: readonly Item[];
  readonly data: readonly Item[];
  /** Identity of the property instance (topic + Source + Key) for property topics. */
  readonly propertyId: string | undefined;
  /** `<wsnt:Topic Dialect=…>tns1:…</wsnt:Topic>` */
  readonly topicXml: Xml;
  /** `<tt:Message UtcTime=… PropertyOperation=…>…</tt:Message>` */
  readonly messageXml: Xml;
}

/** The dialect ONVIF devices label notification topics with (Core spec notification example). */
export const TOPIC_DIALECT_CONCRETE_SET = 'http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet';

export function toItems(pairs: readonly ItemPair[] | undefined): Item[] {
  return (pairs ?? []).map(([name, value]) => ({ name, value }));
}

export function buildEvent(
  topic: DeclaredTopic,
  utcTime: Date,
  propertyOperation: PropertyOperation | undefined,
  source: readonly Item[],
  key: readonly Item[],
  data: readonly Item[],
): PublishedEvent {
  const propertyId = topic.isProperty ? propertyIdentity(topic.key, source, key) : undefined;
  return {
    topic,
    utcTime,
    propertyOperation,
    source,
    key,
    data,
    propertyId,
    topicXml: el('wsnt:Topic', topic.text, { Dialect: TOPIC_DIALECT_CONCRETE_SET, ...topic.xmlns }),
    messageXml: messageXml(utcTime, propertyOperation, source, key, data),
  };
}

/**
 * Like `buildEvent`, but the wsnt:Topic and tt:Message are serialized on first use. For messages
 * made for one subscriber only (states enumerated page by page from a state provider, messages
 * reshaped by a subscription's filter): most of those a filter rejects are never serialized.
 * (A class, not an object literal with getters: V8 keeps literal accessors out of the young
 * generation, which made every enumerated message survive until a full collection.)
 */
class LazyEvent implements PublishedEvent {
  #propertyId: string | undefined | null = null;
  #topicXml: Xml | undefined;
  #messageXml: Xml | undefined;
  constructor(
    readonly topic: DeclaredTopic,
    readonly utcTime: Date,
    readonly propertyOperation: PropertyOperation | undefined,
    readonly source: readonly Item[],
    readonly key: readonly Item[],
    readonly data: readonly Item[],
  ) {}

  get propertyId(): string | undefined {
    if (this.#propertyId === null) this.#propertyId = this.topic.isProperty ? propertyIdentity(this.topic.key, this.source, this.key) : undefined;
    return this.#propertyId;
  }

  get topicXml(): Xml {
    return (this.#topicXml ??= el('wsnt:Topic', this.topic.text, { Dialect: TOPIC_DIALECT_CONCRETE_SET, ...this.topic.xmlns }));
  }

  get messageXml(): Xml {
    return (this.#messageXml ??= messageXml(this.utcTime, this.propertyOperation, this.source, this.key, this.data));
  }
}

export function lazyEvent(
  topic: DeclaredTopic,
  utcTime: Date,
  propertyOperation: PropertyOperation | undefined,
  source: readonly Item[],
  key: readonly Item[],
  data: readonly Item[],
): PublishedEvent {
  return new LazyEvent(topic, utcTime, propertyOperation, source, key, data);
}

/** The same event with other Data items (a subscription's select filter), serialized lazily. */
export function withData(ev: PublishedEvent, data: readonly Item[]): PublishedEvent {
  return lazyEvent(ev.topic, ev.utcTime, ev.propertyOperation, ev.source, ev.key, data);
}

/** The same event with another PropertyOperation (Initialized re-sends at synchronization points). */
export function withOperation(ev: PublishedEvent, op: PropertyOperation): PublishedEvent {
  if (ev.propertyOperation === op) return ev;
  // Field by field: `ev` may be a LazyEvent, whose getters a spread would not copy.
  return {
    topic: ev.topic,
    utcTime: ev.utcTime,
    propertyOperation: op,
    source: ev.source,
    key: ev.key,
    data: ev.data,
    propertyId: ev.propertyId,
    topicXml: ev.topicXml,
    messageXml: messageXml(ev.utcTime, op, ev.source, ev.key, ev.data),
  };
}

export function propertyIdentity(topicKey: string, source: readonly Item[], key: readonly Item[]): string {
  const part = (items: readonly Item[]): string[] => items.map((i) => `${i.name}=${typeof i.value === 'string' ? i.value : i.value.s}`);
  return JSON.stringify([topicKey, part(source), part(key)]);
}

function itemList(name: string, items: readonly Item[]): Xml | undefined {
  if (items.length === 0) return undefined;
  // tt:ItemList is a sequence: every SimpleItem before any ElementItem.
  const simple = items.filter((i) => typeof i.value === 'string').map((i) => el('tt:SimpleItem', undefined, { Name: i.name, Value: i.value as string }));
  const element = items.filter((i) => typeof i.value !== 'string').map((i) => el('tt:ElementItem', i.value, { Name: i.name }));
  return el(name, [simple, element]);
}

function messageXml(utcTime: Date, op: PropertyOperation | undefined, source: readonly Item[], key: readonly Item[], data: readonly Item[]): Xml {
  return el('tt:Message', [itemList('tt:Source', source), itemList('tt:Key', key), itemList('tt:Data', data)], {
    UtcTime: xsDateTime(utcTime),
    PropertyOperation: op,
  });
}

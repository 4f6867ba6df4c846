/**
 * The event broker: producers (the node itself, cameras, media configuration, resources …)
 * declare their topics and publish messages; subscriptions (pull points, WS-BaseNotification
 * consumers) attach as sinks. Publishing is synchronous and serializes each message once.
 *
 * Property topics (Core spec "Property Events") keep the current state of every property
 * instance — identified by topic, Source and Key — so new subscriptions and synchronization
 * points can report each live property as "Initialized". A "Deleted" message ends an instance.
 * Producers with very many properties keep their states themselves and register as a
 * `PropertyStateProvider` (state-provider.ts): the broker then keeps no state for their topics
 * and subscriptions enumerate them through a cursor, page by page.
 */
import type { Xml } from '../xml/write.js';
import { FilterRegistry } from './filters/registry.js';
import { buildEvent, toItems, withOperation, type DeclaredTopic, type EventMessage, type PropertyOperation, type PublishedEvent } from './message.js';
import { concatCursors, type CursorPurpose, type PropertyStateProvider, type StateCursor } from './state-provider.js';
import { topicKey, TopicNamespaces } from './topic.js';

export interface ItemDescription {
  name: string;
  /** QName of the item's type: a simple type (`xs:float`, `tt:ReferenceToken`) for a SimpleItem,
   *  a global element for an ElementItem. Its prefix must be declared on the envelope or registered. */
  type: string;
  /** ElementItem (an XML element value) instead of the default SimpleItem. */
  element?: boolean;
}

export interface MessageDescription {
  source?: ItemDescription[];
  key?: ItemDescription[];
  data?: ItemDescription[];
}

export interface TopicDeclaration {
  /** Prefixed topic text, e.g. `tns1:Monitoring/ProcessorUsage`. */
  topic: string;
  isProperty: boolean;
  messageDescription: MessageDescription;
}

export interface RegisteredTopic extends DeclaredTopic {
  readonly description: MessageDescription;
}

/** Something that receives every published message (it applies its own filter). */
export interface EventSink {
  offer(ev: PublishedEvent): void;
}

interface PropertyState {
  last: PublishedEvent;
  /** The "Initialized" rendering of `last`, built on first need and reused. */
  initialized: PublishedEvent | undefined;
}

export interface BrokerOptions {
  /** Called when a sink throws; the message still reaches every other sink. */
  onSinkError?: (err: unknown) => void;
}

export class EventBroker {
  readonly namespaces = new TopicNamespaces();
  /** Subscription filter kinds; producers with their own filter elements register them here. */
  readonly filters = new FilterRegistry();
  readonly #topics = new Map<string, RegisteredTopic>();
  /** Producer topic text → registered topic (publish looks topics up by their text). */
  readonly #byText = new Map<string, RegisteredTopic>();
  readonly #states = new Map<string, PropertyState>();
  readonly #lastByTopic = new Map<string, PublishedEvent>();
  readonly #sinks = new Set<EventSink>();
  readonly #topicListeners = new Set<() => void>();
  readonly #providers = new Set<PropertyStateProvider>();
  readonly #opts: BrokerOptions;

  constructor(opts: BrokerOptions = {}) {
    this.#opts = opts;
  }

  /**
   * Declares a topic (idempotent for an identical declaration). Declared topics make up
   * GetEventProperties' topic set, and only they may be published or subscribed to.
   */
  declareTopic(d: TopicDeclaration): RegisteredTopic {
    const path = this.namespaces.parse(d.topic);
    const key = topicKey(path);
    const existing = this.#topics.get(key);
    if (existing) {
      if (existing.isProperty !== d.isProperty || JSON.stringify(existing.description) !== JSON.stringify(d.messageDescription)) {
        throw new TypeError(`topic ${d.topic} is already declared differently`);
      }
      this.#byText.set(d.topic, existing);
      return existing;
    }
    const names = [...(d.messageDescription.source ?? []), ...(d.messageDescription.key ?? []), ...(d.messageDescription.data ?? [])].map((i) => i.name);
    if (new Set(names).size !== names.length) throw new TypeError(`topic ${d.topic}: item names must be unique across Source, Key and Data`);
    if (!d.isProperty && d.messageDescription.key?.length) throw new TypeError(`topic ${d.topic}: only property topics have Key items`);
    const topic: RegisteredTopic = Object.freeze({
      path,
      key,
      text: this.namespaces.format(path),
      isProperty: d.isProperty,
      xmlns: this.namespaces.declarations(path),
      description: structuredClone(d.messageDescription),
    });
    this.#topics.set(key, topic);
    this.#byText.set(d.topic, topic);
    for (const fn of this.#topicListeners) fn();
    return topic;
  }

  topics(): RegisteredTopic[] {
    return [...this.#topics.values()];
  }

  topicByKey(key: string): RegisteredTopic | undefined {
    return this.#topics.get(key);
  }

  /** Notified when the topic set grows (e.g. to drop cached GetEventProperties documents). */
  onTopicsChanged(fn: () => void): () => void {
    this.#topicListeners.add(fn);
    return () => this.#topicListeners.delete(fn);
  }

  /** Publishes a message to every attached sink. Throws TypeError for an undeclared topic. */
  publish(msg: EventMessage): PublishedEvent {
    const topic = this.#byText.get(msg.topic) ?? this.#topics.get(topicKey(this.namespaces.parse(msg.topic)));
    if (!topic) throw new TypeError(`topic ${msg.topic} is not declared`);
    if (!(msg.utcTime instanceof Date) || Number.isNaN(msg.utcTime.getTime())) throw new TypeError('utcTime must be a valid Date');
    const source = toItems(msg.source);
    const key = toItems(msg.key);
    const data = toItems(msg.data);
    let op: PropertyOperation | undefined = msg.propertyOperation;
    if (!topic.isProperty && op !== undefined) throw new TypeError(`topic ${msg.topic} is not a property; PropertyOperation is not allowed`);
    if (topic.isProperty && key.length === 0 && (topic.description.key?.length ?? 0) > 0) {
      throw new TypeError(`topic ${msg.topic} needs its Key items`);
    }
    let ev = buildEvent(topic, msg.utcTime, op, source, key, data);
    if (topic.isProperty && this.#providedBy(topic.key)) {
      // The provider keeps this state and knows which operation it is.
      if (op === undefined) throw new TypeError(`topic ${msg.topic}: a state provider's messages carry their PropertyOperation`);
    } else if (topic.isProperty) {
      const id = ev.propertyId!;
      const known = this.#states.has(id);
      if (op === undefined) {
        op = known ? 'Changed' : 'Initialized';
        ev = withOperation(ev, op);
      }
      if (op === 'Deleted') this.#states.delete(id);
      else this.#states.set(id, { last: ev, initialized: op === 'Initialized' ? ev : undefined });
    }
    this.#lastByTopic.set(topic.key, ev);
    for (const sink of this.#sinks) {
      try {
        sink.offer(ev);
      } catch (err) {
        this.#opts.onSinkError?.(err);
      }
    }
    return ev;
  }

  /** Every live property instance, as "Initialized" messages (oldest instance first). */
  currentStates(): PublishedEvent[] {
    const out: PublishedEvent[] = [];
    for (const s of this.#states.values()) {
      s.initialized ??= withOperation(s.last, 'Initialized');
      out.push(s.initialized);
    }
    return out;
  }

  /**
   * Registers a producer that keeps the property states of its topics itself (see
   * state-provider.ts). Returns a function that unregisters it.
   */
  addStateProvider(provider: PropertyStateProvider): () => void {
    this.#providers.add(provider);
    return () => this.#providers.delete(provider);
  }

  /** A cursor over the states every provider keeps (undefined when there are no providers). */
  openProvidedStates(purpose: CursorPurpose): StateCursor | undefined {
    return concatCursors([...this.#providers].map((p) => p.open(purpose)));
  }

  #providedBy(key: string): boolean {
    for (const p of this.#providers) if (p.owns(key)) return true;
    return false;
  }

  /** The last message published on a topic (WS-BaseNotification GetCurrentMessage). */
  lastMessage(key: string): PublishedEvent | undefined {
    return this.#lastByTopic.get(key);
  }

  attach(sink: EventSink): () => void {
    this.#sinks.add(sink);
    return () => this.#sinks.delete(sink);
  }

  get sinkCount(): number {
    return this.#sinks.size;
  }
}

export type { EventMessage, PublishedEvent, PropertyOperation, Xml };

/**
 * The resource registry (IEC 62676-2-33 §7): every resource a client may query — media profiles,
 * configurations, sources, later recordings — as one compact record each, grouped by the device
 * (camera) it belongs to, whose location, scopes and online state the resource events report.
 *
 * It is the broker's state provider for the resource topics (see events/state-provider.ts):
 * changes are published at once as property events (Initialized on addition, Changed when a
 * reported item changes — Name, Location, Scope, Offline — and Deleted on removal), and each
 * subscription enumerates the current states through its own cursor, building messages only for
 * the page its client takes. Records are kept in a Map, whose iteration order is insertion order
 * and which visits entries added during iteration and skips those deleted before being reached:
 * exactly the cursor semantics the state provider contract asks for.
 */
import type { EventBroker, RegisteredTopic } from '../events/broker.js';
import { lazyEvent, type Item, type PropertyOperation, type PublishedEvent } from '../events/message.js';
import type { CursorPurpose, PropertyStateProvider, StateCursor } from '../events/state-provider.js';
import type { GeoLocation } from '../media/model/types.js';
import { el } from '../xml/write.js';
import { declareResourceTopic, resourceTopic, type ResourceKind } from './topics.js';

/** A device (camera, the node itself) as its resources report it. Immutable: replaced on change. */
export interface ResourceDevice {
  readonly id: string;
  /** Token prefix of the device's resources (2-33 §6.2). */
  readonly prefix: string;
  readonly location: GeoLocation | undefined;
  readonly scopes: readonly string[];
  readonly online: boolean;
}

export interface ResourceProps {
  name?: string | undefined;
  /** The device the resource belongs to (its location, scopes and online state). */
  deviceId?: string | undefined;
}

interface ResourceRecord {
  readonly seq: number;
  readonly kind: ResourceKind;
  readonly token: string;
  name: string | undefined;
  deviceId: string | undefined;
}

export interface RegistryOptions {
  /** The node's clock (ms since the epoch): the UtcTime of the messages. */
  now(): number;
}

export interface ResourceView {
  kind: ResourceKind;
  token: string;
  name: string | undefined;
  device: ResourceDevice | undefined;
}

function key(kind: ResourceKind, token: string): string {
  return `${kind}\n${token}`;
}

export class ResourceRegistry implements PropertyStateProvider {
  readonly #broker: EventBroker;
  readonly #now: () => number;
  readonly #records = new Map<string, ResourceRecord>();
  readonly #devices = new Map<string, ResourceDevice>();
  readonly #byDevice = new Map<string, Set<ResourceRecord>>();
  readonly #deviceByPrefix = new Map<string, string>();
  readonly #topics = new Map<ResourceKind, RegisteredTopic>();
  /** Topic key → kind, for the messages filters and cursors look at. */
  readonly #kindByTopic = new Map<string, ResourceKind>();
  /** Data items every resource of a device shares (Scope, Offline, Location), built once per device state. */
  readonly #deviceItems = new WeakMap<ResourceDevice, Item[]>();
  #seq = 0;

  constructor(broker: EventBroker, opts: RegistryOptions) {
    this.#broker = broker;
    this.#now = opts.now;
  }

  /** Declares the topic of a kind; GetEventProperties then lists it. Idempotent. */
  declare(kind: ResourceKind): void {
    if (this.#topics.has(kind)) return;
    const topic = declareResourceTopic(this.#broker, kind);
    this.#topics.set(kind, topic);
    this.#kindByTopic.set(topic.key, kind);
  }

  get size(): number {
    return this.#records.size;
  }

  // ---- devices ----

  /** Adds or updates a device; its resources report a change of location, scopes or online state. */
  setDevice(device: ResourceDevice): void {
    const next = Object.freeze({ ...device, scopes: Object.freeze([...device.scopes]) });
    const prev = this.#devices.get(device.id);
    if (prev && prev.prefix !== next.prefix && this.#deviceByPrefix.get(prev.prefix) === prev.id) this.#deviceByPrefix.delete(prev.prefix);
    this.#devices.set(next.id, next);
    this.#deviceByPrefix.set(next.prefix, next.id);
    if (!prev || sameReport(prev, next)) return;
    const utc = this.#utc();
    for (const r of this.#byDevice.get(next.id) ?? []) this.#publish(r, 'Changed', utc);
  }

  setOnline(deviceId: string, online: boolean): void {
    const d = this.#devices.get(deviceId);
    if (d && d.online !== online) this.setDevice({ ...d, online });
  }

  /** Removes a device and every resource still attached to it. */
  removeDevice(deviceId: string): void {
    for (const r of [...(this.#byDevice.get(deviceId) ?? [])]) this.remove(r.kind, r.token);
    const d = this.#devices.get(deviceId);
    if (!d) return;
    this.#devices.delete(deviceId);
    this.#byDevice.delete(deviceId);
    if (this.#deviceByPrefix.get(d.prefix) === deviceId) this.#deviceByPrefix.delete(d.prefix);
  }

  device(id: string): ResourceDevice | undefined {
    return this.#devices.get(id);
  }

  // ---- resources ----

  /** Adds a resource (Initialized) or updates it (Changed, only when a reported item changes). */
  put(kind: ResourceKind, token: string, props: ResourceProps = {}): void {
    this.declare(kind);
    const k = key(kind, token);
    const existing = this.#records.get(k);
    if (!existing) {
      const r: ResourceRecord = { seq: ++this.#seq, kind, token, name: props.name, deviceId: props.deviceId };
      this.#records.set(k, r);
      this.#attach(r);
      this.#publish(r, 'Initialized', this.#utc());
      return;
    }
    const before = this.#data(existing);
    if (existing.deviceId !== props.deviceId) {
      this.#detach(existing);
      existing.deviceId = props.deviceId;
      this.#attach(existing);
    }
    existing.name = props.name;
    if (!sameItems(before, this.#data(existing))) this.#publish(existing, 'Changed', this.#utc());
  }

  /** Removes a resource (Deleted). */
  remove(kind: ResourceKind, token: string): void {
    const k = key(kind, token);
    const r = this.#records.get(k);
    if (!r) return;
    // Published while the record is still found: cursors decide from its sequence number.
    this.#publish(r, 'Deleted', this.#utc());
    this.#records.delete(k);
    this.#detach(r);
  }

  get(kind: ResourceKind, token: string): ResourceView | undefined {
    const r = this.#records.get(key(kind, token));
    return r && this.#viewOf(r);
  }

  /** Every resource, in registry order (for tests and tools; subscriptions use cursors). */
  *list(): IterableIterator<ResourceView> {
    for (const r of this.#records.values()) yield this.#viewOf(r);
  }

  // ---- what filters ask ----

  /** Whether the topic (by key) is one of the resource topics. */
  isResourceTopic(topicKey: string): boolean {
    return this.#kindByTopic.has(topicKey);
  }

  /**
   * The device a message is about: for resource messages the resource's device, for any other
   * message the device whose token prefix a Source item carries; undefined if none.
   */
  deviceOf(ev: PublishedEvent): ResourceDevice | undefined {
    const record = this.#recordOf(ev);
    if (record) return record.deviceId === undefined ? undefined : this.#devices.get(record.deviceId);
    for (const item of ev.source) {
      if (typeof item.value !== 'string') continue;
      const i = item.value.indexOf(':');
      const id = i > 0 ? this.#deviceByPrefix.get(item.value.slice(0, i)) : undefined;
      if (id !== undefined) return this.#devices.get(id);
    }
    return undefined;
  }

  // ---- state provider ----

  owns(topicKey: string): boolean {
    return this.#kindByTopic.has(topicKey);
  }

  /**
   * A cursor in registry order. `lastSeq` is the sequence number of the last record reported:
   * records with a higher one are still ahead (added later ones included, as Map iteration
   * reaches them); once the iterator is done nothing is ahead any more. Deleted messages are
   * held back only from a new subscription, which cannot know the resource yet.
   */
  open(purpose: CursorPurpose = 'subscribe'): StateCursor {
    const it = this.#records.values();
    let lastSeq = 0;
    let done = false;
    return {
      next: () => {
        if (done) return undefined;
        const step = it.next();
        if (step.done) {
          done = true;
          return undefined;
        }
        lastSeq = step.value.seq;
        return this.#event(step.value, 'Initialized', this.#utc());
      },
      ahead: (ev) => {
        if (done || (purpose === 'synchronize' && ev.propertyOperation === 'Deleted')) return false;
        const record = this.#recordOf(ev);
        return record !== undefined && record.seq > lastSeq;
      },
    };
  }

  // ---- internals ----

  #recordOf(ev: PublishedEvent): ResourceRecord | undefined {
    const kind = this.#kindByTopic.get(ev.topic.key);
    if (kind === undefined) return undefined;
    const token = ev.source[0]?.name === 'Token' ? ev.source[0].value : ev.source.find((i) => i.name === 'Token')?.value;
    return typeof token === 'string' ? this.#records.get(key(kind, token)) : undefined;
  }

  #viewOf(r: ResourceRecord): ResourceView {
    return { kind: r.kind, token: r.token, name: r.name, device: r.deviceId === undefined ? undefined : this.#devices.get(r.deviceId) };
  }

  #attach(r: ResourceRecord): void {
    if (r.deviceId === undefined) return;
    let set = this.#byDevice.get(r.deviceId);
    if (!set) this.#byDevice.set(r.deviceId, (set = new Set()));
    set.add(r);
  }

  #detach(r: ResourceRecord): void {
    if (r.deviceId === undefined) return;
    const set = this.#byDevice.get(r.deviceId);
    set?.delete(r);
  }

  #utc(): Date {
    return new Date(this.#now());
  }

  /** The Data items a record reports now. */
  #data(r: ResourceRecord): Item[] {
    const device = r.deviceId === undefined ? undefined : this.#devices.get(r.deviceId);
    const shared = device ? this.#sharedItems(device) : NO_DEVICE_ITEMS;
    return r.name === undefined ? shared : [{ name: 'Name', value: r.name }, ...shared];
  }

  #sharedItems(d: ResourceDevice): Item[] {
    let items = this.#deviceItems.get(d);
    if (!items) {
      items = [...d.scopes.map((s) => ({ name: 'Scope', value: s })), { name: 'Offline', value: String(!d.online) }];
      if (d.location) items.push({ name: 'Location', value: geoLocationXml(d.location) });
      this.#deviceItems.set(d, items);
    }
    return items;
  }

  #event(r: ResourceRecord, op: PropertyOperation, utc: Date): PublishedEvent {
    return lazyEvent(this.#topics.get(r.kind)!, utc, op, [{ name: 'Token', value: r.token }], [], op === 'Deleted' ? [] : this.#data(r));
  }

  #publish(r: ResourceRecord, op: PropertyOperation, utc: Date): void {
    // Nobody to tell (e.g. while the node loads its cameras): the records are the state, and a
    // subscription made later enumerates them. Saves serializing one message per resource.
    if (this.#broker.sinkCount === 0) return;
    const data = op === 'Deleted' ? [] : this.#data(r).map((i) => [i.name, i.value] as const);
    this.#broker.publish({ topic: resourceTopic(r.kind), utcTime: utc, propertyOperation: op, source: [['Token', r.token]], data });
  }
}

const NO_DEVICE_ITEMS: Item[] = [{ name: 'Offline', value: 'false' }];

/** `<tt:GeoLocation lon=… lat=… elevation=…/>`, the Location item's element (2-33 §7.2). */
export function geoLocationXml(g: GeoLocation): ReturnType<typeof el> {
  return el('tt:GeoLocation', undefined, { lon: g.lon, lat: g.lat, elevation: g.elevation });
}

function sameReport(a: ResourceDevice, b: ResourceDevice): boolean {
  return (
    a.online === b.online &&
    a.location?.lat === b.location?.lat &&
    a.location?.lon === b.location?.lon &&
    a.location?.elevation === b.location?.elevation &&
    a.scopes.length === b.scopes.length &&
    a.scopes.every((s, i) => s === b.scopes[i])
  );
}

function sameItems(a: readonly Item[], b: readonly Item[]): boolean {
  const text = (i: Item): string => `${i.name}=${typeof i.value === 'string' ? i.value : i.value.s}`;
  return a.length === b.length && a.every((x, i) => text(x) === text(b[i]!));
}

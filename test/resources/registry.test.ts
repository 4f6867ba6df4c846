/**
 * The resource registry as the broker's state provider: resource events (Initialized, Changed
 * only when a reported item changes, Deleted), GetEventProperties' message description, pages
 * built lazily as a pull point's client takes them (never more states than a page), and — with
 * fast-check — that any interleaving of additions, changes, removals, device changes and pulls
 * of any size gives every subscriber each resource Initialized exactly once before any Changed
 * or Deleted, and, once drained, exactly the registry's state.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EventBroker } from '../../src/events/broker.js';
import { ACCEPT_ALL } from '../../src/events/filters/registry.js';
import type { PublishedEvent } from '../../src/events/message.js';
import type { StateCursor } from '../../src/events/state-provider.js';
import { SubscriptionManager } from '../../src/events/subscriptions.js';
import { ResourceRegistry, type ResourceDevice } from '../../src/resources/registry.js';
import { getEventPropertiesResponse } from '../../src/services/events/properties.js';
import { registerResourceFilters } from '../../src/resources/filters/register.js';
import { parseXml } from '../../src/xml/parse.js';

const T0 = Date.UTC(2025, 0, 1);

function setup(queueCapacity = 1000) {
  const broker = new EventBroker();
  const registry = new ResourceRegistry(broker, { now: () => T0 });
  registry.declare('MediaProfile');
  registry.declare('VideoSource');
  broker.addStateProvider(registry);
  registerResourceFilters(broker.filters, registry);
  const manager = new SubscriptionManager(broker, { now: () => T0, sweepIntervalMs: 0, limits: { queueCapacity } });
  return { broker, registry, manager };
}

const cam = (id: string, over: Partial<ResourceDevice> = {}): ResourceDevice => ({
  id, prefix: id.toUpperCase(), location: { lat: 48.85, lon: 2.35, elevation: 30 }, scopes: [`onvif://www.onvif.org/name/${id}`], online: true, ...over,
});

interface Seen {
  topic: string;
  op: string | undefined;
  token: string;
  items: string[];
}

function seen(ev: PublishedEvent): Seen {
  return {
    topic: ev.topic.text,
    op: ev.propertyOperation,
    token: String(ev.source[0]!.value),
    items: ev.data.map((i) => `${i.name}=${typeof i.value === 'string' ? i.value : i.value.s}`),
  };
}

describe('resource registry', () => {
  test('topics are properties with the 2-33 §7.2 message description', () => {
    const { broker } = setup();
    const xml = getEventPropertiesResponse(broker).s;
    assert.match(
      xml,
      /<tns1:Resource><MediaProfile wstop:topic="true"><tt:MessageDescription IsProperty="true"><tt:Source><tt:SimpleItemDescription Name="Token" Type="tt:ReferenceToken"\/><\/tt:Source><tt:Data><tt:SimpleItemDescription Name="Name" Type="xs:string"\/><tt:SimpleItemDescription Name="Scope" Type="xs:string"\/><tt:SimpleItemDescription Name="Offline" Type="xs:boolean"\/><tt:ElementItemDescription Name="Location" Type="tt:GeoLocation"\/><\/tt:Data><\/tt:MessageDescription><\/MediaProfile><VideoSource wstop:topic="true">/,
    );
  });

  test('published operations: Initialized, Changed only when Name/Location/Scope/Offline change, Deleted', () => {
    const { broker, registry } = setup();
    const got: Seen[] = [];
    broker.attach({ offer: (ev) => got.push(seen(ev)) });
    registry.setDevice(cam('c1'));
    registry.put('MediaProfile', 'C1:main', { name: 'Main', deviceId: 'c1' });
    registry.put('MediaProfile', 'C1:main', { name: 'Main', deviceId: 'c1' });
    registry.put('MediaProfile', 'C1:main', { name: 'Main 2', deviceId: 'c1' });
    registry.setOnline('c1', false);
    registry.setOnline('c1', false);
    registry.setDevice(cam('c1', { online: false }));
    registry.put('MediaProfile', 'VSS:P1', { name: 'Empty' });
    registry.remove('MediaProfile', 'C1:main');
    registry.remove('MediaProfile', 'C1:main');
    const loc = 'Location=<tt:GeoLocation lon="2.35" lat="48.85" elevation="30"/>';
    assert.deepEqual(got, [
      { topic: 'tns1:Resource/MediaProfile', op: 'Initialized', token: 'C1:main', items: ['Name=Main', 'Scope=onvif://www.onvif.org/name/c1', 'Offline=false', loc] },
      { topic: 'tns1:Resource/MediaProfile', op: 'Changed', token: 'C1:main', items: ['Name=Main 2', 'Scope=onvif://www.onvif.org/name/c1', 'Offline=false', loc] },
      { topic: 'tns1:Resource/MediaProfile', op: 'Changed', token: 'C1:main', items: ['Name=Main 2', 'Scope=onvif://www.onvif.org/name/c1', 'Offline=true', loc] },
      { topic: 'tns1:Resource/MediaProfile', op: 'Initialized', token: 'VSS:P1', items: ['Name=Empty', 'Offline=false'] },
      { topic: 'tns1:Resource/MediaProfile', op: 'Deleted', token: 'C1:main', items: [] },
    ]);
    assert.deepEqual(broker.currentStates(), [], 'the broker keeps no resource states itself');
  });

  test('a pull point gets the states page by page; the cursor is read only as far as a page', async () => {
    const { broker, registry, manager } = setup();
    registry.setDevice(cam('c1'));
    for (let i = 0; i < 2500; i++) registry.put('MediaProfile', `C1:p${i}`, { name: `P${i}`, deviceId: 'c1' });
    // Count what the subscription reads from the registry's cursor.
    let reads = 0;
    broker.addStateProvider({
      owns: () => false,
      open: (): StateCursor => ({ next: () => (reads++, undefined), ahead: () => false }),
    });
    const real = registry.open.bind(registry);
    registry.open = () => {
      const c = real();
      return { next: () => (reads++, c.next()), ahead: (ev) => c.ahead(ev) };
    };
    const sub = manager.createPull({ owner: 'u', filter: ACCEPT_ALL, changedOnly: false, initialTermination: undefined });
    assert.equal(reads, 0, 'nothing is enumerated before the client pulls');
    assert.equal(sub.queued, 0);
    const first = await manager.pull(sub, 0, 1000);
    assert.equal(first.length, 1000);
    assert.equal(reads, 1000);
    const tokens = new Set(first.map((e) => String(e.source[0]!.value)));
    for (;;) {
      const page = await manager.pull(sub, 0, 1000);
      if (page.length === 0) break;
      for (const e of page) {
        assert.equal(e.propertyOperation, 'Initialized');
        tokens.add(String(e.source[0]!.value));
      }
    }
    assert.equal(tokens.size, 2500);
    assert.equal(sub.snapshotPending, false);
    manager.close();
  });

  test('filters apply to the states: a LocationFilter reads the whole cursor but returns only matches', async () => {
    const { broker, registry, manager } = setup();
    registry.setDevice(cam('near'));
    registry.setDevice(cam('far', { location: { lat: 48.86, lon: 2.35 } }));
    registry.setDevice(cam('nowhere', { location: undefined }));
    for (const d of ['near', 'far', 'nowhere']) for (let i = 0; i < 3; i++) registry.put('MediaProfile', `${d.toUpperCase()}:p${i}`, { deviceId: d });
    registry.put('VideoSource', 'NEAR:VS', { deviceId: 'near' });
    const filter = broker.filters.compile(
      parseXml(
        `<Filter><wsnt:TopicExpression xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" xmlns:tns1="http://www.onvif.org/ver10/topics" Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">tns1:Resource/MediaProfile</wsnt:TopicExpression>` +
          '<LocationFilter><lon>2.35</lon><lat>48.85</lat><radius>100</radius></LocationFilter></Filter>',
      ),
      { topics: () => broker.topics() },
    );
    const sub = manager.createPull({ owner: 'u', filter, changedOnly: false, initialTermination: undefined });
    const page = await manager.pull(sub, 0, 1);
    assert.deepEqual(page.map((e) => e.source[0]!.value), ['NEAR:p0']);
    const rest = await manager.pull(sub, 0, 100);
    assert.deepEqual(rest.map((e) => e.source[0]!.value), ['NEAR:p1', 'NEAR:p2']);
    manager.close();
  });

  test('fuzz: any interleaving of changes and pulls: Initialized once first, and the drained view equals the registry', async () => {
    type Op =
      | { t: 'put'; token: number; name: number; dev: number }
      | { t: 'remove'; token: number }
      | { t: 'online'; dev: number; online: boolean }
      | { t: 'pull'; limit: number }
      | { t: 'sync' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 5, arbitrary: fc.record({ t: fc.constant('put' as const), token: fc.nat(30), name: fc.nat(2), dev: fc.nat(2) }) },
      { weight: 2, arbitrary: fc.record({ t: fc.constant('remove' as const), token: fc.nat(30) }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('online' as const), dev: fc.nat(2), online: fc.boolean() }) },
      { weight: 3, arbitrary: fc.record({ t: fc.constant('pull' as const), limit: fc.integer({ min: 1, max: 7 }) }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('sync' as const) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), fc.array(op, { maxLength: 60 }), async (before, during) => {
        const { registry, manager } = setup();
        for (let d = 0; d <= 2; d++) registry.setDevice(cam(`d${d}`));
        const apply = async (o: Op, sub?: ReturnType<typeof manager.createPull>, view?: Map<string, string[]>): Promise<void> => {
          if (o.t === 'put') registry.put('MediaProfile', `D:t${o.token}`, { name: `n${o.name}`, deviceId: `d${o.dev}` });
          else if (o.t === 'remove') registry.remove('MediaProfile', `D:t${o.token}`);
          else if (o.t === 'online') registry.setOnline(`d${o.dev}`, o.online);
          else if (sub && view && o.t === 'sync') manager.synchronize(sub);
          else if (sub && view && o.t === 'pull') take(view, await manager.pull(sub, 0, o.limit));
        };
        // The client's view: token → its items; Initialized may come again only after a sync
        // point (it then replaces the view), Changed/Deleted only for a known token.
        let syncs = 0;
        const take = (view: Map<string, string[]>, page: PublishedEvent[]): void => {
          for (const e of page) {
            const s = seen(e);
            if (s.op === 'Initialized') {
              assert.ok(syncs > 0 || !view.has(s.token), `second Initialized for ${s.token} without a sync point`);
              view.set(s.token, s.items);
            } else if (s.op === 'Deleted' && syncs > 0) {
              view.delete(s.token); // after a sync point, Deleted may name what this client never saw
            } else {
              assert.ok(view.has(s.token), `${s.op} for ${s.token} before its Initialized`);
              if (s.op === 'Deleted') view.delete(s.token);
              else view.set(s.token, s.items);
            }
          }
        };
        for (const o of before) await apply(o);
        const sub = manager.createPull({ owner: 'u', filter: ACCEPT_ALL, changedOnly: false, initialTermination: undefined });
        const view = new Map<string, string[]>();
        for (const o of during) {
          if (o.t === 'sync') syncs++;
          await apply(o, sub, view);
        }
        for (let page = await manager.pull(sub, 0, 1000); page.length > 0; page = await manager.pull(sub, 0, 1000)) take(view, page);
        const want = new Map([...registry.list()].map((r) => [r.token, [
          ...(r.name === undefined ? [] : [`Name=${r.name}`]),
          ...r.device!.scopes.map((x) => `Scope=${x}`),
          `Offline=${!r.device!.online}`,
          'Location=<tt:GeoLocation lon="2.35" lat="48.85" elevation="30"/>',
        ]]));
        assert.deepEqual(view, want);
        assert.equal(sub.dropped, 0);
        manager.close();
      }),
      { numRuns: 300 },
    );
  });
});

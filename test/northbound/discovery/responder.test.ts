// The responder over real UDP sockets, on loopback only (127.0.0.1, multicast disabled).
// "No reply" is proven without timing: unicast probes are answered in arrival order, so once the
// reply to a later sentinel probe has arrived, an earlier datagram that got none never will.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { DiscoveryResponder, type DiscoveryOptions, type InterfaceList } from '../../../src/northbound/discovery/responder.js';
import { buildProbe, MATCH_BY_STRCMP0 } from '../../../src/northbound/discovery/messages.js';
import { parseXml } from '../../../src/xml/parse.js';
import { child, childText, type XmlElement } from '../../../src/xml/dom.js';
import { NS } from '../../../src/xml/ns.js';
import { validateDiscovery } from './validate.js';

const LOOPBACK = '127.0.0.1';
const EPR = 'urn:uuid:5c1e7d2a-8f3b-4a6c-9d0e-1f2a3b4c5d6e';
const WAIT_GUARD_MS = 5_000; // only fails a hung test; nothing asserts on time

const quietLog = { info: (): void => undefined, warn: (): void => undefined, debug: (): void => undefined };

let scopes = ['onvif://www.onvif.org/location/city/paris', 'onvif://www.onvif.org/name/cam1', 'onvif://www.onvif.org/Profile/Streaming'];

async function startResponder(over: Partial<DiscoveryOptions> = {}): Promise<DiscoveryResponder> {
  const r = new DiscoveryResponder({
    endpointReference: EPR,
    types: () => ['dn:NetworkVideoTransmitter', 'tds:Device'],
    scopes: () => scopes,
    xaddrs: () => ['http://192.0.2.7:8080/onvif/device_service', `http://${LOOPBACK}:8080/onvif/device_service`],
    discoverable: () => true,
    log: quietLog,
    port: 0,
    bindAddress: LOOPBACK,
    multicast: false,
    ...over,
  });
  await r.start();
  return r;
}

interface Reply {
  text: string;
  env: XmlElement;
  relatesTo: string | undefined;
}

class Client {
  readonly #socket: Socket;
  readonly #replies: Reply[] = [];
  #wake: (() => void) | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('message', (msg) => {
      const text = msg.toString('utf8');
      const env = parseXml(text);
      this.#replies.push({ text, env, relatesTo: childText(child(env, 'Header', NS.env), 'RelatesTo', NS.wsa2004) });
      this.#wake?.();
    });
  }

  static async open(): Promise<Client> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
    return new Client(socket);
  }

  send(data: string | Buffer, port: number): Promise<void> {
    return new Promise((resolve, reject) => this.#socket.send(data, port, LOOPBACK, (err) => (err ? reject(err) : resolve())));
  }

  /** Sends a probe and returns its reply, plus every other datagram that arrived before it. */
  async exchange(data: string | Buffer, messageId: string, port: number): Promise<{ reply: Reply; before: Reply[] }> {
    const start = this.#replies.length;
    await this.send(data, port);
    const i = await this.#waitFor(messageId, start);
    return { reply: this.#replies[i]!, before: this.#replies.slice(start, i) };
  }

  /** Sends `data`, then a sentinel probe; returns what arrived before the sentinel's reply (should be nothing). */
  async repliesBefore(data: string | Buffer, port: number): Promise<Reply[]> {
    const start = this.#replies.length;
    await this.send(data, port);
    const id = `urn:uuid:${randomUUID()}`;
    await this.send(buildProbe(id), port);
    return this.#replies.slice(start, await this.#waitFor(id, start));
  }

  async #waitFor(messageId: string, from: number): Promise<number> {
    const deadline = Date.now() + WAIT_GUARD_MS;
    const guard = setTimeout(() => this.#wake?.(), WAIT_GUARD_MS);
    try {
      for (;;) {
        const i = this.#replies.findIndex((r, k) => k >= from && r.relatesTo === messageId);
        if (i >= 0) return i;
        if (Date.now() >= deadline) throw new Error(`no reply to ${messageId}`);
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    } finally {
      clearTimeout(guard);
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(resolve));
  }
}

function probeId(): string {
  return `urn:uuid:${randomUUID()}`;
}

function body(r: Reply): XmlElement {
  return child(r.env, 'Body', NS.env)!.children[0]!;
}

function probeMatch(r: Reply): XmlElement {
  const pm = body(r);
  assert.equal(pm.name, 'ProbeMatches', r.text);
  return child(pm, 'ProbeMatch', NS.d)!;
}

function rawProbe(id: string, probeInner: string, decls = ''): string {
  return (
    `<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing"${decls}>` +
    `<soap:Header><w:MessageID>${id}</w:MessageID><w:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To>` +
    '<w:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</w:Action></soap:Header>' +
    `<soap:Body><q:Probe xmlns:q="http://schemas.xmlsoap.org/ws/2005/04/discovery">${probeInner}</q:Probe></soap:Body></soap:Envelope>`
  );
}

void test('unicast probes over loopback', async (t) => {
  scopes = ['onvif://www.onvif.org/location/city/paris', 'onvif://www.onvif.org/name/cam1', 'onvif://www.onvif.org/Profile/Streaming'];
  const responder = await startResponder();
  const client = await Client.open();
  const port = responder.port;
  t.after(async () => {
    await client.close();
    await responder.close();
  });
  const wire: Record<string, string> = {};

  await t.test('(a) a probe without types or scopes matches, with complete addressing', async () => {
    const id = probeId();
    const { reply } = await client.exchange(buildProbe(id), id, port);
    wire.probeMatches = reply.text;
    const header = child(reply.env, 'Header', NS.env)!;
    assert.equal(childText(header, 'Action', NS.wsa2004), 'http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches');
    assert.match(childText(header, 'MessageID', NS.wsa2004)!, /^urn:uuid:[0-9a-f-]{36}$/);
    assert.notEqual(childText(header, 'MessageID', NS.wsa2004), id);
    const seq = child(header, 'AppSequence', NS.d)!;
    assert.equal(Number(seq.attrs.get('InstanceId')), Math.floor(performance.timeOrigin / 1000));
    const match = probeMatch(reply);
    assert.equal(childText(child(match, 'EndpointReference', NS.wsa2004), 'Address', NS.wsa2004), EPR);
    assert.deepEqual(childText(match, 'Scopes', NS.d)!.split(' '), scopes);
    assert.equal(childText(match, 'MetadataVersion', NS.d), '1');
    // The probe arrived on 127.0.0.1, so only the XAddr naming that address is offered.
    assert.equal(childText(match, 'XAddrs', NS.d), `http://${LOOPBACK}:8080/onvif/device_service`);
    const types = child(match, 'Types', NS.d)!;
    assert.deepEqual(types.text.split(' ').map((q) => {
      const i = q.indexOf(':');
      return `{${types.nsScope.get(q.substring(0, i))}}${q.substring(i + 1)}`;
    }), [`{${NS.dn}}NetworkVideoTransmitter`, `{${NS.tds}}Device`]);
  });

  await t.test('(b) dn:NetworkVideoTransmitter matches under any prefix', async () => {
    for (const prefix of ['dn', 'nvt', 'x9']) {
      const id = probeId();
      const xml = rawProbe(id, `<q:Types xmlns:${prefix}="${NS.dn}">${prefix}:NetworkVideoTransmitter</q:Types>`);
      const { reply } = await client.exchange(xml, id, port);
      probeMatch(reply);
    }
    // Declared on the envelope, with a default namespace in play, and both types at once.
    const id = probeId();
    const xml = rawProbe(id, '<q:Types>a:Device b:NetworkVideoTransmitter</q:Types><q:Scopes/>', ` xmlns:a="${NS.tds}" xmlns:b="${NS.dn}" xmlns="urn:unrelated"`);
    probeMatch((await client.exchange(xml, id, port)).reply);
  });

  await t.test('(c) a type we do not have gets no reply', async () => {
    // The sentinel method does see replies when there are some, so the empty results below mean something.
    assert.equal((await client.repliesBefore(buildProbe(probeId()), port)).length, 1);
    const id = probeId();
    const xml = rawProbe(id, `<q:Types xmlns:dn="${NS.dn}">dn:NetworkVideoDisplay</q:Types>`);
    assert.deepEqual(await client.repliesBefore(xml, port), []);
    const other = buildProbe(probeId(), { types: [{ ns: 'urn:elsewhere', name: 'NetworkVideoTransmitter' }] });
    assert.deepEqual(await client.repliesBefore(other, port), []);
  });

  await t.test('(d) scopes match by RFC 3986 segment prefix', async () => {
    for (const s of ['onvif://www.onvif.org/location/city', 'onvif://www.onvif.org/location/city/paris', 'onvif://www.onvif.org']) {
      const id = probeId();
      probeMatch((await client.exchange(buildProbe(id, { scopes: [s] }), id, port)).reply);
    }
    for (const s of ['onvif://www.onvif.org/location/cit', 'onvif://www.onvif.org/location/city/lyon']) {
      assert.deepEqual(await client.repliesBefore(buildProbe(probeId(), { scopes: [s] }), port), [], s);
    }
    const id = probeId();
    probeMatch((await client.exchange(buildProbe(id, { scopes: ['onvif://www.onvif.org/name/cam1'], matchBy: MATCH_BY_STRCMP0 }), id, port)).reply);
    assert.deepEqual(await client.repliesBefore(buildProbe(probeId(), { scopes: ['onvif://www.onvif.org/name'], matchBy: MATCH_BY_STRCMP0 }), port), []);
  });

  await t.test('(e) an unsupported MatchBy on unicast is answered with d:MatchingRuleNotSupported', async () => {
    const id = probeId();
    const { reply } = await client.exchange(buildProbe(id, { scopes: ['ldap:///ou=cams'], matchBy: 'http://schemas.xmlsoap.org/ws/2005/04/discovery/ldap' }), id, port);
    wire.fault = reply.text;
    const fault = body(reply);
    assert.equal(fault.name, 'Fault');
    assert.equal(childText(child(child(fault, 'Code', NS.env), 'Subcode', NS.env), 'Value', NS.env), 'd:MatchingRuleNotSupported');
    assert.equal(childText(child(reply.env, 'Header', NS.env), 'Action', NS.wsa2004), 'http://schemas.xmlsoap.org/ws/2005/04/discovery/fault');
  });

  await t.test('(f) garbage, an entity bomb, truncated XML and oversize datagrams: dropped, counted, still answering', async () => {
    const before = responder.stats.malformed;
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>' +
      '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body>&c;</e:Body></e:Envelope>';
    const full = buildProbe(probeId());
    const bad: (string | Buffer)[] = [
      Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80]),
      'GET / HTTP/1.1\r\n\r\n',
      bomb,
      full.substring(0, full.length / 2),
      Buffer.alloc(0),
      `<a>${'<b>'.repeat(10_000)}`,
      Buffer.alloc(60_000, 0x41),
      rawProbe('', ''), // no MessageID
    ];
    for (const d of bad) assert.deepEqual(await client.repliesBefore(d, port), []);
    assert.equal(responder.stats.malformed - before, bad.length);
  });

  await t.test('(g) the same MessageID is answered once', async () => {
    const id = probeId();
    const xml = buildProbe(id);
    await client.exchange(xml, id, port);
    const dupBefore = responder.stats.duplicates;
    assert.deepEqual(await client.repliesBefore(xml, port), []);
    assert.deepEqual(await client.repliesBefore(xml, port), []);
    assert.equal(responder.stats.duplicates - dupBefore, 2);
  });

  await t.test('MessageNumber increases; MetadataVersion follows scope changes', async () => {
    const numbers: number[] = [];
    for (let i = 0; i < 3; i++) {
      const id = probeId();
      const { reply } = await client.exchange(buildProbe(id), id, port);
      numbers.push(Number(child(child(reply.env, 'Header', NS.env), 'AppSequence', NS.d)!.attrs.get('MessageNumber')));
    }
    assert.ok(numbers[0]! < numbers[1]! && numbers[1]! < numbers[2]!, String(numbers));
    assert.equal(responder.metadataVersion, 1);
    scopes = [...scopes, 'onvif://www.onvif.org/location/floor/3'];
    responder.hello(); // what the node calls on a scope change; multicast is off here, so it sends nothing
    assert.equal(responder.metadataVersion, 2);
    const id = probeId();
    const match = probeMatch((await client.exchange(buildProbe(id, { scopes: ['onvif://www.onvif.org/location/floor'] }), id, port)).reply);
    assert.equal(childText(match, 'MetadataVersion', NS.d), '2');
    assert.equal(responder.metadataVersion, 2); // unchanged scopes, unchanged version
  });

  await t.test('an independent client parser (the onvif npm package) reads our ProbeMatches', async () => {
    const require = createRequire(import.meta.url);
    const { parseSOAPString, linerase } = require('onvif/lib/utils.js') as {
      parseSOAPString(xml: string, cb: (err: Error | null, data: unknown) => void): void;
      linerase(x: unknown): { probeMatches: { probeMatch: { endpointReference: { address: string }; XAddrs: string } } };
    };
    const data = await new Promise<unknown>((resolve, reject) => parseSOAPString(wire.probeMatches!, (err, d) => (err ? reject(err) : resolve(d))));
    const m = linerase(data).probeMatches.probeMatch;
    assert.equal(m.endpointReference.address, EPR);
    assert.equal(m.XAddrs, `http://${LOOPBACK}:8080/onvif/device_service`);
  });

  await t.test('what went over the wire validates against the schemas', async () => {
    const out = await validateDiscovery(wire);
    assert.match(out, /^probeMatches\.xml validates$/m, out);
    assert.match(out, /^fault\.xml validates$/m, out);
    assert.doesNotMatch(out, /error|fails/, out);
  });
});

void test('(h) NonDiscoverable: unicast probes are still answered (the multicast path is covered by decideProbe)', async (t) => {
  const responder = await startResponder({ discoverable: () => false });
  const client = await Client.open();
  t.after(async () => {
    await client.close();
    await responder.close();
  });
  const id = probeId();
  probeMatch((await client.exchange(buildProbe(id), id, responder.port)).reply);
});

void test('a throwing callback drops that probe, not the responder', async (t) => {
  let calls = 0;
  const warnings: unknown[][] = [];
  const responder = await startResponder({
    xaddrs: () => {
      if (calls++ === 0) throw new Error('settings store unavailable');
      return [`http://${LOOPBACK}/onvif/device_service`];
    },
    log: { ...quietLog, warn: (...a: unknown[]) => void warnings.push(a) },
  });
  const client = await Client.open();
  t.after(async () => {
    await client.close();
    await responder.close();
  });
  assert.deepEqual(await client.repliesBefore(buildProbe(probeId()), responder.port), []);
  assert.ok(warnings.some((w) => String(w[1]).includes('failed to handle')), JSON.stringify(warnings));
});

void test('a wildcard bind opens one unicast socket per local address (loopback-only interface list here)', async (t) => {
  const loopbackOnly: InterfaceList = {
    lo: [{ address: LOOPBACK, netmask: '255.0.0.0', family: 'IPv4', internal: true }],
  };
  const responder = await startResponder({ bindAddress: '0.0.0.0', interfaces: () => loopbackOnly });
  const client = await Client.open();
  t.after(async () => {
    await client.close();
    await responder.close();
  });
  const id = probeId();
  const match = probeMatch((await client.exchange(buildProbe(id), id, responder.port)).reply);
  assert.equal(childText(match, 'XAddrs', NS.d), `http://${LOOPBACK}:8080/onvif/device_service`);
});

void test('start() rejects when the port is taken; close() is idempotent', async () => {
  const first = await startResponder();
  const second = new DiscoveryResponder({
    endpointReference: EPR, types: () => [], scopes: () => [], xaddrs: () => [], discoverable: () => true,
    log: quietLog, port: first.port, bindAddress: LOOPBACK, multicast: false,
  });
  await assert.rejects(second.start(), /EADDRINUSE/);
  await second.close();
  await first.close();
  await first.close();
  await assert.rejects(first.start(), /state 'closed'/);
});

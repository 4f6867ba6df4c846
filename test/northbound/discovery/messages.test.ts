import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  buildBye,
  buildHello,
  buildMatchingRuleFault,
  buildProbe,
  buildProbeMatches,
  decideProbe,
  DiscoveryParseError,
  localAddressFor,
  MATCH_BY_RFC2396,
  MATCH_BY_RFC3986,
  MATCH_BY_STRCMP0,
  MAX_DATAGRAM_BYTES,
  ONVIF_DEVICE_TYPES,
  parseDiscoveryDatagram,
  probeMatches,
  scopeMatchesRfc3986,
  selectXAddrs,
  SUPPORTED_MATCHING_RULES,
  toQName,
  type InterfaceList,
  type ProbeCriteria,
  type TargetDescription,
} from '../../../src/northbound/discovery/messages.js';
import { parseXml } from '../../../src/xml/parse.js';
import { child, childText } from '../../../src/xml/dom.js';
import { NS } from '../../../src/xml/ns.js';
import { validateDiscovery } from './validate.js';

const DN = NS.dn;
const TDS = NS.tds;

// Written by hand in the shape common clients send: default namespaces, wsa declared per header.
const CLIENT_PROBE = [
  '<?xml version="1.0" encoding="utf-8"?>',
  '<Envelope xmlns="http://www.w3.org/2003/05/soap-envelope" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">',
  '<Header>',
  '<wsa:MessageID xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing">urn:uuid:0a6dc791-2e7c-4e3a-9b9a-4a1c3e0d5f11</wsa:MessageID>',
  '<wsa:To xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing">urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To>',
  '<wsa:Action xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</wsa:Action>',
  '</Header>',
  '<Body><Probe xmlns="http://schemas.xmlsoap.org/ws/2005/04/discovery"><Types>dn:NetworkVideoTransmitter</Types><Scopes /></Probe></Body>',
  '</Envelope>',
].join('');

const TARGET: TargetDescription = {
  endpointReference: 'urn:uuid:6f1f2a5e-3c7d-4b8e-9f00-0123456789ab',
  types: ONVIF_DEVICE_TYPES,
  // The Core spec's example device.
  scopes: [
    'onvif://www.onvif.org/Profile/Streaming',
    'onvif://www.onvif.org/hardware/D1-566',
    'onvif://www.onvif.org/location/country/china',
    'onvif://www.onvif.org/location/city/bejing',
    'onvif://www.onvif.org/location/building/headquarter',
    'onvif://www.onvif.org/location/floor/R5',
    'onvif://www.onvif.org/name/ARV-453',
  ],
  xaddrs: ['http://192.0.2.10/onvif/device_service', 'http://[2001:db8::1]/onvif/device_service'],
  metadataVersion: 7,
};

function probeOf(types: ProbeCriteria['types'] = [], scopes: string[] = [], matchBy = MATCH_BY_RFC3986): ProbeCriteria {
  return { types, scopes, matchBy };
}

void test('parses a client probe with default namespaces', () => {
  const m = parseDiscoveryDatagram(Buffer.from(CLIENT_PROBE));
  assert.equal(m.kind, 'probe');
  if (m.kind !== 'probe') return;
  assert.equal(m.messageId, 'urn:uuid:0a6dc791-2e7c-4e3a-9b9a-4a1c3e0d5f11');
  assert.equal(m.replyTo, undefined);
  assert.deepEqual(m.criteria, { types: [{ ns: DN, name: 'NetworkVideoTransmitter' }], scopes: [], matchBy: MATCH_BY_RFC3986 });
});

void test('types resolve whatever prefix the client picked; ReplyTo, MatchBy and a BOM are read', () => {
  const xml =
    '\ufeff<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing">' +
    '<s:Header><a:MessageID> urn:uuid:1 </a:MessageID><a:ReplyTo><a:Address>urn:x:client</a:Address></a:ReplyTo></s:Header>' +
    '<s:Body><w:Probe xmlns:w="http://schemas.xmlsoap.org/ws/2005/04/discovery">' +
    '<w:Types xmlns:nvt="http://www.onvif.org/ver10/network/wsdl" xmlns:dev="http://www.onvif.org/ver10/device/wsdl">\n nvt:NetworkVideoTransmitter\tdev:Device </w:Types>' +
    `<w:Scopes MatchBy=" ${MATCH_BY_STRCMP0} ">onvif://www.onvif.org/name/x  onvif://www.onvif.org/hardware/y</w:Scopes>` +
    '</w:Probe></s:Body></s:Envelope>';
  const m = parseDiscoveryDatagram(new TextEncoder().encode(xml));
  assert.deepEqual(m, {
    kind: 'probe',
    messageId: 'urn:uuid:1',
    replyTo: 'urn:x:client',
    criteria: {
      types: [{ ns: DN, name: 'NetworkVideoTransmitter' }, { ns: TDS, name: 'Device' }],
      scopes: ['onvif://www.onvif.org/name/x', 'onvif://www.onvif.org/hardware/y'],
      matchBy: MATCH_BY_STRCMP0,
    },
  });
});

void test('other well-formed discovery messages are recognised but are not probes', () => {
  const hello = buildHello(TARGET, 'urn:uuid:h', { instanceId: 1, messageNumber: 1 });
  assert.deepEqual(parseDiscoveryDatagram(hello), {
    kind: 'other',
    action: 'http://schemas.xmlsoap.org/ws/2005/04/discovery/Hello',
    body: { ns: NS.d, name: 'Hello' },
  });
});

void test('hostile and broken datagrams fail with stable codes', () => {
  const bomb =
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><lolz>&lol2;</lolz>';
  const cases: [string | Uint8Array, string][] = [
    ['', 'MALFORMED_XML'],
    ['not xml at all', 'MALFORMED_XML'],
    [CLIENT_PROBE.substring(0, CLIENT_PROBE.length - 20), 'MALFORMED_XML'],
    [bomb, 'DOCTYPE'],
    [new Uint8Array([0x3c, 0x61, 0xff, 0xfe, 0x3e]), 'NOT_UTF8'],
    ['x'.repeat(MAX_DATAGRAM_BYTES + 1), 'TOO_LARGE'],
    ['<a>' + '<b>'.repeat(40) + '</b>'.repeat(40) + '</a>', 'XML_LIMIT'],
    ['<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body/></Envelope>', 'NOT_SOAP12'],
    ['<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>', 'NOT_SOAP12'],
    [CLIENT_PROBE.replace(/<wsa:MessageID.*?<\/wsa:MessageID>/, ''), 'BAD_PROBE'],
    [CLIENT_PROBE.replace(/urn:uuid:0a6d[^<]*/, `urn:uuid:${'a'.repeat(600)}`), 'BAD_PROBE'],
    [CLIENT_PROBE.replace('dn:NetworkVideoTransmitter', 'zz:NetworkVideoTransmitter'), 'BAD_PROBE'],
    [CLIENT_PROBE.replace('dn:NetworkVideoTransmitter', 'a:b:c'), 'BAD_PROBE'],
  ];
  for (const [input, code] of cases) {
    assert.throws(
      () => parseDiscoveryDatagram(input),
      (e: unknown) => e instanceof DiscoveryParseError && e.code === code,
      `${code}: ${String(input).substring(0, 60)}`,
    );
  }
});

void test('type matching: every probed type must be ours; no types matches', () => {
  assert.equal(probeMatches(probeOf(), TARGET), true);
  assert.equal(probeMatches(probeOf([{ ns: DN, name: 'NetworkVideoTransmitter' }]), TARGET), true);
  assert.equal(probeMatches(probeOf([{ ns: DN, name: 'NetworkVideoTransmitter' }, { ns: TDS, name: 'Device' }]), TARGET), true);
  assert.equal(probeMatches(probeOf([{ ns: DN, name: 'NetworkVideoDisplay' }]), TARGET), false);
  assert.equal(probeMatches(probeOf([{ ns: 'urn:other', name: 'NetworkVideoTransmitter' }]), TARGET), false);
  assert.equal(probeMatches(probeOf([{ ns: TDS, name: 'Device' }, { ns: DN, name: 'Nope' }]), TARGET), false);
});

void test('RFC 3986 scope rule: the Core spec example and segment-wise prefixes', () => {
  const yes = [
    'onvif://www.onvif.org',
    'onvif://www.onvif.org/',
    'onvif://www.onvif.org/location/country/china',
    'onvif://www.onvif.org/location',
    'ONVIF://WWW.ONVIF.ORG/location/city', // scheme and authority are case-insensitive
    'onvif://www.onvif.org/location/city/',
    'onvif://www.onvif.org/loc%61tion/city?q=ignored#also', // unescaped before comparing; query/fragment excluded
  ];
  const no = [
    'onvif://www.onvif.org/hardware/D1', // the spec's own non-match: not a whole segment
    'onvif://www.onvif.org/location/cit',
    'onvif://www.onvif.org/Location/city', // paths are case-sensitive
    'onvif://www.onvif.org/location/city/bejing/more',
    'onvif://other.example/location',
    'http://www.onvif.org/location',
    'onvif://www.onvif.org/location/./city',
    'onvif://www.onvif.org/location/../location',
    'onvif://www.onvif.org/%zz',
    '/location/city', // relative: no scheme
  ];
  for (const s of yes) assert.equal(probeMatches(probeOf([], [s]), TARGET), true, s);
  for (const s of no) assert.equal(probeMatches(probeOf([], [s]), TARGET), false, s);
  assert.equal(scopeMatchesRfc3986('onvif://www.onvif.org/location/city', 'onvif://www.onvif.org/location/city/paris'), true);
  assert.equal(scopeMatchesRfc3986('onvif://www.onvif.org/location/cit', 'onvif://www.onvif.org/location/city/paris'), false);
  // Every probed scope must match: one miss fails the probe.
  assert.equal(probeMatches(probeOf([], ['onvif://www.onvif.org/name', 'onvif://www.onvif.org/nope']), TARGET), false);
  // WS-Discovery's own default URI names the same rule.
  assert.equal(probeMatches(probeOf([], ['onvif://www.onvif.org/name'], MATCH_BY_RFC2396), TARGET), true);
});

void test('strcmp0 scope rule is a case-sensitive whole-string comparison', () => {
  assert.equal(probeMatches(probeOf([], ['onvif://www.onvif.org/name/ARV-453'], MATCH_BY_STRCMP0), TARGET), true);
  assert.equal(probeMatches(probeOf([], ['onvif://www.onvif.org/name'], MATCH_BY_STRCMP0), TARGET), false);
  assert.equal(probeMatches(probeOf([], ['onvif://www.onvif.org/name/arv-453'], MATCH_BY_STRCMP0), TARGET), false);
});

void test('decideProbe: unknown rules fault on unicast only; NonDiscoverable silences the multicast path only', () => {
  const odd = probeOf([], ['onvif://www.onvif.org'], 'urn:example:no-such-rule');
  assert.deepEqual(decideProbe(odd, TARGET, { multicast: false, discoverable: true }), { action: 'fault' });
  assert.deepEqual(decideProbe(odd, TARGET, { multicast: true, discoverable: true }), { action: 'ignore', reason: 'unsupported-rule' });

  const any = probeOf();
  assert.deepEqual(decideProbe(any, TARGET, { multicast: true, discoverable: true }), { action: 'answer' });
  assert.deepEqual(decideProbe(any, TARGET, { multicast: true, discoverable: false }), { action: 'ignore', reason: 'non-discoverable' });
  assert.deepEqual(decideProbe(any, TARGET, { multicast: false, discoverable: false }), { action: 'answer' });
  assert.deepEqual(decideProbe(odd, TARGET, { multicast: true, discoverable: false }), { action: 'ignore', reason: 'non-discoverable' });

  const miss = probeOf([{ ns: DN, name: 'Nope' }]);
  assert.deepEqual(decideProbe(miss, TARGET, { multicast: false, discoverable: true }), { action: 'ignore', reason: 'no-match' });
});

void test('XAddrs for a reply prefer the local address the probe came in on', () => {
  assert.deepEqual(selectXAddrs(TARGET.xaddrs, '192.0.2.10'), ['http://192.0.2.10/onvif/device_service']);
  assert.deepEqual(selectXAddrs(TARGET.xaddrs, '2001:db8::1'), ['http://[2001:db8::1]/onvif/device_service']);
  assert.deepEqual(selectXAddrs(TARGET.xaddrs, '198.51.100.1'), TARGET.xaddrs);
  assert.deepEqual(selectXAddrs(TARGET.xaddrs, undefined), TARGET.xaddrs);
  assert.deepEqual(selectXAddrs(['not a url', 'http://h/x'], 'h'), ['http://h/x']);
});

void test('localAddressFor picks the interface on the sender\'s subnet, longest netmask first', () => {
  const ifaces: InterfaceList = {
    eth0: [
      { address: '192.168.1.20', netmask: '255.255.255.0', family: 'IPv4', internal: false },
      { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', internal: false },
    ],
    eth1: [{ address: '10.0.0.5', netmask: '255.0.0.0', family: 'IPv4', internal: false }],
    eth2: [{ address: '10.1.2.3', netmask: '255.255.0.0', family: 'IPv4', internal: false }],
  };
  assert.equal(localAddressFor('192.168.1.77', ifaces), '192.168.1.20');
  assert.equal(localAddressFor('10.9.9.9', ifaces), '10.0.0.5');
  assert.equal(localAddressFor('10.1.200.1', ifaces), '10.1.2.3');
  assert.equal(localAddressFor('172.16.0.1', ifaces), undefined);
  assert.equal(localAddressFor('fe80::2', ifaces), undefined);
  assert.equal(localAddressFor('999.1.1.1', ifaces), undefined);
});

void test('configured type names: prefixes from the namespace table or Clark notation', () => {
  assert.deepEqual(toQName('dn:NetworkVideoTransmitter'), { ns: DN, name: 'NetworkVideoTransmitter' });
  assert.deepEqual(toQName('{urn:x}Y'), { ns: 'urn:x', name: 'Y' });
  assert.deepEqual(toQName({ ns: TDS, name: 'Device' }), { ns: TDS, name: 'Device' });
  assert.equal(toQName('nope:X'), undefined);
  assert.equal(toQName('constructor:X'), undefined);
  assert.equal(toQName('NoPrefix'), undefined);
});

void test('ProbeMatches carries the addressing headers, AppSequence and our metadata', () => {
  const xml = buildProbeMatches(
    { ...TARGET, types: [...ONVIF_DEVICE_TYPES, { ns: 'urn:vendor', name: 'Recorder' }], scopes: ['onvif://www.onvif.org/name/a&b'] },
    { relatesTo: 'urn:uuid:probe', replyTo: undefined, messageId: 'urn:uuid:mine' },
    { instanceId: 1234, messageNumber: 9 },
  );
  const env = parseXml(xml);
  const header = child(env, 'Header', NS.env)!;
  assert.equal(childText(header, 'Action', NS.wsa2004), 'http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches');
  assert.equal(childText(header, 'RelatesTo', NS.wsa2004), 'urn:uuid:probe');
  assert.equal(childText(header, 'MessageID', NS.wsa2004), 'urn:uuid:mine');
  assert.equal(childText(header, 'To', NS.wsa2004), 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous');
  const seq = child(header, 'AppSequence', NS.d)!;
  assert.equal(seq.attrs.get('InstanceId'), '1234');
  assert.equal(seq.attrs.get('MessageNumber'), '9');
  const match = child(child(child(env, 'Body', NS.env), 'ProbeMatches', NS.d), 'ProbeMatch', NS.d)!;
  assert.equal(childText(child(match, 'EndpointReference', NS.wsa2004), 'Address', NS.wsa2004), TARGET.endpointReference);
  assert.equal(childText(match, 'Scopes', NS.d), 'onvif://www.onvif.org/name/a&b');
  assert.equal(childText(match, 'MetadataVersion', NS.d), '7');
  // Our Types must come back as the same QNames through a namespace-aware reader.
  const typesEl = child(match, 'Types', NS.d)!;
  const round = parseDiscoveryDatagram(buildProbe('urn:uuid:x', { types: [...ONVIF_DEVICE_TYPES, { ns: 'urn:vendor', name: 'Recorder' }] }));
  assert.ok(round.kind === 'probe');
  assert.equal(typesEl.text.split(' ').length, 3);
  assert.deepEqual(round.criteria.types, [...ONVIF_DEVICE_TYPES, { ns: 'urn:vendor', name: 'Recorder' }]);
});

void test('every message we build validates against the SOAP 1.2, WS-Addressing and WS-Discovery schemas', async () => {
  const reply = { relatesTo: 'urn:uuid:p', replyTo: 'urn:x:client', messageId: 'urn:uuid:m' };
  const seq = { instanceId: 4294967295, messageNumber: 1 };
  const target = { ...TARGET, types: [...ONVIF_DEVICE_TYPES, { ns: '', name: 'Plain' }, { ns: 'urn:v', name: 'V' }] };
  const docs = {
    probeMatches: buildProbeMatches(target, reply, seq),
    probeMatchesBare: buildProbeMatches({ ...TARGET, types: [], scopes: [], xaddrs: [] }, reply, seq),
    hello: buildHello(target, 'urn:uuid:h', seq),
    bye: buildBye(TARGET.endpointReference, 'urn:uuid:b', seq),
    fault: buildMatchingRuleFault(reply),
    probe: buildProbe('urn:uuid:q', { types: ONVIF_DEVICE_TYPES.slice(), scopes: ['onvif://www.onvif.org/x'], matchBy: MATCH_BY_STRCMP0 }),
  };
  const out = await validateDiscovery(docs);
  for (const name of Object.keys(docs)) assert.match(out, new RegExp(`^${name}\\.xml validates$`, 'm'), out);
  assert.doesNotMatch(out, /error|fails/, out);
  // The validator does look inside: a ProbeMatch without MetadataVersion is rejected.
  const broken = await validateDiscovery({ broken: docs.probeMatches.replace(/<d:MetadataVersion>.*?<\/d:MetadataVersion>/, '') });
  assert.match(broken, /broken\.xml fails to validate/);
});

void test('the fault names MatchingRuleNotSupported and lists the rules we support', () => {
  const env = parseXml(buildMatchingRuleFault({ relatesTo: 'urn:uuid:p', replyTo: undefined, messageId: 'urn:uuid:m' }));
  const fault = child(child(env, 'Body', NS.env), 'Fault', NS.env)!;
  const code = child(fault, 'Code', NS.env)!;
  assert.equal(childText(code, 'Value', NS.env), 'env:Sender');
  assert.equal(childText(child(code, 'Subcode', NS.env), 'Value', NS.env), 'd:MatchingRuleNotSupported');
  assert.deepEqual(childText(child(fault, 'Detail', NS.env), 'SupportedMatchingRules', NS.d)?.split(' '), SUPPORTED_MATCHING_RULES);
});

// ---------------------------------------------------------------------------------------------
// Properties

const onlyTypedErrors = (input: string | Uint8Array): void => {
  try {
    const m = parseDiscoveryDatagram(input);
    if (m.kind === 'probe') {
      for (const multicast of [false, true]) for (const discoverable of [false, true]) decideProbe(m.criteria, TARGET, { multicast, discoverable });
    }
  } catch (e) {
    if (!(e instanceof DiscoveryParseError)) throw e;
  }
};

void test('fuzz: arbitrary bytes and strings only ever fail with DiscoveryParseError', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), onlyTypedErrors), { numRuns: 500 });
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 512 }), onlyTypedErrors), { numRuns: 500 });
});

void test('fuzz: truncated and spliced probes only ever fail with DiscoveryParseError', () => {
  const seeds = [CLIENT_PROBE, buildProbe('urn:uuid:s', { types: ONVIF_DEVICE_TYPES.slice(), scopes: ['onvif://www.onvif.org/a/b'] })];
  fc.assert(
    fc.property(fc.constantFrom(...seeds), fc.nat(), fc.nat(), fc.string({ maxLength: 40 }), (seed, a, b, junk) => {
      const i = a % (seed.length + 1);
      const j = i + (b % (seed.length + 1 - i));
      onlyTypedErrors(seed.substring(0, i));
      onlyTypedErrors(seed.substring(0, i) + junk + seed.substring(j));
    }),
    { numRuns: 1000 },
  );
});

const ncName = fc.stringMatching(/^[A-Za-z_][\w.-]{0,15}$/);
const segment = fc.stringMatching(/^[A-Za-z0-9_~-]{1,8}$/);
const scopeUri = fc
  .tuple(fc.constantFrom('onvif', 'http', 'urn-x'), fc.stringMatching(/^[a-z0-9.]{1,12}$/), fc.array(segment, { maxLength: 4 }))
  .map(([s, a, segs]) => `${s}://${a}${segs.map((x) => `/${x}`).join('')}`);

void test('fuzz: buildProbe → parse round trip of types, scopes and MatchBy', () => {
  const qname = fc.record({ ns: fc.oneof(fc.constant(''), fc.constantFrom(DN, TDS, NS.tt), fc.webUrl()), name: ncName }).map((q) => ({ ns: q.ns, name: q.name }));
  fc.assert(
    fc.property(
      fc.uuid(),
      fc.array(qname, { maxLength: 5 }),
      fc.array(scopeUri, { maxLength: 5 }),
      fc.constantFrom(MATCH_BY_RFC3986, MATCH_BY_STRCMP0, 'urn:other:rule'),
      (id, types, scopes, matchBy) => {
        const m = parseDiscoveryDatagram(buildProbe(`urn:uuid:${id}`, { types, scopes, matchBy }));
        assert.ok(m.kind === 'probe');
        assert.equal(m.messageId, `urn:uuid:${id}`);
        assert.deepEqual(m.criteria, { types, scopes, matchBy });
      },
    ),
    { numRuns: 300 },
  );
});

void test('fuzz: RFC 3986 rule is reflexive, accepts segment prefixes, never throws', () => {
  fc.assert(
    fc.property(scopeUri, segment, (s, extra) => {
      assert.equal(scopeMatchesRfc3986(s, s), true);
      assert.equal(scopeMatchesRfc3986(s, `${s}/${extra}`), true);
      assert.equal(scopeMatchesRfc3986(`${s}/${extra}`, s), false);
      assert.equal(scopeMatchesRfc3986(`${s}/${extra}`, `${s}/${extra}x`), false);
    }),
  );
  fc.assert(fc.property(fc.string(), fc.string(), (a, b) => void scopeMatchesRfc3986(a, b)));
});

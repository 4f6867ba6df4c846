/**
 * Resource queries (IEC 62676-2-33 §7) end to end over SOAP, on a node with 246 simulated
 * cameras spread over a city district:
 * - a tns1:Resource/MediaProfile subscription with a 100 m LocationFilter returns exactly the
 *   profiles of the cameras inside the circle, checked against an independent distance
 *   computation (spherical law of cosines, not the node's haversine), page by page;
 * - a camera added inside the circle (over the control socket, as `vigil cameras add` does)
 *   arrives as Initialized, a removed one as Deleted, an unplugged one as Changed with
 *   Offline=true, each within a PullMessages Timeout of one second;
 * - Prefix, Scope and Select filters (tt-qualified and unqualified), combined with topics;
 * - the §7.8.1 live-video example over mutual TLS: location query → Media2 GetProfiles with
 *   Type VideoSource and VideoEncoder → GetStreamUri → ffprobe decodes the stream;
 * - bad input: unknown dialects and filter elements, malformed topic expressions, invalid select
 *   paths, negative radius, expired and foreign subscriptions, foreign tokens — each its fault.
 * Every response and fault is validated against the ONVIF schemas.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { controlRequest } from '../../src/node/control-socket.js';
import { issueClientCert } from '../../src/security/pki/issue.js';
import { expandCameraConfigs } from '../../src/southbound/simulated/index.js';
import { ADMIN, startTestNode, type TestNode } from '../helpers/node.js';
import { OnvifSamples } from '../helpers/onvif-validate.js';
import { envelope, post, usernameTokenHeader, type Credentials } from '../helpers/soap-client.js';

const TEV = 'http://www.onvif.org/ver10/events/wsdl';
const WSNT = 'http://docs.oasis-open.org/wsn/b-2';
const TT = 'http://www.onvif.org/ver10/schema';
const TR2 = 'http://www.onvif.org/ver20/media/wsdl';
const CONCRETE_SET = 'http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet';
const ITEM = 'http://www.onvif.org/ver10/tev/messageContentFilter/ItemFilter';

const CAMERAS = [
  { name: 'City', prefix: 'C', count: 240 },
  { name: 'Dome', prefix: 'D', count: 6, ptz: true },
];
/** 150 m north of the district's centre (where the simulated cameras spread from). */
const POINT = { lat: 48.8534 + 150 / 111_195, lon: 2.3488 };
const RADIUS = 100;

/** Independent of src/: the spherical law of cosines on the same mean Earth radius. */
function lawOfCosinesMetres(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const r = Math.PI / 180;
  const c = Math.sin(a.lat * r) * Math.sin(b.lat * r) + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.cos((b.lon - a.lon) * r);
  return 6_371_008.8 * Math.acos(Math.min(1, Math.max(-1, c)));
}

const samples = new OnvifSamples();
let t: TestNode;
let events: string;
const POLICE: Credentials = { username: 'police-op1', password: 'Police-op1-password' };
let policeCert: { certPem: string; keyPem: string };

type Auth = Credentials | null | 'cert';

async function call(url: string, body: string, name: string, auth: Auth = ADMIN): Promise<{ status: number; body: string }> {
  let res: { status: number; body: string };
  if (auth === 'cert') res = await postWithCertificate(url, envelope(body));
  else res = await post(url, envelope(body, auth ? usernameTokenHeader(auth) : ''));
  samples.add(`${name} (${res.status})`, res.body);
  return res;
}

/** HTTPS with the police client certificate (mutual TLS: the certificate is the credential). */
function postWithCertificate(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: 'POST', ca: t.node.caCertPem, servername: 'localhost', cert: policeCert.certPem, key: policeCert.keyPem, agent: false,
        headers: { 'content-type': 'application/soap+xml; charset=utf-8', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let out = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (out += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: out }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const tev = (op: string, inner = ''): string => `<tev:${op} xmlns:tev="${TEV}" xmlns:wsnt="${WSNT}" xmlns:tns1="http://www.onvif.org/ver10/topics" xmlns:tt="${TT}">${inner}</tev:${op}>`;
const topic = (expr: string, dialect = CONCRETE_SET): string => `<wsnt:TopicExpression Dialect="${dialect}">${expr}</wsnt:TopicExpression>`;
const location = (p: { lat: number; lon: number }, radius: number, extra = '', prefix = 'tt:'): string =>
  `<${prefix}LocationFilter><${prefix}lon>${p.lon}</${prefix}lon><${prefix}lat>${p.lat}</${prefix}lat><${prefix}radius>${radius}</${prefix}radius>${extra}</${prefix}LocationFilter>`;
const pull = (timeout: string, limit: number): string => tev('PullMessages', `<tev:Timeout>${timeout}</tev:Timeout><tev:MessageLimit>${limit}</tev:MessageLimit>`);

async function subscribe(filter: string, name: string, auth: Auth = ADMIN, base = events, extra = ''): Promise<string> {
  const r = await call(base, tev('CreatePullPointSubscription', `<tev:Filter>${filter}</tev:Filter>${extra}`), `CreatePullPointSubscription ${name}`, auth);
  assert.equal(r.status, 200, r.body);
  return /<wsa:Address>([^<]+)<\/wsa:Address>/.exec(r.body)![1]!;
}

interface Msg {
  topic: string;
  op: string | undefined;
  token: string;
  items: [string, string][];
}

function messages(body: string): Msg[] {
  return [...body.matchAll(/<wsnt:NotificationMessage>(.*?)<\/wsnt:NotificationMessage>/g)].map((m) => {
    const x = m[1]!;
    const items: [string, string][] = [];
    for (const i of x.matchAll(/<tt:SimpleItem Name="([^"]+)" Value="([^"]*)"\/>|<tt:ElementItem Name="([^"]+)">(.*?)<\/tt:ElementItem>/g)) {
      items.push(i[1] !== undefined ? [i[1], i[2]!] : [i[3]!, i[4]!]);
    }
    const token = items.find(([n]) => n === 'Token')?.[1] ?? '';
    return { topic: /<wsnt:Topic[^>]*>([^<]+)</.exec(x)![1]!, op: /PropertyOperation="(\w+)"/.exec(x)?.[1], token, items: items.filter(([n]) => n !== 'Token') };
  });
}

/** Pulls pages of `limit` until one comes back empty (Timeout 0). */
async function pullAll(address: string, limit: number, name: string, auth: Auth = ADMIN): Promise<{ msgs: Msg[]; pages: number }> {
  const msgs: Msg[] = [];
  for (let pages = 0; ; pages++) {
    const r = await call(address, pull('PT0S', limit), `PullMessages ${name} page ${pages}`, auth);
    assert.equal(r.status, 200, r.body);
    const page = messages(r.body);
    assert.ok(page.length <= limit);
    if (page.length === 0) return { msgs, pages };
    msgs.push(...page);
  }
}

function faultSubcode(body: string): string | undefined {
  return /<env:Subcode><env:Value>([^<]+)<\/env:Value>/.exec(body)?.[1];
}

before(async () => {
  t = await startTestNode({ cameras: CAMERAS, device: { location: 'city/paris' } });
  events = `${t.http}/onvif/event_service`;
  t.node.users.create([{ username: POLICE.username, password: POLICE.password, level: 'Operator' }]);
  policeCert = await issueClientCert({ certPem: t.node.caCertPem, keyPem: readFileSync(`${t.dataDir}/pki/ca.key`, 'utf8') }, { commonName: POLICE.username, organization: 'City Police' });
});

after(async () => {
  await t.stop();
  const n = await samples.assertAllValid();
  assert.ok(n > 60, `validated only ${n} messages`);
});

describe('location query over 246 cameras', () => {
  const inside = (): { prefix: string; metres: number }[] =>
    expandCameraConfigs(CAMERAS)
      .map((s) => ({ prefix: s.prefix!, metres: lawOfCosinesMetres(POINT, s.location) }))
      .filter((c) => c.metres <= RADIUS);

  test('exactly the profiles of the cameras within 100 m, in pages of MessageLimit', async () => {
    const all = expandCameraConfigs(CAMERAS);
    assert.equal(all.length, 246);
    // No camera sits so close to the circle that formula rounding could decide it.
    for (const s of all) assert.ok(Math.abs(lawOfCosinesMetres(POINT, s.location) - RADIUS) > 0.5, s.name);
    const want = inside();
    assert.ok(want.length >= 5, `only ${want.length} cameras inside`);
    const address = await subscribe(topic('tns1:Resource/MediaProfile') + location(POINT, RADIUS), 'location');
    const { msgs, pages } = await pullAll(address, 4, 'location');
    assert.ok(pages >= Math.ceil((want.length * 3) / 4), 'several pages');
    const tokens = msgs.map((m) => m.token).sort();
    assert.deepEqual(tokens, want.flatMap((c) => ['hevc', 'main', 'sub'].map((p) => `${c.prefix}:${p}`)).sort());
    for (const m of msgs) {
      assert.equal(m.topic, 'tns1:Resource/MediaProfile');
      assert.equal(m.op, 'Initialized');
      assert.deepEqual(m.items.map(([n]) => n), ['Name', 'Scope', 'Scope', 'Scope', 'Scope', 'Scope', 'Offline', 'Location']);
      assert.deepEqual(m.items.filter(([n]) => n === 'Scope').map(([, v]) => v.replace(/name\/City%20\d+$/, 'name/…')), [
        'onvif://www.onvif.org/name/…', 'onvif://www.onvif.org/Profile/Streaming', 'onvif://www.onvif.org/type/video_encoder',
        'onvif://www.onvif.org/type/audio_encoder', 'onvif://www.onvif.org/location/city/paris',
      ]);
      assert.deepEqual(m.items.find(([n]) => n === 'Offline'), ['Offline', 'false']);
      const [, geo] = m.items.find(([n]) => n === 'Location')!;
      const g = /<tt:GeoLocation lon="([^"]+)" lat="([^"]+)" elevation="35"\/>/.exec(geo)!;
      assert.ok(lawOfCosinesMetres(POINT, { lon: Number(g[1]), lat: Number(g[2]) }) <= RADIUS);
    }
  });

  test('an added camera inside arrives as Initialized, a removed one as Deleted, an unplugged one as Changed with Offline=true — each within 1 s', async () => {
    const [gone, unplugged] = inside();
    const address = await subscribe(topic('tns1:Resource/MediaProfile') + location(POINT, RADIUS, '', ''), 'changes');
    await pullAll(address, 1000, 'changes drain');
    const within1s = async (name: string): Promise<Msg[]> => messages((await call(address, pull('PT1S', 100), `PullMessages ${name}`)).body);

    const added = await controlRequest(t.dataDir, { op: 'add', camera: { name: 'Incident van', prefix: 'Van', location: { lat: POINT.lat + 0.0002, lon: POINT.lon } } });
    assert.deepEqual(added, { ok: true, cameras: [{ id: 'sim-incident-van', name: 'Incident van', prefix: 'Van', online: true, location: { lat: POINT.lat + 0.0002, lon: POINT.lon }, source: 'runtime' }] });
    assert.deepEqual((await within1s('added')).map((m) => `${m.op} ${m.token}`), ['Initialized Van:main', 'Initialized Van:sub', 'Initialized Van:hevc']);

    assert.equal(((await controlRequest(t.dataDir, { op: 'remove', camera: gone!.prefix })) as { ok: boolean }).ok, true);
    assert.deepEqual((await within1s('removed')).map((m) => `${m.op} ${m.token} ${m.items.length}`), ['main', 'sub', 'hevc'].map((p) => `Deleted ${gone!.prefix}:${p} 0`));

    assert.equal(((await controlRequest(t.dataDir, { op: 'offline', camera: unplugged!.prefix })) as { ok: boolean }).ok, true);
    const off = await within1s('offline');
    assert.deepEqual(off.map((m) => `${m.op} ${m.token}`), ['main', 'sub', 'hevc'].map((p) => `Changed ${unplugged!.prefix}:${p}`));
    for (const m of off) assert.deepEqual(m.items.find(([n]) => n === 'Offline'), ['Offline', 'true']);

    // Cameras outside the circle change without a word to this subscription.
    const outside = expandCameraConfigs(CAMERAS).find((s) => lawOfCosinesMetres(POINT, s.location) > 300)!;
    t.node.cameras.setOnline(outside.prefix!, false);
    assert.deepEqual(messages((await call(address, pull('PT0.2S', 100), 'PullMessages outside')).body), []);
    t.node.cameras.setOnline(outside.prefix!, true);
    t.node.cameras.setOnline(unplugged!.prefix, true);
    t.node.cameras.remove('Van');
  });

  test('includeUnknown adds resources without a location (profiles the node holds unbound)', async () => {
    const empty = await call(`${t.http}/onvif/media2_service`, `<tr2:CreateProfile xmlns:tr2="${TR2}"><tr2:Name>Unbound</tr2:Name></tr2:CreateProfile>`, 'CreateProfile');
    const token = /<tr2:Token>([^<]+)</.exec(empty.body)![1]!;
    const without = await pullAll(await subscribe(topic('tns1:Resource/MediaProfile') + location(POINT, RADIUS), 'no unknown'), 1000, 'no unknown');
    assert.ok(!without.msgs.some((m) => m.token === token));
    const withUnknown = await pullAll(await subscribe(topic('tns1:Resource/MediaProfile') + location(POINT, RADIUS, '<tt:includeUnknown>true</tt:includeUnknown>'), 'unknown'), 1000, 'unknown');
    const unbound = withUnknown.msgs.find((m) => m.token === token)!;
    assert.deepEqual(unbound.items, [['Name', 'Unbound'], ['Offline', 'false']]);
    await call(`${t.http}/onvif/media2_service`, `<tr2:DeleteProfile xmlns:tr2="${TR2}"><tr2:Token>${token}</tr2:Token></tr2:DeleteProfile>`, 'DeleteProfile');
  });
});

describe('prefix, scope and select filters', () => {
  test('PrefixFilter: every resource of one device, any topic', async () => {
    const { msgs } = await pullAll(await subscribe('<PrefixFilter><Prefix>C7</Prefix></PrefixFilter>', 'prefix'), 1000, 'prefix');
    assert.equal(msgs.length, 15);
    assert.ok(msgs.every((m) => m.token.startsWith('C7:') && m.topic.startsWith('tns1:Resource/')));
    assert.deepEqual(new Set(msgs.map((m) => m.topic)).size, 9, 'profiles, sources and every configuration kind but masks (none)');
  });

  test('ScopeFilter: the Core matching rules over the cameras scopes', async () => {
    const ptz = await pullAll(await subscribe(topic('tns1:Resource/VideoSource') + '<tt:ScopeFilter><tt:Scope>onvif://www.onvif.org/type/ptz</tt:Scope></tt:ScopeFilter>', 'scope ptz'), 1000, 'scope ptz');
    assert.deepEqual(ptz.msgs.map((m) => m.token).sort(), ['D1:VS', 'D2:VS', 'D3:VS', 'D4:VS', 'D5:VS', 'D6:VS']);
    const named = await pullAll(
      await subscribe(
        topic('tns1:Resource/MediaProfile') +
          '<tt:ScopeFilter><tt:Scope>onvif://www.onvif.org/name/City%2012</tt:Scope><tt:Scope Match="http://schemas.xmlsoap.org/ws/2005/04/discovery/rfc3986">onvif://www.onvif.org/location/city</tt:Scope></tt:ScopeFilter>',
        'scope name',
      ),
      1000,
      'scope name',
    );
    assert.deepEqual(named.msgs.map((m) => m.token).sort(), ['C12:hevc', 'C12:main', 'C12:sub']);
    const none = await pullAll(await subscribe('<ScopeFilter><Scope>onvif://www.onvif.org/location/city/lyon</Scope></ScopeFilter>', 'scope none'), 1000, 'scope none');
    assert.deepEqual(none.msgs, []);
  });

  test('SelectFilter: only the selected Data items — the 2-33 example /Name + /Scope/Location', async () => {
    const { msgs } = await pullAll(
      await subscribe(topic('tns1:Resource/VideoSource') + '<PrefixFilter><Prefix>C3</Prefix></PrefixFilter><tt:SelectFilter><tt:Path>/Name</tt:Path><tt:Path>/Scope/Location</tt:Path></tt:SelectFilter>', 'select'),
      1000,
      'select',
    );
    assert.deepEqual(msgs, [{ topic: 'tns1:Resource/VideoSource', op: 'Initialized', token: 'C3:VS', items: [['Name', 'City 3'], ['Scope', 'onvif://www.onvif.org/location/city/paris']] }]);
    // Live messages are reshaped too.
    const address = await subscribe('<PrefixFilter><Prefix>C4</Prefix></PrefixFilter><SelectFilter><Path>/Offline</Path></SelectFilter>', 'select live', ADMIN, events, '<tev:SubscriptionPolicy><tev:ChangedOnly/></tev:SubscriptionPolicy>');
    t.node.cameras.setOnline('C4', false);
    const live = messages((await call(address, pull('PT1S', 100), 'PullMessages select live')).body);
    assert.equal(live.length, 15);
    assert.ok(live.every((m) => m.op === 'Changed' && m.items.length === 1 && m.items[0]![0] === 'Offline' && m.items[0]![1] === 'true'));
    t.node.cameras.setOnline('C4', true);
  });

  test('resource filters combine with an ItemFilter MessageContent', async () => {
    const content = `<wsnt:MessageContent Dialect="${ITEM}">boolean(//tt:SimpleItem[@Name="Name" and @Value="Sub stream"])</wsnt:MessageContent>`;
    const { msgs } = await pullAll(await subscribe(topic('tns1:Resource//.') + location(POINT, RADIUS) + content, 'content'), 1000, 'content');
    assert.ok(msgs.length >= 5);
    assert.ok(msgs.every((m) => m.token.endsWith(':sub') && m.topic === 'tns1:Resource/MediaProfile'));
  });
});

describe('2-33 §7.8.1 live video example (mutual TLS)', () => {
  test('location query → GetProfiles(VideoSource, VideoEncoder) → GetStreamUri → ffprobe decodes', async () => {
    const https = `https://127.0.0.1:${t.node.httpsPort}`;
    // 1-3: authenticated by the client certificate alone; profiles within 100 m.
    const address = await subscribe(topic('tns1:Resource/MediaProfile') + location(POINT, RADIUS), 'police', 'cert', `${https}/onvif/event_service`);
    assert.ok(address.startsWith(`${https}/`));
    const { msgs } = await pullAll(address, 1000, 'police', 'cert');
    const byCamera = new Map<string, string[]>();
    for (const m of msgs) byCamera.set(m.token.split(':')[0]!, [...(byCamera.get(m.token.split(':')[0]!) ?? []), m.token]);
    assert.ok(byCamera.size >= 4);
    // 4: per profile, its video source and encoder; pick the best suited (largest H.264 picture).
    const [camera, profiles] = [...byCamera][0]!;
    const described = [];
    for (const token of profiles) {
      const r = await call(`${https}/onvif/media2_service`, `<tr2:GetProfiles xmlns:tr2="${TR2}"><tr2:Token>${token}</tr2:Token><tr2:Type>VideoSource</tr2:Type><tr2:Type>VideoEncoder</tr2:Type></tr2:GetProfiles>`, 'GetProfiles police', 'cert');
      assert.equal(r.status, 200, r.body);
      assert.match(r.body, /<tr2:VideoSource [^>]*token="[^"]+"/);
      assert.doesNotMatch(r.body, /<tr2:AudioEncoder|<tr2:Metadata/, 'only the requested types');
      const enc = /<tr2:VideoEncoder [^>]*>.*?<tt:Encoding>(\w+)<\/tt:Encoding><tt:Resolution><tt:Width>(\d+)<\/tt:Width><tt:Height>(\d+)<\/tt:Height>/.exec(r.body)!;
      described.push({ token, encoding: enc[1]!, width: Number(enc[2]), height: Number(enc[3]) });
    }
    const best = described.filter((d) => d.encoding === 'H264').sort((a, b) => b.width * b.height - a.width * a.height)[0]!;
    assert.equal(best.token, `${camera}:main`);
    // 5: its stream URI; 6: the video plays (ffprobe decodes it).
    const uri = await call(`${https}/onvif/media2_service`, `<tr2:GetStreamUri xmlns:tr2="${TR2}"><tr2:Protocol>RtspUnicast</tr2:Protocol><tr2:ProfileToken>${best.token}</tr2:ProfileToken></tr2:GetStreamUri>`, 'GetStreamUri police', 'cert');
    const rtsp = /<tr2:Uri>([^<]+)<\/tr2:Uri>/.exec(uri.body)![1]!;
    const probe = await new Promise<string>((resolve, reject) =>
      execFile(
        'ffprobe',
        ['-v', 'error', '-rtsp_transport', 'tcp', '-show_entries', 'stream=codec_name,width,height', '-of', 'compact=p=0', rtsp.replace('rtsp://', `rtsp://${POLICE.username}:${encodeURIComponent(POLICE.password)}@`)],
        { timeout: 30_000 },
        (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)),
      ),
    );
    assert.match(probe, new RegExp(`codec_name=h264\\|width=${best.width}\\|height=${best.height}`));
  });
});

describe('refused requests', () => {
  test('each bad filter or reference with its fault', async () => {
    const cases: [string, string, string, RegExp?][] = [
      ['unknown topic dialect', topic('tns1:Resource/MediaProfile', 'urn:x-dialect'), 'wsnt:TopicExpressionDialectUnknownFault'],
      ['unknown content dialect', `<wsnt:MessageContent Dialect="urn:x-xpath">true()</wsnt:MessageContent>`, 'wsnt:InvalidMessageContentExpressionFault'],
      ['malformed topic', topic('tns1:Resource//MediaProfile|'), 'wsnt:InvalidTopicExpressionFault'],
      ['malformed topic (empty step)', topic('tns1:Resource/'), 'wsnt:InvalidTopicExpressionFault'],
      ['unknown resource topic', topic('tns1:Resource/Teapot'), 'wsnt:TopicNotSupportedFault'],
      ['negative radius', location(POINT, -100), 'wsnt:InvalidFilterFault', /<wsnt:UnknownFilter xmlns:q0="http:\/\/www.onvif.org\/ver10\/schema">q0:LocationFilter<\/wsnt:UnknownFilter>/],
      ['radius NaN', location(POINT, Number.NaN, '', ''), 'wsnt:InvalidFilterFault', /<wsnt:UnknownFilter>LocationFilter<\/wsnt:UnknownFilter>/],
      ['latitude 91', location({ lat: 91, lon: 0 }, 100), 'wsnt:InvalidFilterFault'],
      ['invalid select path', '<tt:SelectFilter><tt:Path>/Bogus</tt:Path></tt:SelectFilter>', 'wsnt:InvalidFilterFault', /Bogus/],
      ['select path with predicate', '<SelectFilter><Path>/Scope[1]</Path></SelectFilter>', 'wsnt:InvalidFilterFault'],
      ['empty prefix', '<PrefixFilter><Prefix/></PrefixFilter>', 'wsnt:InvalidFilterFault'],
      ['unknown scope rule', '<ScopeFilter><Scope Match="urn:regex">onvif://www.onvif.org/.*</Scope></ScopeFilter>', 'wsnt:InvalidFilterFault'],
      ['unknown filter element', '<x:AreaFilter xmlns:x="urn:x"/>', 'wsnt:InvalidFilterFault', /q0:AreaFilter/],
      ['filter in another namespace', `<w:LocationFilter xmlns:w="${WSNT}"/>`, 'wsnt:InvalidFilterFault'],
    ];
    for (const [name, filter, subcode, detail] of cases) {
      const r = await call(events, tev('CreatePullPointSubscription', `<tev:Filter>${filter}</tev:Filter>`), `CreatePullPointSubscription ${name}`);
      assert.equal(r.status, 500, name);
      assert.equal(faultSubcode(r.body), subcode, name);
      if (detail) assert.match(r.body, detail, name);
    }
  });

  test('expired, unknown and foreign subscriptions; foreign tokens', async () => {
    const short = await subscribe(topic('tns1:Resource/MediaProfile'), 'short', ADMIN, events, '<tev:InitialTerminationTime>PT0.2S</tev:InitialTerminationTime>');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(faultSubcode((await call(short, pull('PT0S', 10), 'PullMessages expired')).body), 'wsrf-rw:ResourceUnknownFault');
    assert.equal(faultSubcode((await call(`${events}/subscriptions/${'A'.repeat(24)}`, pull('PT0S', 10), 'PullMessages unknown')).body), 'wsrf-rw:ResourceUnknownFault');
    const mine = await subscribe(topic('tns1:Resource/MediaProfile'), 'admin owns');
    assert.equal(faultSubcode((await call(mine, pull('PT0S', 10), 'PullMessages foreign', POLICE)).body), 'ter:NotAuthorized');
    const foreign = await call(`${t.http}/onvif/media2_service`, `<tr2:GetProfiles xmlns:tr2="${TR2}"><tr2:Token>Elsewhere:main</tr2:Token></tr2:GetProfiles>`, 'GetProfiles foreign token');
    assert.equal(faultSubcode(foreign.body), 'ter:InvalidArgVal');
  });

  test('GetEventProperties lists every resource topic as a property with its message description', async () => {
    const r = await call(events, tev('GetEventProperties'), 'GetEventProperties');
    for (const kind of ['MediaProfile', 'VideoSource', 'AudioSource', 'VideoSourceConfiguration', 'AudioSourceConfiguration', 'VideoEncoderConfiguration', 'AudioEncoderConfiguration', 'MetadataConfiguration', 'OSDConfiguration', 'MaskConfiguration']) {
      assert.match(r.body, new RegExp(`<${kind} wstop:topic="true"><tt:MessageDescription IsProperty="true"><tt:Source><tt:SimpleItemDescription Name="Token" Type="tt:ReferenceToken"/></tt:Source><tt:Data>`), kind);
    }
    assert.match(r.body, /<tns1:Media><ProfileChanged wstop:topic="true">.*<ConfigurationChanged wstop:topic="true">/);
  });
});

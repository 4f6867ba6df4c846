/**
 * The device management service end to end over HTTP: every operation, every user level, every
 * response and fault validated against the ONVIF schemas with xmllint.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, startTestNode, type TestNode } from '../../helpers/node.js';
import { envelope, post, postDigest, usernameTokenHeader, type Credentials } from '../../helpers/soap-client.js';
import { OnvifSamples } from '../../helpers/onvif-validate.js';

const TDS = 'http://www.onvif.org/ver10/device/wsdl';
const samples = new OnvifSamples();
let t: TestNode;

async function call(op: string, inner = '', creds: Credentials | null = ADMIN, name = op): Promise<{ status: number; body: string }> {
  const header = creds ? usernameTokenHeader(creds) : '';
  const res = await post(t.device, envelope(`<tds:${op} xmlns:tds="${TDS}" xmlns:tt="http://www.onvif.org/ver10/schema">${inner}</tds:${op}>`, header));
  samples.add(`${name} (${res.status})`, res.body);
  return res;
}

function isFault(body: string, subcode: string): boolean {
  return body.includes('Fault>') && body.includes(subcode);
}

before(async () => {
  t = await startTestNode();
});
after(async () => {
  await t.stop();
  // Every response and fault seen above must be schema-valid.
  const n = await samples.assertAllValid();
  assert.ok(n > 40, `validated only ${n} messages`);
});

describe('capability exchange', () => {
  test('GetServices lists the device service with its XAddr and version; IncludeCapability embeds capabilities', async () => {
    const r = await call('GetServices', '<tds:IncludeCapability>true</tds:IncludeCapability>');
    assert.equal(r.status, 200);
    assert.match(r.body, new RegExp(`<tds:XAddr>${t.http}/onvif/device_service</tds:XAddr>`));
    assert.match(r.body, /<tds:Capabilities><tds:Capabilities>/);
    const plain = await call('GetServices', '<tds:IncludeCapability>false</tds:IncludeCapability>', null, 'GetServices anonymous');
    assert.equal(plain.status, 200, 'GetServices is PRE_AUTH');
    assert.doesNotMatch(plain.body, /<tds:Capabilities>/);
  });

  test('GetServiceCapabilities and legacy GetCapabilities (all and by category)', async () => {
    const sc = await call('GetServiceCapabilities', '', null);
    assert.match(sc.body, /UsernameToken="true"/);
    assert.match(sc.body, /HttpDigest="true"/);
    const all = await call('GetCapabilities', '<tds:Category>All</tds:Category>', null);
    assert.match(all.body, /<tt:Device><tt:XAddr>/);
    const dev = await call('GetCapabilities', '<tds:Category>Device</tds:Category>');
    assert.match(dev.body, /<tt:Device>/);
    const none = await call('GetCapabilities', '<tds:Category>PTZ</tds:Category>', ADMIN, 'GetCapabilities PTZ');
    assert.ok(isFault(none.body, 'ter:NoSuchService'), none.body);
    const bad = await call('GetCapabilities', '<tds:Category>Bogus</tds:Category>', ADMIN, 'GetCapabilities bogus');
    assert.ok(isFault(bad.body, 'ter:InvalidArgVal'));
  });
});

describe('system', () => {
  test('GetDeviceInformation needs READ_SYSTEM: anonymous gets an HTTP digest challenge', async () => {
    const anon = await call('GetDeviceInformation', '', null, 'GetDeviceInformation anonymous');
    assert.equal(anon.status, 401);
    const ok = await call('GetDeviceInformation');
    assert.equal(ok.status, 200);
    assert.match(ok.body, /<tds:Manufacturer>Vigil<\/tds:Manufacturer>/);
    const digest = await postDigest(t.device, envelope(`<GetDeviceInformation xmlns="${TDS}"/>`), ADMIN, 'MD5');
    assert.equal(digest.status, 200, digest.body);
    samples.add('GetDeviceInformation digest', digest.body);
  });

  test('Get/SetSystemDateAndTime: manual time shifts the node clock and UsernameToken freshness follows it', async () => {
    const r = await call('GetSystemDateAndTime', '', null);
    assert.match(r.body, /<tt:DateTimeType>NTP<\/tt:DateTimeType>/);
    const year = new Date().getUTCFullYear() + 1;
    const set = await call(
      'SetSystemDateAndTime',
      `<tds:DateTimeType>Manual</tds:DateTimeType><tds:DaylightSavings>false</tds:DaylightSavings><tds:TimeZone><tt:TZ>CET-1CEST,M3.5.0,M10.5.0/3</tt:TZ></tds:TimeZone><tds:UTCDateTime><tt:Time><tt:Hour>10</tt:Hour><tt:Minute>0</tt:Minute><tt:Second>0</tt:Second></tt:Time><tt:Date><tt:Year>${year}</tt:Year><tt:Month>6</tt:Month><tt:Day>1</tt:Day></tt:Date></tds:UTCDateTime>`,
    );
    assert.equal(set.status, 200, set.body);
    const after1 = await call('GetSystemDateAndTime', '', null, 'GetSystemDateAndTime manual');
    assert.match(after1.body, new RegExp(`<tt:Year>${year}</tt:Year>`));
    assert.match(after1.body, /<tt:TZ>CET-1CEST/);
    // A token created by the host clock is now a year off the node's clock: stale.
    const stale = await call('GetDeviceInformation', '', ADMIN, 'GetDeviceInformation stale');
    assert.ok(isFault(stale.body, 'ter:NotAuthorized'), stale.body);
    assert.match(stale.body, /time window/);
    // A client that corrects for the skew (as ONVIF clients do) succeeds.
    const created = new Date(Date.UTC(year, 5, 1, 10, 0, 1)).toISOString();
    const skewed = await post(t.device, envelope(`<GetDeviceInformation xmlns="${TDS}"/>`, usernameTokenHeader(ADMIN, { created })));
    assert.equal(skewed.status, 200, skewed.body);
    const back = await postDigest(t.device, envelope(`<tds:SetSystemDateAndTime xmlns:tds="${TDS}"><tds:DateTimeType>NTP</tds:DateTimeType><tds:DaylightSavings>false</tds:DaylightSavings></tds:SetSystemDateAndTime>`), ADMIN);
    assert.equal(back.status, 200, back.body);
    const bad = await call('SetSystemDateAndTime', '<tds:DateTimeType>Manual</tds:DateTimeType><tds:DaylightSavings>false</tds:DaylightSavings><tds:UTCDateTime><tt:Time><tt:Hour>25</tt:Hour><tt:Minute>0</tt:Minute><tt:Second>0</tt:Second></tt:Time><tt:Date><tt:Year>2026</tt:Year><tt:Month>2</tt:Month><tt:Day>30</tt:Day></tt:Date></tds:UTCDateTime>', ADMIN, 'SetSystemDateAndTime invalid');
    assert.ok(isFault(bad.body, 'ter:InvalidDateTime'), bad.body);
  });

  test('scopes: fixed and configurable, set/add/remove with the spec faults', async () => {
    const r = await call('GetScopes');
    assert.match(r.body, /<tt:ScopeDef>Fixed<\/tt:ScopeDef><tt:ScopeItem>onvif:\/\/www.onvif.org\/hardware\//);
    assert.equal((await call('AddScopes', '<tds:ScopeItem>onvif://www.onvif.org/location/city/paris</tds:ScopeItem>')).status, 200);
    assert.match((await call('GetScopes', '', ADMIN, 'GetScopes after add')).body, /location\/city\/paris/);
    const rm = await call('RemoveScopes', '<tds:ScopeItem>onvif://www.onvif.org/location/city/paris</tds:ScopeItem>');
    assert.match(rm.body, /<tds:ScopeItem>onvif:\/\/www.onvif.org\/location\/city\/paris<\/tds:ScopeItem>/);
    assert.ok(isFault((await call('RemoveScopes', '<tds:ScopeItem>onvif://www.onvif.org/nope</tds:ScopeItem>', ADMIN, 'RemoveScopes missing')).body, 'ter:NoScope'));
    const fixed = r.body.match(/<tt:ScopeItem>(onvif:\/\/www.onvif.org\/hardware\/[^<]+)<\/tt:ScopeItem>/)![1]!;
    assert.ok(isFault((await call('RemoveScopes', `<tds:ScopeItem>${fixed}</tds:ScopeItem>`, ADMIN, 'RemoveScopes fixed')).body, 'ter:FixedScope'));
    assert.ok(isFault((await call('SetScopes', `<tds:Scopes>${fixed}</tds:Scopes>`, ADMIN, 'SetScopes fixed')).body, 'ter:ScopeOverwrite'));
    assert.equal((await call('SetScopes', '<tds:Scopes>onvif://www.onvif.org/name/Gate%20A</tds:Scopes>')).status, 200);
    assert.match((await call('GetScopes', '', ADMIN, 'GetScopes after set')).body, /name\/Gate%20A/);
    assert.ok(isFault((await call('AddScopes', '<tds:ScopeItem>not a uri</tds:ScopeItem>', ADMIN, 'AddScopes bad')).body, 'ter:InvalidArgVal'));
  });

  test('hostname, discovery mode, endpoint reference, WSDL URL', async () => {
    assert.match((await call('GetHostname', '', null)).body, /<tds:HostnameInformation><tt:FromDHCP>false<\/tt:FromDHCP><tt:Name>/);
    assert.equal((await call('SetHostname', '<tds:Name>vigil-site-1</tds:Name>')).status, 200);
    assert.match((await call('GetHostname', '', null, 'GetHostname after set')).body, /<tt:Name>vigil-site-1<\/tt:Name>/);
    assert.ok(isFault((await call('SetHostname', '<tds:Name>-bad_name-</tds:Name>', ADMIN, 'SetHostname bad')).body, 'ter:InvalidHostname'));
    assert.equal((await call('SetDiscoveryMode', '<tds:DiscoveryMode>NonDiscoverable</tds:DiscoveryMode>')).status, 200);
    assert.match((await call('GetDiscoveryMode')).body, /NonDiscoverable/);
    assert.match((await call('GetEndpointReference', '', null)).body, /<tds:GUID>urn:uuid:[0-9a-f-]{36}<\/tds:GUID>/);
    assert.match((await call('GetWsdlUrl', '', null)).body, /<tds:WsdlUrl>/);
  });

  test('network information', async () => {
    assert.match((await call('GetNetworkInterfaces')).body, /<tds:NetworkInterfaces token="/);
    const protos = await call('GetNetworkProtocols');
    assert.match(protos.body, new RegExp(`<tt:Name>HTTP</tt:Name><tt:Enabled>true</tt:Enabled><tt:Port>${t.node.httpPort}</tt:Port>`));
    assert.match((await call('GetDNS')).body, /<tds:DNSInformation><tt:FromDHCP>false<\/tt:FromDHCP>/);
    assert.match((await call('GetNTP')).body, /<tds:NTPInformation>/);
  });
});

describe('users and levels', () => {
  const op: Credentials = { username: 'operator1', password: 'Op3rator-pass' };
  const user: Credentials = { username: 'viewer1', password: 'V1ewer-pass' };

  test('CreateUsers, GetUsers (no passwords disclosed), SetUser, DeleteUsers with their faults', async () => {
    const created = await call(
      'CreateUsers',
      `<tds:User><tt:Username>${op.username}</tt:Username><tt:Password>${op.password}</tt:Password><tt:UserLevel>Operator</tt:UserLevel></tds:User>` +
        `<tds:User><tt:Username>${user.username}</tt:Username><tt:Password>${user.password}</tt:Password><tt:UserLevel>User</tt:UserLevel></tds:User>`,
    );
    assert.equal(created.status, 200, created.body);
    const list = await call('GetUsers');
    assert.match(list.body, /<tt:Username>operator1<\/tt:Username><tt:UserLevel>Operator<\/tt:UserLevel>/);
    assert.doesNotMatch(list.body, /Password/);
    assert.ok(isFault((await call('CreateUsers', `<tds:User><tt:Username>${op.username}</tt:Username><tt:Password>Another-pass1</tt:Password><tt:UserLevel>User</tt:UserLevel></tds:User>`, ADMIN, 'CreateUsers clash')).body, 'ter:UsernameClash'));
    assert.ok(isFault((await call('CreateUsers', '<tds:User><tt:Username>weak</tt:Username><tt:Password>short</tt:Password><tt:UserLevel>User</tt:UserLevel></tds:User>', ADMIN, 'CreateUsers weak')).body, 'ter:PasswordTooWeak'));
    assert.ok(isFault((await call('CreateUsers', '<tds:User><tt:Username>anon</tt:Username><tt:Password>Long-enough-1</tt:Password><tt:UserLevel>Anonymous</tt:UserLevel></tds:User>', ADMIN, 'CreateUsers anonymous')).body, 'ter:AnonymousNotAllowed'));
    assert.ok(isFault((await call('CreateUsers', `<tds:User><tt:Username>${'x'.repeat(40)}</tt:Username><tt:Password>Long-enough-1</tt:Password><tt:UserLevel>User</tt:UserLevel></tds:User>`, ADMIN, 'CreateUsers long')).body, 'ter:UsernameTooLong'));
    assert.ok(isFault((await call('DeleteUsers', '<tds:Username>admin</tds:Username>', ADMIN, 'DeleteUsers last admin')).body, 'ter:FixedUser'));
    assert.ok(isFault((await call('DeleteUsers', '<tds:Username>ghost</tds:Username>', ADMIN, 'DeleteUsers missing')).body, 'ter:UsernameMissing'));
    assert.ok(isFault((await call('SetUser', '<tds:User><tt:Username>admin</tt:Username><tt:UserLevel>User</tt:UserLevel></tds:User>', ADMIN, 'SetUser demote last admin')).body, 'ter:FixedUser'));
  });

  test('levels are enforced per the default access policy', async () => {
    assert.equal((await call('GetDeviceInformation', '', user, 'GetDeviceInformation as User')).status, 200);
    const denied = await call('GetUsers', '', op, 'GetUsers as Operator');
    assert.equal(denied.status, 400);
    assert.ok(isFault(denied.body, 'ter:NotAuthorized'));
    assert.ok(isFault((await call('CreateUsers', '<tds:User><tt:Username>x1</tt:Username><tt:Password>Long-enough-1</tt:Password><tt:UserLevel>Administrator</tt:UserLevel></tds:User>', op, 'CreateUsers as Operator')).body, 'ter:NotAuthorized'));
    assert.ok(isFault((await call('SystemReboot', '', user, 'SystemReboot as User')).body, 'ter:NotAuthorized'));
  });

  test('SetUser changes the password (old one stops working) and DeleteUsers removes the user', async () => {
    assert.equal((await call('SetUser', `<tds:User><tt:Username>${user.username}</tt:Username><tt:Password>N3w-viewer-pass</tt:Password><tt:UserLevel>Operator</tt:UserLevel></tds:User>`)).status, 200);
    assert.ok(isFault((await call('GetDeviceInformation', '', user, 'old password')).body, 'ter:NotAuthorized'));
    assert.equal((await call('GetDeviceInformation', '', { username: user.username, password: 'N3w-viewer-pass' }, 'new password')).status, 200);
    assert.equal((await call('DeleteUsers', `<tds:Username>${user.username}</tds:Username>`)).status, 200);
    assert.ok(isFault((await call('GetDeviceInformation', '', { username: user.username, password: 'N3w-viewer-pass' }, 'deleted user')).body, 'ter:NotAuthorized'));
  });

  test('every authenticated call is in the audit log with user, source, operation and outcome', async () => {
    const rows = t.node.audit.recent(500);
    const create = rows.find((r) => r.operation === 'CreateUsers' && r.outcome === 'ok');
    assert.ok(create);
    assert.equal(create.username, 'admin');
    assert.equal(create.source, '127.0.0.1');
    assert.equal(create.authMethod, 'ws-usernametoken');
    assert.deepEqual(create.tokens, ['user:operator1', 'user:viewer1']);
    assert.ok(rows.some((r) => r.operation === 'GetUsers' && r.outcome === 'denied' && r.username === 'operator1'));
    assert.ok(rows.some((r) => r.outcome.startsWith('auth-failed') && r.username === 'viewer1'));
  });
});

describe('engine behaviour', () => {
  test('unimplemented operations of the device namespace answer ter:ActionNotSupported', async () => {
    const r = await call('SetNetworkDefaultGateway', '<tds:IPv4Address>10.0.0.1</tds:IPv4Address>', ADMIN, 'unimplemented op');
    assert.equal(r.status, 500);
    assert.ok(isFault(r.body, 'ter:ActionNotSupported'));
  });

  test('WS-Addressing Action is echoed as the response action, MessageID as RelatesTo', async () => {
    const header = `<wsa:Action xmlns:wsa="http://www.w3.org/2005/08/addressing">${TDS}/GetSystemDateAndTimeRequest</wsa:Action><wsa:MessageID xmlns:wsa="http://www.w3.org/2005/08/addressing">urn:uuid:1234</wsa:MessageID>`;
    const r = await post(t.device, envelope(`<GetSystemDateAndTime xmlns="${TDS}"/>`, header));
    samples.add('addressing', r.body);
    assert.match(r.body, new RegExp(`<wsa:Action>${TDS}/GetSystemDateAndTimeResponse</wsa:Action>`));
    assert.match(r.body, /<wsa:RelatesTo>urn:uuid:1234<\/wsa:RelatesTo>/);
  });

  test('HTTPS (HTTP/1.1) serves the same routes; PasswordText is accepted there only', async () => {
    const body = envelope(`<GetDeviceInformation xmlns="${TDS}"/>`, usernameTokenHeader(ADMIN, { type: 'text' }));
    const plain = await post(t.device, body);
    assert.ok(isFault(plain.body, 'ter:NotAuthorized'));
    assert.match(plain.body, /only accepted over TLS/);
    const tls = await post(`${t.https}/onvif/device_service`, body, {}, t.node.caCertPem);
    assert.equal(tls.status, 200, tls.body);
    samples.add('https', tls.body);
  });
});

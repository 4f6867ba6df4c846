/**
 * The Media2 service end to end over HTTP on a node with its embedded simulated cameras: every
 * operation and the spec's faults, access classes, snapshots over HTTP Digest (decoded by
 * ffmpeg, changing with the OSD text), encoder changes reaching the live source. Every response
 * and fault is validated against the ONVIF schemas.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import type { MediaFrame } from '../../../src/media/live.js';
import { parseSps as h264Sps } from '../../../src/protocol/codec/h264.js';
import { parseSps as h265Sps } from '../../../src/protocol/codec/h265.js';
import { ADMIN, startTestNode, type TestNode } from '../../helpers/node.js';
import { OnvifSamples } from '../../helpers/onvif-validate.js';
import { digestAuthorization, envelope, post, usernameTokenHeader, type Credentials } from '../../helpers/soap-client.js';

const TR2 = 'http://www.onvif.org/ver20/media/wsdl';
const TT = 'http://www.onvif.org/ver10/schema';
const samples = new OnvifSamples();
let t: TestNode;
let m2: string;
const USER: Credentials = { username: 'viewer', password: 'Viewer-pass-123' };

async function call(op: string, inner = '', creds: Credentials | null = ADMIN, name = op): Promise<{ status: number; body: string }> {
  const res = await post(m2, envelope(`<tr2:${op} xmlns:tr2="${TR2}" xmlns:tt="${TT}">${inner}</tr2:${op}>`, creds ? usernameTokenHeader(creds) : ''));
  samples.add(`${name} (${res.status})`, res.body);
  return res;
}

function assertFault(r: { status: number; body: string }, ...subcodes: string[]): void {
  assert.ok(r.body.includes('env:Fault>'), r.body);
  for (const s of subcodes) assert.ok(r.body.includes(`<env:Value>${s}</env:Value>`), `${s} in ${r.body.slice(r.body.indexOf('<env:Body>'))}`);
}

function ok(r: { status: number; body: string }): string {
  assert.equal(r.status, 200, r.body.slice(r.body.indexOf('<env:Body>')));
  return r.body;
}

function values(body: string, element: string): string[] {
  return [...body.matchAll(new RegExp(`<${element}[^>]*>([^<]*)</${element}>`, 'g'))].map((m) => m[1]!);
}

interface GetResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Every WWW-Authenticate header separately (node joins repeated headers). */
  challenges: string[];
  body: Buffer;
}

function httpGet(url: string, headers: Record<string, string> = {}): Promise<GetResult> {
  return new Promise((resolve, reject) => {
    request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      const challenges = res.rawHeaders.filter((_, i) => i % 2 === 1 && res.rawHeaders[i - 1]!.toLowerCase() === 'www-authenticate');
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, challenges, body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
}

async function snapshot(uri: string, creds: Credentials): Promise<Buffer> {
  const first = await httpGet(uri);
  assert.equal(first.status, 401);
  const challenge = first.challenges.find((h) => h.includes('SHA-256')) ?? first.challenges[0]!;
  const u = new URL(uri);
  const res = await httpGet(uri, { authorization: digestAuthorization(challenge, creds, 'GET', u.pathname + u.search, challenge.includes('SHA-256') ? 'SHA-256' : 'MD5') });
  assert.equal(res.status, 200, res.body.toString());
  assert.equal(res.headers['content-type'], 'image/jpeg');
  return res.body;
}

before(async () => {
  t = await startTestNode();
  m2 = `${t.http}/onvif/media2_service`;
  const tds = 'http://www.onvif.org/ver10/device/wsdl';
  const created = await post(t.device, envelope(`<tds:CreateUsers xmlns:tds="${tds}" xmlns:tt="${TT}"><tds:User><tt:Username>${USER.username}</tt:Username><tt:Password>${USER.password}</tt:Password><tt:UserLevel>User</tt:UserLevel></tds:User></tds:CreateUsers>`, usernameTokenHeader(ADMIN)));
  assert.equal(created.status, 200, created.body);
});

after(async () => {
  await t.stop();
  const n = await samples.assertAllValid();
  assert.ok(n > 80, `validated only ${n} messages`);
});

describe('capabilities and profiles', () => {
  test('GetServices lists Media2 and Media; GetServiceCapabilities is PRE_AUTH', async () => {
    const tds = 'http://www.onvif.org/ver10/device/wsdl';
    const s = await post(t.device, envelope(`<tds:GetServices xmlns:tds="${tds}"><tds:IncludeCapability>true</tds:IncludeCapability></tds:GetServices>`));
    samples.add('GetServices', s.body);
    assert.ok(s.body.includes(`<tds:XAddr>${t.http}/onvif/media2_service</tds:XAddr>`));
    assert.ok(s.body.includes(`<tds:XAddr>${t.http}/onvif/media_service</tds:XAddr>`));
    const caps = ok(await call('GetServiceCapabilities', '', null));
    assert.match(caps, /SnapshotUri="true"/);
    assert.match(caps, /RTSPWebSocketUri="ws:\/rtsp-over-websocket"/);
    assert.match(caps, /ConfigurationsSupported="VideoSource AudioSource VideoEncoder AudioEncoder Metadata"/);
    assert.match(caps, /MaximumNumberOfProfiles="48"/);
  });

  test('GetProfiles: names only, All, selected types, one by token; anonymous is challenged', async () => {
    const names = ok(await call('GetProfiles'));
    assert.equal(values(names, 'tr2:Name').length, 12);
    assert.doesNotMatch(names, /tr2:Configurations/);
    const all = ok(await call('GetProfiles', '<tr2:Type>All</tr2:Type>', ADMIN, 'GetProfiles All'));
    assert.equal((all.match(/<tr2:VideoEncoder /g) ?? []).length, 12);
    const some = ok(await call('GetProfiles', '<tr2:Token>Cam2:hevc</tr2:Token><tr2:Type>VideoEncoder</tr2:Type><tr2:Type>Metadata</tr2:Type>', ADMIN, 'GetProfiles typed'));
    assert.match(some, /<tr2:Profiles token="Cam2:hevc" fixed="true">/);
    assert.match(some, /<tt:Encoding>H265<\/tt:Encoding>/);
    assert.doesNotMatch(some, /tr2:VideoSource /);
    assert.match(some, /<tt:PTZStatus><tt:Status>true/, 'Cam2 is the PTZ camera');
    assert.equal((await call('GetProfiles', '', null, 'GetProfiles anonymous')).status, 401);
    assertFault(await call('GetProfiles', '<tr2:Token>Cam1:nope</tr2:Token>', ADMIN, 'GetProfiles unknown'), 'ter:InvalidArgVal', 'ter:NoProfile');
    assertFault(await call('GetProfiles', '<tr2:Token>Other:main</tr2:Token>', ADMIN, 'GetProfiles foreign'), 'ter:InvalidArgVal');
  });

  test('CreateProfile, AddConfiguration, RemoveConfiguration, DeleteProfile and their faults', async () => {
    const created = ok(await call('CreateProfile', '<tr2:Name>Mine</tr2:Name>'));
    const token = values(created, 'tr2:Token')[0]!;
    assert.match(token, /^VSS:P\d+$/);
    ok(await call('AddConfiguration', `<tr2:ProfileToken>${token}</tr2:ProfileToken><tr2:Name>Mine 2</tr2:Name><tr2:Configuration><tr2:Type>VideoSource</tr2:Type><tr2:Token>Cam3:VSC</tr2:Token></tr2:Configuration><tr2:Configuration><tr2:Type>VideoEncoder</tr2:Type><tr2:Token>Cam3:VE-sub</tr2:Token></tr2:Configuration>`));
    const got = ok(await call('GetProfiles', `<tr2:Token>${token}</tr2:Token><tr2:Type>All</tr2:Type>`, ADMIN, 'GetProfiles created'));
    assert.match(got, /<tr2:Name>Mine 2<\/tr2:Name>/);
    assert.match(got, /<tr2:VideoEncoder token="Cam3:VE-sub"/);
    assertFault(
      await call('AddConfiguration', `<tr2:ProfileToken>${token}</tr2:ProfileToken><tr2:Configuration><tr2:Type>AudioSource</tr2:Type><tr2:Token>Cam1:ASC</tr2:Token></tr2:Configuration>`, ADMIN, 'AddConfiguration other camera'),
      'env:Receiver', 'ter:Action', 'ter:ConfigurationConflict',
    );
    assertFault(await call('RemoveConfiguration', `<tr2:ProfileToken>${token}</tr2:ProfileToken><tr2:Configuration><tr2:Type>VideoSource</tr2:Type></tr2:Configuration>`, ADMIN, 'RemoveConfiguration dependency'), 'ter:ConfigurationConflict');
    ok(await call('RemoveConfiguration', `<tr2:ProfileToken>${token}</tr2:ProfileToken><tr2:Configuration><tr2:Type>All</tr2:Type></tr2:Configuration>`));
    assertFault(await call('CreateProfile', '<tr2:Name>x</tr2:Name><tr2:Configuration><tr2:Type>VideoSource</tr2:Type><tr2:Token>Cam1:nothing</tr2:Token></tr2:Configuration>', ADMIN, 'CreateProfile NoConfig'), 'ter:InvalidArgVal', 'ter:NoConfig');
    assertFault(await call('DeleteProfile', '<tr2:Token>Cam1:main</tr2:Token>', ADMIN, 'DeleteProfile fixed'), 'env:Sender', 'ter:Action', 'ter:DeletionOfFixedProfile');
    ok(await call('DeleteProfile', `<tr2:Token>${token}</tr2:Token>`));
    assertFault(await call('DeleteProfile', `<tr2:Token>${token}</tr2:Token>`, ADMIN, 'DeleteProfile again'), 'ter:NoProfile');
  });

  test('access classes: a User may read media but not change profiles', async () => {
    ok(await call('GetProfiles', '', USER, 'GetProfiles user'));
    assertFault(await call('CreateProfile', '<tr2:Name>x</tr2:Name>', USER, 'CreateProfile user'), 'ter:NotAuthorized');
    ok(await call('GetVideoSourceModes', '<tr2:VideoSourceToken>Cam1:VS</tr2:VideoSourceToken>', USER, 'GetVideoSourceModes user'));
    assertFault(await call('SetVideoSourceMode', '<tr2:VideoSourceToken>Cam1:VS</tr2:VideoSourceToken><tr2:VideoSourceModeToken>mode0</tr2:VideoSourceModeToken>', USER, 'SetVideoSourceMode user'), 'ter:NotAuthorized');
  });
});

describe('configurations', () => {
  const kinds = ['VideoSource', 'VideoEncoder', 'AudioSource', 'AudioEncoder', 'Metadata'];

  test('Get<entity>Configurations and options for every kind: all, by profile, by token', async () => {
    for (const k of kinds) {
      const all = ok(await call(`Get${k}Configurations`));
      assert.ok((all.match(/<tr2:Configurations /g) ?? []).length >= 4, k);
      ok(await call(`Get${k}Configurations`, '<tr2:ProfileToken>Cam1:main</tr2:ProfileToken>', ADMIN, `Get${k}Configurations profile`));
      ok(await call(`Get${k}ConfigurationOptions`));
      ok(await call(`Get${k}ConfigurationOptions`, '<tr2:ProfileToken>Cam2:main</tr2:ProfileToken>', ADMIN, `Get${k}ConfigurationOptions profile`));
    }
    const one = ok(await call('GetVideoEncoderConfigurations', '<tr2:ConfigurationToken>Cam4:VE-hevc</tr2:ConfigurationToken>', ADMIN, 'GetVideoEncoderConfigurations one'));
    assert.equal((one.match(/<tr2:Configurations /g) ?? []).length, 1);
    assertFault(await call('GetMetadataConfigurations', '<tr2:ConfigurationToken>Cam4:VE-hevc</tr2:ConfigurationToken>', ADMIN, 'GetMetadataConfigurations wrong kind'), 'ter:NoConfig');
    assertFault(
      await call('GetVideoEncoderConfigurationOptions', '<tr2:ConfigurationToken>Cam1:VE-main</tr2:ConfigurationToken><tr2:ProfileToken>Cam2:main</tr2:ProfileToken>', ADMIN, 'options incompatible'),
      'ter:IncompatibleConfiguration',
    );
  });

  test('video encoder options reflect the clips: encodings, resolutions, frame rates, bitrate range', async () => {
    const o = ok(await call('GetVideoEncoderConfigurationOptions', '<tr2:ConfigurationToken>Cam1:VE-main</tr2:ConfigurationToken>', ADMIN, 'VE options'));
    assert.deepEqual(values(o, 'tt:Encoding'), ['H264', 'H265']);
    assert.equal((o.match(/<tt:ResolutionsAvailable><tt:Width>1280<\/tt:Width><tt:Height>720<\/tt:Height>/g) ?? []).length, 2);
    assert.match(o, /FrameRatesSupported="25 20 15 12.5 10 5 2 1"/);
    assert.match(o, /ProfilesSupported="Main"/);
    const ae = ok(await call('GetAudioEncoderConfigurationOptions', '', ADMIN, 'AE options'));
    assert.deepEqual(values(ae, 'tt:Encoding'), ['PCMU', 'mpeg4-generic']);
    assert.ok(ok(await call('GetVideoEncoderInstances', '<tr2:ConfigurationToken>Cam1:VSC</tr2:ConfigurationToken>')).includes('<tr2:Total>4</tr2:Total>'));
    assertFault(await call('GetVideoEncoderInstances', '<tr2:ConfigurationToken>Cam1:VE-main</tr2:ConfigurationToken>', ADMIN, 'instances wrong token'), 'ter:NoConfig');
  });

  test('SetVideoEncoderConfiguration changes what streams: TrackInfo and the frames\' SPS', async () => {
    const set = (encoding: string, w: number, h: number, name = 'SetVideoEncoderConfiguration'): Promise<{ status: number; body: string }> =>
      call(
        'SetVideoEncoderConfiguration',
        `<tr2:Configuration token="Cam3:VE-main" GovLength="50" Profile="Main"><tt:Name>changed</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>${encoding}</tt:Encoding><tt:Resolution><tt:Width>${w}</tt:Width><tt:Height>${h}</tt:Height></tt:Resolution><tt:RateControl ConstantBitRate="false"><tt:FrameRateLimit>10</tt:FrameRateLimit><tt:BitrateLimit>300</tt:BitrateLimit></tt:RateControl><tt:Quality>50</tt:Quality></tr2:Configuration>`,
        ADMIN,
        name,
      );
    ok(await set('H265', 640, 360));
    const got = ok(await call('GetVideoEncoderConfigurations', '<tr2:ConfigurationToken>Cam3:VE-main</tr2:ConfigurationToken>', ADMIN, 'after set'));
    assert.match(got, /GovLength="50"/);
    assert.match(got, /<tt:FrameRateLimit>10<\/tt:FrameRateLimit>/);
    const source = t.node.media.sourceForProfile('Cam3:main')!;
    assert.deepEqual([source.tracks[0]!.codec, source.tracks[0]!.width, source.tracks[0]!.height], ['H265', 640, 360]);
    const frame = await new Promise<MediaFrame>((resolve) => source.start((f) => f.track === 0 && f.keyframe && resolve(f)));
    source.stop();
    const sps = frame.data.find((n) => ((n[0]! >> 1) & 0x3f) === 33)!;
    assert.deepEqual([h265Sps(sps).width, h265Sps(sps).height], [640, 360]);
    ok(await set('H264', 1280, 720, 'SetVideoEncoderConfiguration back'));
    const back = t.node.media.sourceForProfile('Cam3:main')!;
    assert.equal(h264Sps(back.tracks[0]!.h264!.sps).width, 1280);
    assertFault(await set('H264', 1920, 1080, 'SetVideoEncoderConfiguration bad size'), 'ter:InvalidArgVal', 'ter:ConfigModify');
    assertFault(await set('MPV4-ES', 640, 360, 'SetVideoEncoderConfiguration bad encoding'), 'ter:ConfigModify');
  });

  test('Set for the other kinds, and what fails', async () => {
    ok(await call('SetVideoSourceConfiguration', '<tr2:Configuration token="Cam2:VSC"><tt:Name>Car park</tt:Name><tt:UseCount>3</tt:UseCount><tt:SourceToken>Cam2:VS</tt:SourceToken><tt:Bounds x="0" y="0" width="1280" height="720"/></tr2:Configuration>'));
    assertFault(await call('SetVideoSourceConfiguration', '<tr2:Configuration token="Cam2:VSC"><tt:Name>x</tt:Name><tt:UseCount>3</tt:UseCount><tt:SourceToken>Cam1:VS</tt:SourceToken><tt:Bounds x="0" y="0" width="1280" height="720"/></tr2:Configuration>', ADMIN, 'SetVSC other source'), 'ter:ConfigModify');
    ok(await call('SetAudioSourceConfiguration', '<tr2:Configuration token="Cam2:ASC"><tt:Name>Mic</tt:Name><tt:UseCount>3</tt:UseCount><tt:SourceToken>Cam2:AS</tt:SourceToken></tr2:Configuration>'));
    ok(await call('SetAudioEncoderConfiguration', '<tr2:Configuration token="Cam2:AE-g711"><tt:Name>now AAC</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>mpeg4-generic</tt:Encoding><tt:Bitrate>32</tt:Bitrate><tt:SampleRate>16</tt:SampleRate></tr2:Configuration>'));
    assert.equal(t.node.media.sourceForProfile('Cam2:main')!.tracks[1]!.codec, 'AAC');
    assertFault(await call('SetAudioEncoderConfiguration', '<tr2:Configuration token="Cam2:AE-g711"><tt:Name>x</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>PCMU</tt:Encoding><tt:Bitrate>32</tt:Bitrate><tt:SampleRate>8</tt:SampleRate></tr2:Configuration>', ADMIN, 'SetAE bad bitrate'), 'ter:ConfigModify');
    ok(await call('SetMetadataConfiguration', '<tr2:Configuration token="Cam2:MD" GeoLocation="false"><tt:Name>events only</tt:Name><tt:UseCount>2</tt:UseCount><tt:Events><tt:Filter><wsnt:TopicExpression xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" xmlns:tns1="http://www.onvif.org/ver10/topics" Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">tns1:VideoSource/MotionAlarm</wsnt:TopicExpression></tt:Filter></tt:Events><tt:Analytics>false</tt:Analytics><tt:Multicast><tt:Address><tt:Type>IPv4</tt:Type><tt:IPv4Address>239.1.2.3</tt:IPv4Address></tt:Address><tt:Port>40000</tt:Port><tt:TTL>1</tt:TTL><tt:AutoStart>false</tt:AutoStart></tt:Multicast><tt:SessionTimeout>PT30S</tt:SessionTimeout></tr2:Configuration>'));
    const md = ok(await call('GetMetadataConfigurations', '<tr2:ConfigurationToken>Cam2:MD</tr2:ConfigurationToken>', ADMIN, 'GetMD after set'));
    assert.match(md, /<wsnt:TopicExpression Dialect="[^"]+" xmlns:tns1="http:\/\/www.onvif.org\/ver10\/topics">tns1:VideoSource\/MotionAlarm<\/wsnt:TopicExpression>/);
    assert.match(md, /<tt:SessionTimeout>PT30S<\/tt:SessionTimeout>/);
    assertFault(await call('SetMetadataConfiguration', '<tr2:Configuration token="Cam9:MD"><tt:Name>x</tt:Name><tt:UseCount>1</tt:UseCount><tt:Multicast><tt:Address><tt:Type>IPv4</tt:Type><tt:IPv4Address>239.1.2.3</tt:IPv4Address></tt:Address><tt:Port>40000</tt:Port><tt:TTL>1</tt:TTL><tt:AutoStart>false</tt:AutoStart></tt:Multicast><tt:SessionTimeout>PT30S</tt:SessionTimeout></tr2:Configuration>', ADMIN, 'SetMD foreign'), 'ter:InvalidArgVal');
  });
});

describe('streaming', () => {
  test('GetStreamUri for each protocol; faults for unknown protocols, RTSPS without a port, incomplete profiles', async () => {
    const uri = async (protocol: string, profile = 'Cam1:main'): Promise<string> =>
      values(ok(await call('GetStreamUri', `<tr2:Protocol>${protocol}</tr2:Protocol><tr2:ProfileToken>${profile}</tr2:ProfileToken>`, ADMIN, `GetStreamUri ${protocol}`)), 'tr2:Uri')[0]!;
    const rtsp = `rtsp://127.0.0.1:${t.node.rtspPort}/live/Cam1%3Amain`;
    assert.equal(await uri('RtspUnicast'), rtsp);
    assert.equal(await uri('RTSP'), rtsp);
    assert.equal(await uri('RtspMulticast'), rtsp);
    assert.equal(await uri('RtspOverHttp'), `${t.http}/live/Cam1%3Amain`);
    assert.ok((await uri('RtspUnicast', 'Cam2:hevc')).length <= 128);
    assertFault(await call('GetStreamUri', '<tr2:Protocol>RtspsUnicast</tr2:Protocol><tr2:ProfileToken>Cam1:main</tr2:ProfileToken>', ADMIN, 'GetStreamUri rtsps'), 'ter:InvalidStreamSetup');
    assertFault(await call('GetStreamUri', '<tr2:Protocol>Carrier pigeon</tr2:Protocol><tr2:ProfileToken>Cam1:main</tr2:ProfileToken>', ADMIN, 'GetStreamUri bogus'), 'ter:InvalidArgVal', 'ter:InvalidStreamSetup');
    const empty = values(ok(await call('CreateProfile', '<tr2:Name>empty</tr2:Name>', ADMIN, 'CreateProfile empty')), 'tr2:Token')[0]!;
    assertFault(await call('GetStreamUri', `<tr2:Protocol>RtspUnicast</tr2:Protocol><tr2:ProfileToken>${empty}</tr2:ProfileToken>`, ADMIN, 'GetStreamUri incomplete'), 'env:Receiver', 'ter:IncompleteConfiguration');
    assertFault(await call('GetSnapshotUri', `<tr2:ProfileToken>${empty}</tr2:ProfileToken>`, ADMIN, 'GetSnapshotUri incomplete'), 'ter:IncompleteConfiguration');
    // A video source alone cannot stream, but it can be photographed (at the source's size).
    ok(await call('AddConfiguration', `<tr2:ProfileToken>${empty}</tr2:ProfileToken><tr2:Configuration><tr2:Type>VideoSource</tr2:Type><tr2:Token>Cam2:VSC</tr2:Token></tr2:Configuration>`, ADMIN, 'AddConfiguration VSC only'));
    assertFault(await call('GetStreamUri', `<tr2:Protocol>RTSP</tr2:Protocol><tr2:ProfileToken>${empty}</tr2:ProfileToken>`, ADMIN, 'GetStreamUri source only'), 'ter:IncompleteConfiguration');
    const snap = values(ok(await call('GetSnapshotUri', `<tr2:ProfileToken>${empty}</tr2:ProfileToken>`, ADMIN, 'GetSnapshotUri source only')), 'tr2:Uri')[0]!;
    const jpeg = await snapshot(snap, ADMIN);
    assert.equal(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', 'pipe:0'], { input: jpeg }).toString().trim(), '1280,720');
  });

  test('multicast start/stop, synchronization points', async () => {
    ok(await call('StartMulticastStreaming', '<tr2:ProfileToken>Cam4:sub</tr2:ProfileToken>'));
    ok(await call('StopMulticastStreaming', '<tr2:ProfileToken>Cam4:sub</tr2:ProfileToken>'));
    ok(await call('StopMulticastStreaming', '<tr2:ProfileToken>Cam4:sub</tr2:ProfileToken>', ADMIN, 'StopMulticastStreaming again'));
    assertFault(await call('StartMulticastStreaming', '<tr2:ProfileToken>Cam4:none</tr2:ProfileToken>', ADMIN, 'StartMulticastStreaming unknown'), 'ter:NoProfile');
    ok(await call('SetSynchronizationPoint', '<tr2:ProfileToken>Cam1:main</tr2:ProfileToken>'));
    assertFault(await call('SetSynchronizationPoint', '<tr2:ProfileToken>Cam1:zzz</tr2:ProfileToken>', ADMIN, 'SetSynchronizationPoint unknown'), 'ter:NoProfile');
  });

  test('snapshots: digest-protected JPEG that ffmpeg decodes at the profile size; it changes with the OSD text', async () => {
    const uri = values(ok(await call('GetSnapshotUri', '<tr2:ProfileToken>Cam1:sub</tr2:ProfileToken>')), 'tr2:Uri')[0]!;
    assert.equal(uri, `${t.http}/onvif/snapshot/Cam1%3Asub`);
    const a = await snapshot(uri, USER);
    const probe = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', 'pipe:0'], { input: a }).toString().trim();
    assert.equal(probe, 'mjpeg,640,360');
    const osd = ok(await call('GetOSDs', '<tr2:ConfigurationToken>Cam1:VSC</tr2:ConfigurationToken>'));
    assert.match(osd, /<tt:PlainText>Entrance<\/tt:PlainText>/);
    ok(await call('SetOSD', '<tr2:OSD token="Cam1:OSD-name"><tt:VideoSourceConfigurationToken>Cam1:VSC</tt:VideoSourceConfigurationToken><tt:Type>Text</tt:Type><tt:Position><tt:Type>UpperLeft</tt:Type></tt:Position><tt:TextString><tt:Type>Plain</tt:Type><tt:FontSize>40</tt:FontSize><tt:PlainText>MAIN GATE</tt:PlainText></tt:TextString></tr2:OSD>'));
    // Same second or not, only the OSD text differs in the top-left corner.
    const b = await snapshot(uri, USER);
    assert.notDeepEqual(a, b);
    const denied = await httpGet(`${t.http}/onvif/snapshot/Cam1%3Anone`, {});
    assert.equal(denied.status, 401, 'even unknown profiles ask for credentials first');
  });
});

describe('OSDs, masks, video source modes', () => {
  test('OSD options, create/set/delete, MaxOSDs and unknown tokens', async () => {
    const o = ok(await call('GetOSDOptions', '<tr2:ConfigurationToken>Cam2:VSC</tr2:ConfigurationToken>'));
    assert.match(o, /<tt:MaximumNumberOfOSDs Total="4"/);
    assert.deepEqual(values(o, 'tt:TimeFormat'), ['h:mm:ss tt', 'hh:mm:ss tt', 'H:mm:ss', 'HH:mm:ss']);
    const osd = (pos: string) =>
      `<tr2:OSD token="ignored"><tt:VideoSourceConfigurationToken>Cam2:VSC</tt:VideoSourceConfigurationToken><tt:Type>Text</tt:Type><tt:Position><tt:Type>${pos}</tt:Type>${pos === 'Custom' ? '<tt:Pos x="-0.5" y="0.2"/>' : ''}</tt:Position><tt:TextString IsPersistentText="true"><tt:Type>Date</tt:Type><tt:DateFormat>dd MMMM, yyyy</tt:DateFormat><tt:FontColor Transparent="10"><tt:Color X="255" Y="128" Z="128"/></tt:FontColor></tt:TextString></tr2:OSD>`;
    const t1 = values(ok(await call('CreateOSD', osd('Custom'))), 'tr2:OSDToken')[0]!;
    assert.match(t1, /^Cam2:OSD\d+$/);
    ok(await call('CreateOSD', osd('LowerLeft'), ADMIN, 'CreateOSD 2'));
    assertFault(await call('CreateOSD', osd('LowerLeft'), ADMIN, 'CreateOSD max'), 'env:Receiver', 'ter:Action', 'ter:MaxOSDs');
    assertFault(await call('CreateOSD', osd('Middle'), ADMIN, 'CreateOSD bad position'), 'ter:ConfigModify');
    const got = ok(await call('GetOSDs', `<tr2:OSDToken>${t1}</tr2:OSDToken>`, ADMIN, 'GetOSDs one'));
    assert.match(got, /<tt:Pos x="-0.5" y="0.2"\/>/);
    ok(await call('SetOSD', osd('UpperRight').replace('token="ignored"', `token="${t1}"`), ADMIN, 'SetOSD created'));
    ok(await call('DeleteOSD', `<tr2:OSDToken>${t1}</tr2:OSDToken>`));
    assertFault(await call('DeleteOSD', `<tr2:OSDToken>${t1}</tr2:OSDToken>`, ADMIN, 'DeleteOSD again'), 'ter:NoConfig');
    assertFault(await call('GetOSDOptions', '<tr2:ConfigurationToken>Cam2:VE-main</tr2:ConfigurationToken>', ADMIN, 'GetOSDOptions not a VSC'), 'ter:NoConfig');
    ok(await call('GetOSDs', '', ADMIN, 'GetOSDs all'));
  });

  test('mask options, create/get/set/delete, invalid polygons', async () => {
    ok(await call('GetMaskOptions', '<tr2:ConfigurationToken>Cam1:VSC</tr2:ConfigurationToken>'));
    const mask = (points: string, token = '') =>
      `<tr2:Mask${token ? ` token="${token}"` : ''}><tr2:ConfigurationToken>Cam1:VSC</tr2:ConfigurationToken><tr2:Polygon>${points}</tr2:Polygon><tr2:Type>Color</tr2:Type><tr2:Color X="16" Y="128" Z="128"/><tr2:Enabled>true</tr2:Enabled></tr2:Mask>`;
    const square = '<tt:Point x="0" y="0"/><tt:Point x="0.5" y="0"/><tt:Point x="0.5" y="0.5"/><tt:Point x="0" y="0.5"/>';
    const token = values(ok(await call('CreateMask', mask(square))), 'tr2:Token')[0]!;
    const got = ok(await call('GetMasks', `<tr2:Token>${token}</tr2:Token>`));
    assert.equal((got.match(/<tt:Point /g) ?? []).length, 4);
    ok(await call('SetMask', mask(square.replace('x="0.5" y="0.5"', 'x="0.9" y="0.9"'), token)));
    assertFault(await call('CreateMask', mask('<tt:Point x="0" y="0"/><tt:Point x="2" y="0"/><tt:Point x="0" y="1"/>'), ADMIN, 'CreateMask outside'), 'env:Receiver', 'ter:InvalidPolygon');
    ok(await call('GetMasks', '<tr2:ConfigurationToken>Cam1:VSC</tr2:ConfigurationToken>', ADMIN, 'GetMasks by configuration'));
    ok(await call('DeleteMask', `<tr2:Token>${token}</tr2:Token>`));
    assertFault(await call('GetMasks', `<tr2:Token>${token}</tr2:Token>`, ADMIN, 'GetMasks deleted'), 'ter:NoConfig');
  });

  test('video source modes: list with the current one enabled, switch, unknown mode or source', async () => {
    const modes = ok(await call('GetVideoSourceModes', '<tr2:VideoSourceToken>Cam4:VS</tr2:VideoSourceToken>'));
    assert.match(modes, /<tr2:VideoSourceModes token="mode0" Enabled="true">/);
    assert.match(modes, /<tr2:Encodings>H264 H265<\/tr2:Encodings>/);
    assert.match(ok(await call('SetVideoSourceMode', '<tr2:VideoSourceToken>Cam4:VS</tr2:VideoSourceToken><tr2:VideoSourceModeToken>mode1</tr2:VideoSourceModeToken>')), /<tr2:Reboot>false<\/tr2:Reboot>/);
    const opts = ok(await call('GetVideoEncoderConfigurationOptions', '<tr2:ConfigurationToken>Cam4:VE-main</tr2:ConfigurationToken>', ADMIN, 'options in mode1'));
    assert.doesNotMatch(opts, /<tt:Width>1280/);
    assertFault(await call('SetVideoSourceMode', '<tr2:VideoSourceToken>Cam4:VS</tr2:VideoSourceToken><tr2:VideoSourceModeToken>nope</tr2:VideoSourceModeToken>', ADMIN, 'SetVideoSourceMode unknown'), 'ter:NoVideoSourceMode');
    assertFault(await call('GetVideoSourceModes', '<tr2:VideoSourceToken>Cam4:VSC</tr2:VideoSourceToken>', ADMIN, 'GetVideoSourceModes not a source'), 'ter:NoVideoSource');
    ok(await call('SetVideoSourceMode', '<tr2:VideoSourceToken>Cam4:VS</tr2:VideoSourceToken><tr2:VideoSourceModeToken>mode0</tr2:VideoSourceModeToken>', ADMIN, 'SetVideoSourceMode back'));
  });
});

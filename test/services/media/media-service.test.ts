/**
 * The ver10 Media service subset, directly (every response and fault schema-validated) and
 * through the `onvif` npm package (a Profile S/T client nobody here wrote): it connects
 * (GetServices, then Media2 GetProfiles and Media GetVideoSources), gets profiles, stream and
 * snapshot URIs over Media2 and, forced to Profile S, over Media; ffprobe decodes the stream URI.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { ADMIN, startTestNode, type TestNode } from '../../helpers/node.js';
import { OnvifSamples } from '../../helpers/onvif-validate.js';
import { envelope, post, usernameTokenHeader } from '../../helpers/soap-client.js';

const TRT = 'http://www.onvif.org/ver10/media/wsdl';
const TT = 'http://www.onvif.org/ver10/schema';
const samples = new OnvifSamples();
let t: TestNode;

async function call(op: string, inner = '', auth = true, name = op): Promise<{ status: number; body: string }> {
  const res = await post(`${t.http}/onvif/media_service`, envelope(`<trt:${op} xmlns:trt="${TRT}" xmlns:tt="${TT}">${inner}</trt:${op}>`, auth ? usernameTokenHeader(ADMIN) : ''));
  samples.add(`${name} (${res.status})`, res.body);
  return res;
}

const require = createRequire(import.meta.url);
type Cb<T> = (err: Error | null, v: T) => void;
interface OnvifCam {
  media2Support: boolean;
  profiles: { $: { token: string }; name: string; videoEncoderConfiguration?: { encoding: string; resolution: { width: number; height: number } } }[];
  videoSources: { $: { token: string } }[];
  activeSource: { profileToken: string; sourceToken: string };
  getProfiles(cb: Cb<OnvifCam['profiles']>): void;
  getVideoSources(cb: Cb<unknown>): void;
  getStreamUri(opts: Record<string, string>, cb: Cb<{ uri: string }>): void;
  getSnapshotUri(opts: Record<string, string>, cb: Cb<{ uri: string }>): void;
  getVideoEncoderConfigurations(cb: Cb<unknown[]>): void;
}
const onvif = require('onvif') as { Cam: new (opts: Record<string, unknown>, cb: (err: Error | null) => void) => OnvifCam };
const p = <T>(fn: (cb: Cb<T>) => void): Promise<T> => new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));

function ffprobe(url: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('ffprobe', ['-v', 'error', '-rtsp_transport', 'tcp', '-show_entries', 'stream=codec_name,width,height,sample_rate', '-of', 'compact=p=0', url], { timeout: 30_000 }, (err, out, errOut) =>
      err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out),
    ),
  );
}

before(async () => {
  t = await startTestNode();
});
after(async () => {
  await t.stop();
  const n = await samples.assertAllValid();
  assert.ok(n >= 15, `validated only ${n} messages`);
});

describe('Media (ver10)', () => {
  test('GetProfiles: H.264 profiles with encoder, H.265 profiles without (ver10 cannot express H.265)', async () => {
    const r = await call('GetProfiles');
    assert.equal(r.status, 200);
    assert.equal((r.body.match(/<trt:Profiles /g) ?? []).length, 12);
    assert.match(r.body, /<trt:Profiles token="Cam1:main" fixed="true"><tt:Name>Main stream<\/tt:Name><tt:VideoSourceConfiguration token="Cam1:VSC">/);
    assert.equal((r.body.match(/<tt:VideoEncoderConfiguration /g) ?? []).length, 8);
    assert.match(r.body, /<tt:H264><tt:GovLength>25<\/tt:GovLength><tt:H264Profile>Main<\/tt:H264Profile><\/tt:H264>/);
    assert.match(r.body, /<tt:Encoding>G711<\/tt:Encoding>/);
    const one = await call('GetProfile', '<trt:ProfileToken>Cam2:sub</trt:ProfileToken>');
    assert.match(one.body, /<tt:Encoding>AAC<\/tt:Encoding>/);
    assert.ok((await call('GetProfile', '<trt:ProfileToken>Cam2:none</trt:ProfileToken>', true, 'GetProfile unknown')).body.includes('ter:NoProfile'));
    assert.equal((await call('GetProfiles', '', false, 'GetProfiles anonymous')).status, 401);
  });

  test('sources, configurations, URIs, capabilities', async () => {
    const vs = await call('GetVideoSources');
    assert.match(vs.body, /<trt:VideoSources token="Cam1:VS"><tt:Framerate>25<\/tt:Framerate><tt:Resolution><tt:Width>1280/);
    assert.match((await call('GetAudioSources')).body, /<trt:AudioSources token="Cam4:AS"><tt:Channels>1/);
    assert.equal(((await call('GetVideoEncoderConfigurations')).body.match(/<trt:Configurations /g) ?? []).length, 8);
    assert.match((await call('GetVideoEncoderConfiguration', '<trt:ConfigurationToken>Cam1:VE-sub</trt:ConfigurationToken>')).body, /<tt:Width>640<\/tt:Width>/);
    assert.ok((await call('GetVideoEncoderConfiguration', '<trt:ConfigurationToken>Cam1:VE-hevc</trt:ConfigurationToken>', true, 'GetVEC hevc')).body.includes('ter:NoConfig'));
    assert.match((await call('GetVideoSourceConfigurations')).body, /<trt:Configurations token="Cam3:VSC">/);
    assert.match((await call('GetVideoSourceConfiguration', '<trt:ConfigurationToken>Cam3:VSC</trt:ConfigurationToken>')).body, /<trt:Configuration token="Cam3:VSC">/);
    const setup = (stream: string, proto: string): string => `<trt:StreamSetup><tt:Stream>${stream}</tt:Stream><tt:Transport><tt:Protocol>${proto}</tt:Protocol></tt:Transport></trt:StreamSetup><trt:ProfileToken>Cam1:main</trt:ProfileToken>`;
    assert.match((await call('GetStreamUri', setup('RTP-Unicast', 'RTSP'))).body, new RegExp(`<tt:Uri>rtsp://127.0.0.1:${t.node.rtspPort}/live/Cam1%3Amain</tt:Uri>`));
    assert.match((await call('GetStreamUri', setup('RTP-Unicast', 'HTTP'), true, 'GetStreamUri HTTP')).body, new RegExp(`<tt:Uri>${t.http}/live/Cam1%3Amain</tt:Uri>`));
    assert.ok((await call('GetStreamUri', setup('RTP-Broadcast', 'RTSP'), true, 'GetStreamUri bad')).body.includes('ter:InvalidStreamSetup'));
    assert.match((await call('GetSnapshotUri', '<trt:ProfileToken>Cam1:main</trt:ProfileToken>')).body, /<tt:Uri>http:\/\/127.0.0.1:\d+\/onvif\/snapshot\/Cam1%3Amain<\/tt:Uri>/);
    assert.equal((await call('SetSynchronizationPoint', '<trt:ProfileToken>Cam1:main</trt:ProfileToken>')).status, 200);
    assert.match((await call('GetServiceCapabilities', '', false)).body, /MaximumNumberOfProfiles="48"/);
    const tds = 'http://www.onvif.org/ver10/device/wsdl';
    const caps = await post(t.device, envelope(`<tds:GetCapabilities xmlns:tds="${tds}"><tds:Category>Media</tds:Category></tds:GetCapabilities>`));
    samples.add('GetCapabilities Media', caps.body);
    assert.match(caps.body, new RegExp(`<tt:Media><tt:XAddr>${t.http}/onvif/media_service</tt:XAddr>`));
  });
});

describe('onvif npm client', () => {
  function connect(): Promise<OnvifCam> {
    return new Promise((resolve, reject) => {
      const cam = new onvif.Cam({ hostname: '127.0.0.1', port: t.node.httpPort, username: ADMIN.username, password: ADMIN.password, timeout: 10_000 }, (err) => (err ? reject(err) : resolve(cam)));
    });
  }

  test('connects over Media2 (profiles, video sources, active source), stream URI decodes with ffprobe', async () => {
    const cam = await connect();
    assert.equal(cam.media2Support, true);
    assert.equal(cam.profiles.length, 12);
    assert.equal(cam.videoSources.length, 4);
    assert.equal(cam.activeSource.profileToken, 'Cam1:main');
    const hevc = cam.profiles.find((x) => x.$.token === 'Cam1:hevc')!;
    assert.equal(hevc.videoEncoderConfiguration!.encoding, 'H265');
    const uri = (await p<{ uri: string }>((cb) => cam.getStreamUri({ protocol: 'RTSP', profileToken: 'Cam1:hevc' }, cb))).uri;
    assert.equal(uri, `rtsp://127.0.0.1:${t.node.rtspPort}/live/Cam1%3Ahevc`);
    const withCreds = uri.replace('rtsp://', `rtsp://${ADMIN.username}:${encodeURIComponent(ADMIN.password)}@`);
    const probe = await ffprobe(withCreds);
    assert.match(probe, /codec_name=hevc\|width=1280\|height=720/);
    assert.match(probe, /codec_name=aac\|sample_rate=16000/);
    const snap = await p<{ uri: string }>((cb) => cam.getSnapshotUri({ profileToken: 'Cam1:hevc' }, cb));
    assert.match(snap.uri, /\/onvif\/snapshot\/Cam1%3Ahevc$/);
  });

  test('as a Profile S client (Media ver10): profiles, encoder configurations, stream URI that ffprobe decodes', async () => {
    const cam = await connect();
    cam.media2Support = false;
    const profiles = await p<OnvifCam['profiles']>((cb) => cam.getProfiles(cb));
    assert.equal(profiles.length, 12);
    assert.deepEqual(profiles[0]!.videoEncoderConfiguration!.resolution, { width: 1280, height: 720 });
    const encoders = await p<unknown[]>((cb) => cam.getVideoEncoderConfigurations(cb));
    assert.equal(encoders.length, 8);
    const uri = (await p<{ uri: string }>((cb) => cam.getStreamUri({ protocol: 'RTSP', profileToken: 'Cam2:main' }, cb))).uri;
    const probe = await ffprobe(uri.replace('rtsp://', `rtsp://${ADMIN.username}:${encodeURIComponent(ADMIN.password)}@`));
    assert.match(probe, /codec_name=h264\|width=1280\|height=720/);
    assert.match(probe, /codec_name=pcm_mulaw/);
    const snap = await p<{ uri: string }>((cb) => cam.getSnapshotUri({ profileToken: 'Cam2:main' }, cb));
    assert.match(snap.uri, /\/onvif\/snapshot\/Cam2%3Amain$/);
  });
});

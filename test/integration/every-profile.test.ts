/**
 * Every media profile of the embedded default cameras, as a client finds it (Media2 GetProfiles →
 * GetStreamUri), decodes for 10 s in ffmpeg without a single error over RTSP/UDP, RTSP/TCP
 * (interleaved) and RTSP over HTTP tunnelling.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { ADMIN, startTestNode, type TestNode } from '../helpers/node.js';
import { envelope, post, usernameTokenHeader } from '../helpers/soap-client.js';

const TR2 = 'http://www.onvif.org/ver20/media/wsdl';
let t: TestNode;
let uris: { profile: string; uri: string; tunnel: string }[] = [];

before(async () => {
  t = await startTestNode();
  const media2 = `${t.http}/onvif/media2_service`;
  const profiles = await post(media2, envelope(`<GetProfiles xmlns="${TR2}"><Type>All</Type></GetProfiles>`, usernameTokenHeader(ADMIN)));
  assert.equal(profiles.status, 200, profiles.body);
  const tokens = [...profiles.body.matchAll(/<tr2:Profiles token="([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(tokens.length >= 4, `profiles: ${tokens.join(', ')}`);
  const withCredentials = (uri: string): string =>
    uri.replace(/^[a-z]+:\/\/[^/:]+/, `rtsp://${ADMIN.username}:${encodeURIComponent(ADMIN.password)}@127.0.0.1`);
  const streamUri = async (profile: string, protocol: string): Promise<string> => {
    const r = await post(
      media2,
      envelope(`<GetStreamUri xmlns="${TR2}"><Protocol>${protocol}</Protocol><ProfileToken>${profile}</ProfileToken></GetStreamUri>`, usernameTokenHeader(ADMIN)),
    );
    assert.equal(r.status, 200, r.body);
    return /<tr2:Uri>([^<]+)<\/tr2:Uri>/.exec(r.body)![1]!.replaceAll('&amp;', '&');
  };
  for (const profile of tokens) {
    // RtspOverHttp names the HTTP port (http://host:port/…); ffmpeg tunnels when told rtsp://…
    // with -rtsp_transport http.
    uris.push({ profile, uri: withCredentials(await streamUri(profile, 'RtspUnicast')), tunnel: withCredentials(await streamUri(profile, 'RtspOverHttp')) });
  }
});
after(async () => {
  uris = [];
  await t.stop();
});

function decode(uri: string, transport: 'udp' | 'tcp' | 'http'): Promise<{ code: number | null; errors: string }> {
  return new Promise((resolve) => {
    execFile(
      'ffmpeg',
      ['-nostdin', '-v', 'error', '-rtsp_transport', transport, '-i', uri, '-t', '10', '-map', '0', '-f', 'null', '-'],
      { timeout: 60_000 },
      (err, _out, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, errors: stderr.trim() }),
    );
  });
}

for (const transport of ['udp', 'tcp', 'http'] as const) {
  test(`every profile decodes for 10 s over ${transport} without errors`, { timeout: 120_000 }, async () => {
    const results = await Promise.all(uris.map(async (u) => ({ ...u, ...(await decode(transport === 'http' ? u.tunnel : u.uri, transport)) })));
    for (const r of results) assert.deepEqual({ profile: r.profile, code: r.code, errors: r.errors }, { profile: r.profile, code: 0, errors: '' });
  });
}

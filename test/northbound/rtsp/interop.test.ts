// Interop with players nobody here wrote: ffmpeg/ffprobe (Debian ffmpeg) and GStreamer's rtspsrc
// decode the node's live stream over every transport it offers, with Digest authentication.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { FixtureLiveSource, StaticDirectory } from '../../helpers/live-source.js';
import { ADMIN, startTestNode, type TestNode } from '../../helpers/node.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking the event loop (the server under test lives in this process). */
function run(command: string, args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${command} is missing (apt-get install ffmpeg gstreamer1.0-tools gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-libav): ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function node(): Promise<TestNode> {
  const t = await startTestNode({ rtsp: { port: 0, tlsPort: 0 } });
  t.node.setLiveDirectory(new StaticDirectory({ P1: new FixtureLiveSource({ audio: 'AAC' }) }));
  return t;
}

const creds = `${ADMIN.username}:${encodeURIComponent(ADMIN.password)}@`;

test('ffmpeg decodes 10 s of H.264 + AAC without an error over UDP, TCP, HTTP and HTTPS tunnels, and RTSPS', async () => {
  const t = await node();
  try {
    const n = t.node;
    const cases: [string, string, string[]][] = [
      ['udp', `rtsp://${creds}127.0.0.1:${n.rtspPort}/live/P1`, ['-rtsp_transport', 'udp']],
      ['tcp', `rtsp://${creds}127.0.0.1:${n.rtspPort}/live/P1`, ['-rtsp_transport', 'tcp']],
      ['http', `rtsp://${creds}127.0.0.1:${n.httpPort}/live/P1`, ['-rtsp_transport', 'http']],
      ['https', `rtsp://${creds}127.0.0.1:${n.httpsPort}/live/P1`, ['-rtsp_transport', 'https']],
      ['rtsps', `rtsps://${creds}127.0.0.1:${n.rtspsPort}/live/P1`, ['-rtsp_transport', 'tcp']],
    ];
    const runs = await Promise.all(
      cases.map(([, url, transport]) =>
        run('ffmpeg', ['-hide_banner', '-nostats', '-v', 'error', ...transport, '-i', url, '-t', '10', '-map', '0:v', '-map', '0:a', '-f', 'null', '-', '-progress', 'pipe:1'], 60_000),
      ),
    );
    runs.forEach((r, i) => {
      const name = cases[i]![0];
      assert.equal(r.code, 0, `${name}: exit ${r.code}\n${r.stderr}`);
      assert.equal(r.stderr.trim(), '', `${name}: decoder errors`);
      const frames = Math.max(...[...r.stdout.matchAll(/^frame=(\d+)$/gm)].map((m) => Number(m[1])));
      const outTimeUs = Math.max(...[...r.stdout.matchAll(/^out_time_us=(\d+)$/gm)].map((m) => Number(m[1])));
      assert.ok(frames >= 98, `${name}: ${frames} video frames decoded`);
      assert.ok(outTimeUs >= 9_900_000, `${name}: ${outTimeUs / 1e6} s decoded`);
    });
    const transports = new Set(n.audit.recent(100).filter((e) => e.operation === 'PLAY').map((e) => e.transport));
    assert.deepEqual(transports, new Set(['rtsp', 'rtsp-http', 'rtsp-https', 'rtsps']));
  } finally {
    await t.stop();
  }
});

test('ffprobe with digest credentials in the URL sees every track; without them it is refused', async () => {
  const t = await node();
  try {
    const url = `rtsp://127.0.0.1:${t.node.rtspPort}/live/P1`;
    const ok = await run('ffprobe', ['-v', 'error', '-rtsp_transport', 'tcp', '-show_streams', '-of', 'json', url.replace('rtsp://', `rtsp://${creds}`)], 30_000);
    assert.equal(ok.code, 0, ok.stderr);
    const streams = (JSON.parse(ok.stdout) as { streams: Record<string, unknown>[] }).streams;
    const video = streams.find((s) => s.codec_type === 'video')!;
    const audio = streams.find((s) => s.codec_type === 'audio')!;
    assert.equal(video.codec_name, 'h264');
    assert.equal(video.width, 320);
    assert.equal(video.height, 240);
    assert.equal(audio.codec_name, 'aac');
    assert.equal(audio.sample_rate, '48000');
    assert.equal(audio.channels, 2);
    assert.ok(streams.some((s) => s.codec_type === 'data'), 'the metadata track');

    const refused = await run('ffprobe', ['-v', 'error', '-rtsp_transport', 'tcp', '-show_streams', url], 30_000);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /401|Unauthorized/);
    const wrong = await run('ffprobe', ['-v', 'error', '-rtsp_transport', 'tcp', '-show_streams', url.replace('rtsp://', 'rtsp://admin:wrong@')], 30_000);
    assert.notEqual(wrong.code, 0);
  } finally {
    await t.stop();
  }
});

test('GStreamer rtspsrc decodes the stream over TCP, UDP, an HTTP tunnel (rtsph) and RTSPS', async () => {
  const t = await node();
  try {
    const n = t.node;
    const pipeline = (location: string, extra: string[]): string[] => [
      'rtspsrc', `location=${location}`, `user-id=${ADMIN.username}`, `user-pw=${ADMIN.password}`, ...extra,
      '!', 'rtph264depay', '!', 'avdec_h264', '!', 'fakesink', 'num-buffers=50',
    ];
    const cases: [string, string[]][] = [
      ['tcp', pipeline(`rtsp://127.0.0.1:${n.rtspPort}/live/P1`, ['protocols=tcp'])],
      ['udp', pipeline(`rtsp://127.0.0.1:${n.rtspPort}/live/P1`, ['protocols=udp'])],
      ['rtsph', pipeline(`rtsph://127.0.0.1:${n.httpPort}/live/P1`, [])],
      ['rtsps', pipeline(`rtsps://127.0.0.1:${n.rtspsPort}/live/P1`, ['protocols=tcp', 'tls-validation-flags=0'])],
    ];
    const runs = await Promise.all(cases.map(([, args]) => run('gst-launch-1.0', args, 60_000)));
    runs.forEach((r, i) => {
      const what = `${cases[i]![0]}: exit ${r.code}\n${r.stdout}\n${r.stderr}`;
      // The 50 decoded buffers must have reached the sink: gst-launch reports EOS.
      assert.match(r.stdout, /Got EOS from element "pipeline0"/, what);
      if (r.code === 0) return;
      // After EOS gst-launch tears down: it may close its own connection (the GET half, for
      // rtsph) and then fail to send PAUSE/TEARDOWN on it. Seen under load; the server logs show
      // the client closed first. Only those shutdown send errors are tolerated.
      const errors = r.stderr.split('\n').filter((l) => /^ERROR|Could not|gstrtspsrc\.c/.test(l.trim()));
      assert.ok(
        errors.every((l) => /Could not write to resource|Could not send message|gst_rtspsrc_(try_send|pause|close)|gstrtspsrc\.c/.test(l)),
        what,
      );
    });
  } finally {
    await t.stop();
  }
});

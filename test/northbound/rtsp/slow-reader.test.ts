// One viewer stops reading its TCP connection while another keeps reading: the second gets every
// packet in sequence, the first never holds more than its queue bound and is disconnected once
// stuck past the deadline. Asserted on packet counts, sequence continuity and queue sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRtp } from '../../../src/protocol/rtp/packet.js';
import { parseSession } from '../../../src/protocol/rtsp/headers/session.js';
import type { RtspConnection } from '../../../src/northbound/rtsp/connection.js';
import { SyntheticLiveSource } from '../../helpers/live-source.js';
import { RtspTestClient } from '../../helpers/rtsp-client.js';
import { startRtspServer, VIEWER } from '../../helpers/rtsp-server.js';
import { waitFor } from '../../media/hub/helpers.js';

const QUEUE_BOUND = 256 * 1024;
const FRAME_BYTES = 60_000;

async function play(port: number, url: string, onFrame?: RtspTestClient['onFrame']): Promise<{ client: RtspTestClient; session: string }> {
  const client = await RtspTestClient.tcp(port);
  client.credentials = VIEWER;
  client.onFrame = onFrame;
  const setup = await client.request('SETUP', `${url}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
  const session = parseSession(setup.headers.get('Session')!).id;
  assert.equal((await client.request('PLAY', url, { Session: session })).status, 200);
  return { client, session };
}

test('a stalled TCP reader does not delay another one, stays within its queue bound and is cut off', async () => {
  // ~3 MB/s of fake H.264: enough to fill loopback socket buffers within seconds.
  const source = new SyntheticLiveSource({ fps: 50, frameBytes: FRAME_BYTES, gop: 25 });
  const s = await startRtspServer({ S: source }, { hub: { maxQueuedBytes: QUEUE_BOUND, stallTimeoutMs: 1500, tickMs: 100 } });
  const url = s.url('S');
  const seqs: number[] = [];
  const healthy = await play(s.port, url, (channel, payload) => {
    if (channel === 0) seqs.push(parseRtp(payload).sequenceNumber);
  });
  const stalled = await play(s.port, url);
  const stalledConn = s.server.session(stalled.session)!.connection as RtspConnection;
  const stalledReader = s.server.session(stalled.session)!.reader!;
  stalled.client.socket!.pause(); // stops reading: the kernel buffers fill, then our queue

  let maxQueued = 0;
  const sampler = setInterval(() => {
    if (!stalledConn.closed) maxQueued = Math.max(maxQueued, stalledConn.transport.queuedBytes);
  }, 10);
  try {
    // (The paused client itself cannot notice: it reads nothing, not even the close.)
    await waitFor(() => stalledConn.closed, 60_000, 'the stalled reader to be disconnected');
    const hub = s.server.registry.hubs()[0]!;
    assert.ok(stalledReader.stats.dropEvents >= 1, 'the stalled reader fell behind');
    assert.ok(stalledReader.stats.packetsDropped > 0, 'and its drops were counted');
    assert.equal(hub.stats.stalledReaders, 1);
    assert.ok(maxQueued <= QUEUE_BOUND + 2 * FRAME_BYTES, `queue stayed bounded (max ${maxQueued} bytes)`);

    // The healthy reader keeps up: its packets are one unbroken run up to the newest packet.
    const before = seqs.length;
    await waitFor(() => seqs.length > before + 200, 20_000, 'more packets after the cut-off');
    const sender = hub.senders[0]!;
    await waitFor(() => seqs.at(-1) === ((sender.sequencer.nextSequenceNumber - 1) & 0xffff), 10_000, 'the healthy reader to be current');
    for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], (seqs[i - 1]! + 1) & 0xffff, `gap after packet ${i}`);
    const healthyReader = s.server.session(healthy.session)!.reader!;
    assert.equal(healthyReader.stats.packetsDropped, 0);
    assert.equal(healthyReader.stats.packetsSent, seqs.length);
  } finally {
    clearInterval(sampler);
    healthy.client.close();
    stalled.client.close();
    await s.stop();
  }
});

test('memory stays bounded with many stalled readers', async () => {
  const source = new SyntheticLiveSource({ fps: 50, frameBytes: FRAME_BYTES, gop: 25 });
  const s = await startRtspServer({ S: source }, { hub: { maxQueuedBytes: QUEUE_BOUND, stallTimeoutMs: 60_000, tickMs: 100 } });
  const url = s.url('S');
  const readers: { client: RtspTestClient; session: string }[] = [];
  for (let i = 0; i < 8; i++) readers.push(await play(s.port, url));
  for (const r of readers) r.client.socket!.pause();
  const conns = readers.map((r) => s.server.session(r.session)!.connection as RtspConnection);
  try {
    // Long enough for every kernel buffer to fill and every reader to reach its bound.
    await waitFor(() => readers.every((r) => s.server.session(r.session)!.reader!.stats.dropEvents > 0), 60_000, 'all readers behind');
    const hub = s.server.registry.hubs()[0]!;
    const framesThen = source.framesEmitted;
    await waitFor(() => source.framesEmitted > framesThen + 100, 20_000, 'two more seconds of media');
    for (const c of conns) assert.ok(c.transport.queuedBytes <= QUEUE_BOUND + 2 * FRAME_BYTES, `bounded: ${c.transport.queuedBytes}`);
    assert.equal(hub.readerCount, 8, 'behind, not yet past the (long) deadline');
  } finally {
    for (const r of readers) r.client.close();
    await s.stop();
  }
});

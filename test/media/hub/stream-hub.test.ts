import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamHub } from '../../../src/media/hub/stream-hub.js';
import { HubRegistry } from '../../../src/media/hub/registry.js';
import { H264Depacketizer } from '../../../src/protocol/rtp/h264.js';
import { parseRtp } from '../../../src/protocol/rtp/packet.js';
import { parseRtcp, type RtcpSenderReport } from '../../../src/protocol/rtp/rtcp.js';
import { msFromNtp } from '../../../src/protocol/rtp/ntp.js';
import { RTCP_PSFB, RTCP_PSFB_PLI, type RtcpPacket } from '../../../src/protocol/rtp/rtcp.js';
import type { HubPacket } from '../../../src/media/hub/packet.js';
import { contiguous, ManualSource, PPS, RecordingWriter, SPS, waitFor } from './helpers.js';

const NOW = 1_700_000_100_000;
const fixedClock = { now: () => NOW };

function wire(p: HubPacket): Buffer {
  return Buffer.concat([p.header, ...p.payload]);
}

test('one packet object per RTP packet, shared by every reader, payload aliasing the frame', () => {
  const source = new ManualSource();
  const hub = new StreamHub('P', source, fixedClock);
  const a = new RecordingWriter();
  const b = new RecordingWriter();
  const ra = hub.createReader(a, [0, 1]);
  const rb = hub.createReader(b, [0, 1]);
  hub.start(ra);
  hub.start(rb);
  assert.equal(source.starts, 1, 'the source starts once for all readers');
  const key = source.video(true, 5000);
  source.audio();
  source.video(false, 800);
  assert.ok(a.packets.length > 4);
  assert.equal(a.packets.length, b.packets.length);
  a.packets.forEach((p, i) => assert.equal(p, b.packets[i], 'same object, not a copy'));
  a.batches.forEach((batch, i) => {
    assert.equal(batch, b.batches[i]);
    assert.equal(batch.interleaved(0), b.batches[i]!.interleaved(0), 'one framed buffer for every reader on a channel');
  });
  // FU-A fragments carry views of the source's NAL unit: same memory, no copy (the two-byte FU
  // header travels in the head buffer).
  const fragment = a.packets.find((p) => p.track === 0 && p.payload.length === 1 && p.payload[0]!.length > 1000)!;
  assert.equal(fragment.payload[0]!.buffer, key.data[0]!.buffer);
  assert.equal(fragment.header.length, 14);
  assert.ok(contiguous(a.sequenceNumbers(0)));
  hub.close();
});

test('a keyframe without parameter sets gets SPS/PPS in front; a late joiner starts with the cached GOP', () => {
  const source = new ManualSource();
  const hub = new StreamHub('P', source, fixedClock);
  const first = new RecordingWriter();
  const r1 = hub.createReader(first, [0]);
  hub.start(r1);
  source.video(true, 4000);
  source.video(false, 500);
  source.video(false, 500);

  const late = new RecordingWriter();
  const r2 = hub.createReader(late, [0, 1]);
  const info = hub.startInfo(r2);
  hub.start(r2);
  const gopFirst = first.packets[0]!;
  const videoStart = info.tracks.find((t) => t.track === 0)!;
  assert.equal(videoStart.sequenceNumber, gopFirst.sequenceNumber, 'RTP-Info seq is the first packet the reader gets');
  assert.equal(videoStart.rtpTimestamp, gopFirst.rtpTimestamp);
  assert.deepEqual(late.packets, first.packets, 'the whole GOP, the same packet objects');
  assert.deepEqual(late.batches, first.batches);
  source.video(false, 500);
  assert.ok(contiguous(late.sequenceNumbers(0)), 'replayed GOP and live packets are one contiguous run');

  const depacketizer = new H264Depacketizer();
  const units = late.packets.flatMap((p) => depacketizer.push(parseRtp(wire(p))));
  const nals = units[0]!.nalUnits.map((n) => n[0]! & 0x1f);
  assert.deepEqual(nals, [7, 8, 5], 'SPS, PPS, then the IDR slice');
  assert.deepEqual(Buffer.from(units[0]!.nalUnits[0]!), Buffer.from(SPS));
  assert.deepEqual(Buffer.from(units[0]!.nalUnits[1]!), Buffer.from(PPS));
  assert.equal(late.rtcp.filter((r) => r.track === 0).length, 1, 'an SR right after the first packets');
  hub.close();
});

test('a GOP larger than the bound is not cached: a new reader waits for the next keyframe, which is requested', () => {
  const source = new ManualSource();
  const hub = new StreamHub('P', source, { ...fixedClock, maxGopBytes: 6000, keyframeRequestIntervalMs: 0 });
  const holder = hub.hold();
  source.video(true, 4000);
  source.video(false, 4000); // GOP now > 6000 bytes
  const w = new RecordingWriter();
  const r = hub.createReader(w, [0]);
  hub.start(r);
  assert.equal(w.packets.length, 0);
  assert.ok(source.keyframeRequests >= 1);
  source.video(false, 100);
  assert.equal(w.packets.length, 0, 'nothing until a keyframe');
  source.video(true, 100);
  assert.ok(w.packets.length > 0);
  assert.equal(w.batches[0]!.resumable, true);
  holder();
  hub.close();
});

test('a slow reader skips to the next keyframe and counts drops; the other reader misses nothing', () => {
  const source = new ManualSource();
  const hub = new StreamHub('P', source, { ...fixedClock, maxQueuedBytes: 10_000 });
  const slow = new RecordingWriter();
  const fast = new RecordingWriter();
  const rs = hub.createReader(slow, [0, 1]);
  const rf = hub.createReader(fast, [0, 1]);
  hub.start(rs);
  hub.start(rf);
  source.video(true, 2000);
  source.audio();
  slow.queuedBytes = 50_000; // its transport stopped taking data
  source.video(false, 2000);
  source.audio();
  source.video(false, 2000);
  assert.equal(rs.stats.dropEvents, 1);
  assert.ok(rs.stats.packetsDropped > 0);
  assert.ok(rs.behindSince !== undefined);
  slow.queuedBytes = 0; // drained
  const before = slow.packets.length;
  source.video(false, 2000); // not resumable: still skipped
  assert.equal(slow.packets.length, before);
  source.audio(); // audio frames resume at once
  assert.equal(slow.packets.length, before + 1);
  const batchesBefore = slow.batches.length;
  source.video(true, 2000);
  const resumed = slow.batches.slice(batchesBefore).filter((b) => b.track === 0);
  assert.ok(resumed.length > 0 && resumed[0]!.resumable, 'resumes at a keyframe');
  assert.ok(contiguous(fast.sequenceNumbers(0)), 'fast reader: every video packet');
  assert.ok(contiguous(fast.sequenceNumbers(1)), 'fast reader: every audio packet');
  assert.equal(rf.stats.packetsDropped, 0);
  assert.equal(rf.stats.packetsSent, fast.packets.length);
  hub.close();
});

test('a reader behind for longer than the stall deadline is stopped and its writer closed', async () => {
  const source = new ManualSource();
  const hub = new StreamHub('P', source, { maxQueuedBytes: 1000, stallTimeoutMs: 30, tickMs: 10 });
  const stuck = new RecordingWriter();
  const ok = new RecordingWriter();
  const rs = hub.createReader(stuck, [0]);
  const ro = hub.createReader(ok, [0]);
  hub.start(rs);
  hub.start(ro);
  source.video(true, 100);
  stuck.queuedBytes = 1_000_000;
  source.video(false, 100);
  await waitFor(() => stuck.closedReason !== undefined, 5000, 'stall close');
  assert.equal(stuck.closedReason, 'stalled');
  assert.equal(rs.closed, true);
  assert.equal(hub.readerCount, 1);
  assert.equal(hub.stats.stalledReaders, 1);
  source.video(false, 100);
  assert.equal(ok.closedReason, undefined);
  hub.close();
});

test('the source runs while held, lingers after the last holder, and starts again on demand', async () => {
  const source = new ManualSource();
  let idle = 0;
  const hub = new StreamHub('P', source, { lingerMs: 20 }, () => idle++);
  const release = hub.hold();
  const w = new RecordingWriter();
  const r = hub.createReader(w, [0]);
  hub.start(r);
  assert.equal(source.starts, 1);
  release();
  release(); // idempotent
  assert.equal(hub.running, true, 'a playing reader still holds it');
  r.stop();
  assert.equal(hub.running, true, 'lingers');
  const again = hub.hold(); // within the linger: no restart
  assert.equal(source.starts, 1);
  again();
  await waitFor(() => !hub.running, 5000, 'source stop');
  assert.equal(source.stops, 1);
  assert.equal(idle, 1);
  const third = hub.hold();
  assert.equal(source.starts, 2);
  third();
  hub.close();
  assert.equal(source.running, false);
});

test('sender reports: NTP/RTP pairs follow the capture clock, monotonic, right after the first packet and then periodically', async () => {
  const source = new ManualSource();
  let now = 1_700_000_000_000;
  const hub = new StreamHub('P', source, { now: () => now, senderReportIntervalMs: 100, tickMs: 5 });
  const w = new RecordingWriter();
  const r = hub.createReader(w, [0, 1]);
  hub.start(r);
  const frame = source.video(true, 100); // wallclock 1_700_000_000_000 exactly, timestamp 0
  const firstVideo = w.packets[0]!;
  assert.equal(w.rtcp.length, 1);
  for (let i = 0; i < 3; i++) {
    now += 150;
    await waitFor(() => w.rtcp.filter((x) => x.track === 0).length >= i + 2, 5000, 'periodic SR');
  }
  const reports = w.rtcp.filter((x) => x.track === 0).map((x) => parseRtcp(x.data)[0] as RtcpSenderReport);
  assert.ok(reports.every((sr) => sr.type === 'sr' && sr.ssrc === hub.senders[0]!.ssrc));
  const sdes = parseRtcp(w.rtcp[0]!.data)[1];
  assert.equal(sdes?.type, 'sdes', 'compound packet: SR + SDES CNAME');
  for (const sr of reports) {
    const ms = msFromNtp(sr.ntpTimestamp);
    const expected = (firstVideo.rtpTimestamp + Math.round(((ms - frame.wallclockMs) * 90000) / 1000)) >>> 0;
    assert.ok(Math.abs(sr.rtpTimestamp - expected) <= 1, 'RTP time = capture anchor + elapsed wallclock × 90 kHz');
  }
  for (let i = 1; i < reports.length; i++) {
    assert.ok(reports[i]!.ntpTimestamp > reports[i - 1]!.ntpTimestamp);
    assert.ok(((reports[i]!.rtpTimestamp - reports[i - 1]!.rtpTimestamp) >>> 0) < 0x80000000, 'RTP time advances');
  }
  hub.close();
});

test('PLI from a viewer asks the source for a keyframe, at most once per interval', () => {
  const source = new ManualSource();
  let now = 0;
  const hub = new StreamHub('P', source, { now: () => now, keyframeRequestIntervalMs: 1000 });
  const release = hub.hold();
  const pli: RtcpPacket[] = [{ type: 'feedback', packetType: RTCP_PSFB, format: RTCP_PSFB_PLI, senderSsrc: 1, mediaSsrc: hub.senders[0]!.ssrc, fci: new Uint8Array(0) }];
  now = 5000;
  hub.onReceiverRtcp(0, pli);
  hub.onReceiverRtcp(0, pli);
  assert.equal(source.keyframeRequests, 1);
  now = 6500;
  hub.onReceiverRtcp(0, pli);
  assert.equal(source.keyframeRequests, 2);
  hub.onReceiverRtcp(0, [{ type: 'rr', ssrc: 1, reports: [] }]);
  assert.equal(source.keyframeRequests, 2);
  release();
  hub.close();
});

test('frames the hub cannot send are counted and dropped, never thrown', () => {
  const source = new ManualSource([
    { kind: 'video', codec: 'H264', clockRate: 90000 },
    { kind: 'video', codec: 'JPEG', clockRate: 90000 },
  ]);
  const hub = new StreamHub('P', source, fixedClock);
  const w = new RecordingWriter();
  hub.start(hub.createReader(w, [0, 1]));
  source.emit({ track: 7, wallclockMs: 0, timestamp: 0, keyframe: true, data: [Uint8Array.of(0x65, 1)] });
  source.emit({ track: 0, wallclockMs: 0, timestamp: Number.NaN, keyframe: true, data: [Uint8Array.of(0x65, 1)] });
  source.emit({ track: 1, wallclockMs: 0, timestamp: 0, keyframe: true, data: [Uint8Array.of(1, 2, 3)] });
  assert.equal(hub.stats.frameErrors, 3);
  source.emit({ track: 0, wallclockMs: 0, timestamp: 0, keyframe: true, data: [Uint8Array.of(0x65, 1)] });
  assert.ok(w.packets.length > 0);
  hub.close();
});

test('the registry reuses a profile hub while the source id stays, and replaces it when it changes', () => {
  const sources = new Map<string, ManualSource>([['P', new ManualSource(undefined, 'one')]]);
  const registry = new HubRegistry();
  assert.equal(registry.hubFor('P'), undefined, 'no directory: nothing');
  registry.setDirectory({ sourceForProfile: (t) => sources.get(t) });
  const a = registry.hubFor('P')!;
  assert.equal(registry.hubFor('P'), a);
  assert.equal(registry.hubFor('nope'), undefined);
  const held = a.hold();
  sources.set('P', new ManualSource(undefined, 'two'));
  const b = registry.hubFor('P')!;
  assert.notEqual(b, a);
  assert.equal(a.running, true, 'the old hub keeps serving its viewers');
  assert.deepEqual(new Set(registry.hubs()), new Set([a, b]));
  held();
  registry.close();
  assert.equal(a.closed && b.closed, true);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SenderReportState } from '../../../src/protocol/rtp/sender-report.js';
import { ntpFromMs } from '../../../src/protocol/rtp/ntp.js';
import { cnameSdes, parseRtcp, serializeRtcp } from '../../../src/protocol/rtp/rtcp.js';

test('no SR before media is anchored', () => {
  const state = new SenderReportState({ ssrc: 7, clockRate: 90000 });
  assert.equal(state.hasAnchor, false);
  assert.equal(state.buildSenderReport(1000), undefined);
});

test('SR carries counts and an RTP timestamp extrapolated from the capture anchor (with wrap)', () => {
  const state = new SenderReportState({ ssrc: 7, clockRate: 90000 });
  const capture = Date.UTC(2024, 5, 1, 12, 0, 0);
  state.setAnchor(capture, 0xffffff00);
  state.onPacketSent(1000);
  state.onPacketSent(400);
  // 1.5 s after capture → +135000 ticks, wrapping past 2^32.
  const sr = state.buildSenderReport(capture + 1500);
  assert.deepEqual(sr, {
    type: 'sr',
    ssrc: 7,
    ntpTimestamp: ntpFromMs(capture + 1500),
    rtpTimestamp: (0xffffff00 + 135000) - 0x1_0000_0000,
    packetCount: 2,
    octetCount: 1400,
    reports: [],
  });
  // A report built for a time before the anchor goes backwards in RTP time, still wrapped.
  assert.equal(state.rtpTimestampAt(capture - 1000), 0xffffff00 - 90000);
  // A later anchor (next frame) replaces the first one.
  state.setAnchor(capture + 40, 1000);
  assert.equal(state.buildSenderReport(capture + 140)?.rtpTimestamp, 1000 + 9000);
  // What the media plane sends: SR + CNAME in one compound packet.
  const compound = serializeRtcp([sr!, cnameSdes(7, 'cam@vigil')]);
  assert.deepEqual(parseRtcp(compound)[0], sr);
});

test('8 kHz audio and counter wrap at 2^32', () => {
  const state = new SenderReportState({ ssrc: 1, clockRate: 8000 });
  state.setAnchor(0, 0);
  assert.equal(state.rtpTimestampAt(20), 160);
  for (let i = 0; i < 3; i++) state.onPacketSent(0x7fff_ffff);
  assert.equal(state.octetCount, (3 * 0x7fff_ffff) % 0x1_0000_0000);
  assert.throws(() => new SenderReportState({ ssrc: 1, clockRate: 0 }), RangeError);
  assert.throws(() => state.setAnchor(0, 0x1_0000_0000), RangeError);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RtpSequencer } from '../../../src/protocol/rtp/sequencer.js';

test('sequence numbers wrap at 16 bits and timestamps at 32 bits', () => {
  const sequencer = new RtpSequencer({ payloadType: 96, ssrc: 42, initialSequenceNumber: 0xfffe, timestampOffset: 0xfffffff0 });
  const seqs = [0, 1, 2].map(() => sequencer.next({ marker: false, timestamp: 0 }).sequenceNumber);
  assert.deepEqual(seqs, [0xfffe, 0xffff, 0]);
  assert.equal(sequencer.nextSequenceNumber, 1);
  assert.equal(sequencer.packetsSent, 3);
  const fields = sequencer.next({ marker: true, timestamp: 0x20 });
  assert.deepEqual(fields, { marker: true, payloadType: 96, sequenceNumber: 1, timestamp: 0x10, ssrc: 42 });
  // Media timestamps beyond 32 bits (long-running 90 kHz counters) keep wrapping.
  assert.equal(sequencer.toRtpTimestamp(3 * 0x1_0000_0000 + 0x10), 0);
  assert.equal(sequencer.toRtpTimestamp(Number.MAX_SAFE_INTEGER), (Number.MAX_SAFE_INTEGER % 0x1_0000_0000 + 0xfffffff0) % 0x1_0000_0000);
  assert.throws(() => sequencer.toRtpTimestamp(0.5), RangeError);
});

test('defaults are random per stream and in range', () => {
  const a = new RtpSequencer({ payloadType: 0 });
  const b = new RtpSequencer({ payloadType: 0 });
  for (const s of [a, b]) {
    assert.ok(Number.isInteger(s.ssrc) && s.ssrc >= 0 && s.ssrc <= 0xffffffff);
    assert.ok(s.nextSequenceNumber >= 0 && s.nextSequenceNumber <= 0xffff);
    assert.ok(s.timestampOffset >= 0 && s.timestampOffset <= 0xffffffff);
  }
  // 80 random bits colliding is not a realistic outcome.
  assert.notDeepEqual([a.ssrc, a.nextSequenceNumber, a.timestampOffset], [b.ssrc, b.nextSequenceNumber, b.timestampOffset]);
  assert.throws(() => new RtpSequencer({ payloadType: 128 }), RangeError);
  assert.throws(() => new RtpSequencer({ payloadType: 96, initialSequenceNumber: 65536 }), RangeError);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ReceiverStats } from '../../../src/protocol/rtp/receiver-stats.js';

test('jitter follows RFC 3550 A.8 on a constructed arrival sequence', () => {
  // 8 kHz audio, 20 ms packets (160 ticks). Packet 1 arrives 10 ms (80 ticks) late, then on time.
  const stats = new ReceiverStats({ ssrc: 1, clockRate: 8000 });
  const arrivals = [0, 30, 40, 60];
  arrivals.forEach((arrival, i) => stats.onPacket(100 + i, 5000 + i * 160, arrival));
  // D1 = 80 → J = 80/16 = 5; D2 = |-80| → J = 5 + 75/16 = 9.6875; D3 = 0 → J = 9.6875 * 15/16.
  assert.equal(stats.jitter, 9.6875 * 15 / 16);
  assert.equal(stats.buildReportBlock(60)?.jitter, 9);
});

test('jitter survives an RTP timestamp wrap', () => {
  const stats = new ReceiverStats({ ssrc: 1, clockRate: 90000 });
  stats.onPacket(1, 0xffffffff - 1499, 0);
  stats.onPacket(2, 1500, 1000 / 30); // exactly 3000 ticks later on both clocks
  assert.ok(Math.abs(stats.jitter) < 1e-9);
});

test('loss, extended sequence across the 16-bit wrap, fraction lost per interval', () => {
  const stats = new ReceiverStats({ ssrc: 0xabc, clockRate: 90000 });
  for (const seq of [65534, 65535, 0, 2, 3]) stats.onPacket(seq, 0, 0);
  let block = stats.buildReportBlock(0);
  assert.equal(block?.extendedHighestSequence, 65536 + 3);
  assert.equal(block?.cumulativeLost, 1);
  assert.equal(block?.fractionLost, Math.floor(256 / 6));
  for (const seq of [4, 5, 6, 7]) stats.onPacket(seq, 0, 0);
  block = stats.buildReportBlock(0);
  assert.equal(block?.fractionLost, 0, 'no loss in the second interval');
  assert.equal(block?.cumulativeLost, 1);
  // A duplicate counts as received: cumulative loss goes down (RFC 3550 §6.4.1 allows negative).
  stats.onPacket(7, 0, 0);
  stats.onPacket(7, 0, 0);
  assert.equal(stats.buildReportBlock(0)?.cumulativeLost, -1);
});

test('LSR/DLSR from the last sender report', () => {
  const stats = new ReceiverStats({ ssrc: 5, clockRate: 90000 });
  stats.onPacket(10, 0, 0);
  assert.equal(stats.buildReportBlock(0)?.lastSenderReport, 0);
  stats.onSenderReport((0x11223344n << 32n) | 0x55667788n, 1000);
  const block = stats.buildReportBlock(1500);
  assert.equal(block?.lastSenderReport, 0x33445566);
  assert.equal(block?.delaySinceLastSenderReport, 32768); // 0.5 s in 1/65536 s
});

test('probation: with minSequential 2 the source is valid only after two in-order packets', () => {
  const stats = new ReceiverStats({ ssrc: 1, clockRate: 90000, minSequential: 2 });
  assert.equal(stats.onPacket(500, 0, 0), false);
  assert.equal(stats.buildReportBlock(0), undefined);
  assert.equal(stats.onPacket(900, 0, 0), false, 'not sequential: probation restarts');
  assert.equal(stats.onPacket(901, 0, 0), true);
  assert.equal(stats.buildReportBlock(0)?.extendedHighestSequence, 901);
});

test('a large jump is believed only when the next packet continues it (source restart)', () => {
  const stats = new ReceiverStats({ ssrc: 1, clockRate: 90000 });
  stats.onPacket(100, 0, 0);
  assert.equal(stats.onPacket(20000, 0, 0), false);
  assert.equal(stats.onPacket(20001, 0, 0), true);
  const block = stats.buildReportBlock(0);
  assert.equal(block?.extendedHighestSequence, 20001);
  assert.equal(block?.cumulativeLost, 0);
});

test('fuzz: any packet sequence yields a serializable report block', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.nat(1e7)), {
        maxLength: 200,
      }),
      (packets) => {
        const stats = new ReceiverStats({ ssrc: 1, clockRate: 90000 });
        for (const [seq, ts, arrival] of packets) stats.onPacket(seq, ts, arrival);
        const block = stats.buildReportBlock(1e7);
        if (!block) return;
        assert.ok(block.fractionLost >= 0 && block.fractionLost <= 255);
        assert.ok(block.cumulativeLost >= -0x800000 && block.cumulativeLost <= 0x7fffff);
        assert.ok(Number.isInteger(block.jitter) && block.jitter >= 0 && block.jitter <= 0xffffffff);
        assert.ok(block.extendedHighestSequence >= 0 && block.extendedHighestSequence <= 0xffffffff);
      },
    ),
  );
});

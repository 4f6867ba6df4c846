import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { splitAnnexB } from '../../../src/protocol/codec/annexb.js';
import { AccessUnitAssembler } from '../../../src/protocol/codec/h264.js';
import { H264Depacketizer, H264Packetizer, parseH264Payload } from '../../../src/protocol/rtp/h264.js';
import type { RtpPacket } from '../../../src/protocol/rtp/packet.js';
import { arbitraryStream, newSequencer, payloadBytes, toWire } from './rtp-test-helpers.js';

const fixture = (path: string): Uint8Array[][] => {
  const assembler = new AccessUnitAssembler();
  const units = splitAnnexB(readFileSync(new URL(path, import.meta.url))).flatMap((nal) => assembler.push(nal));
  return [...units, ...assembler.flush()].map((unit) => unit.nals);
};

const FIXTURES = ['../../fixtures/rtp/h264_320x240_10fps.h264', '../../fixtures/rtp/h264_1280x720_baseline.h264'];

for (const path of FIXTURES) {
  test(`round trip of ${path.split('/').pop()}: NAL units byte-identical, across a sequence wrap`, () => {
    const units = fixture(path);
    assert.ok(units.length >= 2);
    const packetizer = new H264Packetizer();
    const depacketizer = new H264Depacketizer();
    const sequencer = newSequencer();
    const seen = new Set<number>();
    const received: { timestamp: number; nalUnits: Uint8Array[]; damaged: boolean }[] = [];
    units.forEach((nals, index) => {
      const parts = packetizer.packetize(nals, index * 9000);
      parts.forEach((part, i) => {
        assert.ok(payloadBytes(part).length <= 1400);
        assert.equal(part.marker, i === parts.length - 1);
        assert.equal(part.timestamp, index * 9000);
        seen.add((part.payload[0]?.[0] ?? 0) & 0x1f);
      });
      for (const packet of toWire(parts, sequencer)) received.push(...depacketizer.push(packet));
    });
    assert.ok(seen.has(24), 'SPS/PPS travel in a STAP-A');
    assert.ok(seen.has(28), 'large slices travel in FU-A');
    assert.equal(received.length, units.length);
    received.forEach((unit, index) => {
      assert.equal(unit.timestamp, sequencer.toRtpTimestamp(index * 9000));
      assert.equal(unit.damaged, false);
      assert.deepEqual(unit.nalUnits.map((n) => Buffer.from(n)), units[index]?.map((n) => Buffer.from(n)));
    });
    assert.deepEqual(depacketizer.stats, {
      packets: sequencer.packetsSent,
      lostPackets: 0,
      stalePackets: 0,
      malformedPackets: 0,
      discardedUnits: 0,
    });
  });
}

const nalOf = (length: number, header = 0x65): Uint8Array => {
  const nal = new Uint8Array(length);
  for (let i = 0; i < length; i++) nal[i] = (i * 7 + 3) & 0xff;
  nal[0] = header;
  return nal;
};

test('FU-A boundaries: NAL of exactly MTU and MTU-1 go alone, MTU+1 is split in two', () => {
  const packetizer = new H264Packetizer({ maxPayloadSize: 100 });
  for (const length of [99, 100]) {
    const nal = nalOf(length);
    const parts = packetizer.packetize([nal], 0);
    assert.equal(parts.length, 1);
    assert.equal(parts[0]?.payload.length, 1);
    assert.equal(parts[0]?.payload[0], nal, 'single NAL packet is the input itself (no copy)');
  }
  const nal = nalOf(101, 0x65); // NRI 3, type 5 (IDR)
  const parts = packetizer.packetize([nal], 0);
  assert.equal(parts.length, 2);
  const [first, second] = parts.map(payloadBytes);
  assert.deepEqual([...first!.subarray(0, 2)], [0x7c, 0x85]); // FU indicator NRI|28, header S|5
  assert.deepEqual([...second!.subarray(0, 2)], [0x7c, 0x45]); // E|5
  assert.equal(first?.length, 100);
  assert.equal(second?.length, 2 + (100 - 98));
  // Fragment data are views into the NAL, not copies.
  assert.equal(parts[0]?.payload[1]?.buffer, nal.buffer);
  const packets = toWire(parts, newSequencer());
  const out = packets.flatMap((p) => new H264Depacketizer().push(p));
  assert.equal(out.length, 0, 'separate depacketizers see no complete unit');
  const depacketizer = new H264Depacketizer();
  const units = packets.flatMap((p) => depacketizer.push(p));
  assert.deepEqual(units.map((u) => u.nalUnits.map((n) => [...n])), [[[...nal]]]);
});

test('STAP-A aggregates small NALs up to the limit with F = OR and NRI = max', () => {
  const packetizer = new H264Packetizer({ maxPayloadSize: 30 });
  const sps = nalOf(10, 0x67); // NRI 3
  const pps = nalOf(4, 0x28); // NRI 1
  const sei = nalOf(8, 0x06); // NRI 0
  const idr = nalOf(40, 0x65);
  const parts = packetizer.packetize([sps, pps, sei, idr], 1234);
  // 1 + (2+10) + (2+4) + (2+8) = 29 ≤ 30: one STAP-A, then two FU-A packets.
  assert.equal(parts.length, 3);
  const stap = payloadBytes(parts[0]!);
  assert.equal(stap[0], 0x78); // NRI 3 | 24
  assert.deepEqual(
    parseH264Payload(stap),
    { kind: 'nals', nalUnits: [sps, pps, sei].map((n) => Buffer.from(n)) },
  );
  assert.deepEqual(parts.map((p) => p.marker), [false, false, true]);
  // Two small NALs that do not fit together go as single NAL packets.
  const single = new H264Packetizer({ maxPayloadSize: 20 }).packetize([nalOf(10, 0x67), nalOf(10, 0x68)], 0);
  assert.equal(single.length, 2);
  assert.equal(new H264Packetizer().packetize([new Uint8Array(0)], 0).length, 0);
});

function framesToPackets(frames: Uint8Array[][], maxPayloadSize: number, initialSeq = 0xfffe): RtpPacket[] {
  const packetizer = new H264Packetizer({ maxPayloadSize });
  const sequencer = newSequencer(initialSeq);
  return frames.flatMap((nals, i) => toWire(packetizer.packetize(nals, i * 3000), sequencer));
}

test('loss in the middle of an FU-A drops that NAL, flags the unit, and recovers at the next start', () => {
  const frames = [
    [nalOf(20, 0x67), nalOf(300, 0x65), nalOf(30, 0x65)],
    [nalOf(250, 0x41)],
  ];
  const packets = framesToPackets(frames, 100);
  // Frame 0: STAP-A? no: 20-byte SPS then 300-byte IDR → SPS alone, 4 FU-A, then the 30-byte NAL.
  const fuMiddle = packets.findIndex((p) => p.payload[0] === 0x7c && p.payload[1] === 0x05);
  assert.ok(fuMiddle > 0);
  const depacketizer = new H264Depacketizer();
  const units = packets.filter((_, i) => i !== fuMiddle).flatMap((p) => depacketizer.push(p));
  assert.equal(units.length, 2);
  assert.equal(units[0]?.damaged, true);
  assert.deepEqual(units[0]?.nalUnits.map((n) => [...n]), [[...frames[0]![0]!], [...frames[0]![2]!]]);
  assert.equal(units[1]?.damaged, false);
  assert.deepEqual(units[1]?.nalUnits.map((n) => [...n]), [[...frames[1]![0]!]]);
  assert.equal(depacketizer.stats.lostPackets, 1);
  assert.equal(depacketizer.stats.discardedUnits, 1);
});

test('a lost first fragment: continuation fragments are skipped until the next start', () => {
  const frames = [[nalOf(300, 0x65)], [nalOf(10, 0x41)]];
  const packets = framesToPackets(frames, 100);
  const depacketizer = new H264Depacketizer();
  const units = packets.slice(1).flatMap((p) => depacketizer.push(p));
  // Joining mid-NAL looks like loss: nothing usable of frame 0; frame 1 is flagged because
  // references are missing.
  assert.equal(units.length, 1);
  assert.equal(units[0]?.damaged, true);
  assert.deepEqual(units[0]?.nalUnits.map((n) => [...n]), [[...frames[1]![0]!]]);
  assert.equal(depacketizer.stats.discardedUnits, 1);
});

test('a timestamp change without marker ends the unit; stale and duplicate packets are dropped', () => {
  const packets = framesToPackets([[nalOf(10, 0x65)], [nalOf(10, 0x41)], [nalOf(10, 0x41)]], 1400);
  const depacketizer = new H264Depacketizer();
  const noMarker = { ...packets[0]!, marker: false };
  assert.deepEqual(depacketizer.push(noMarker), []);
  const units = depacketizer.push(packets[1]!);
  assert.equal(units.length, 2, 'the old unit is emitted, then the new one completed by its marker');
  assert.deepEqual(depacketizer.push(packets[1]!), [], 'duplicate');
  assert.deepEqual(depacketizer.push(packets[0]!), [], 'late');
  assert.equal(depacketizer.stats.stalePackets, 2);
  assert.equal(depacketizer.push(packets[2]!).length, 1);
});

test('malformed and unsupported payloads are counted, never thrown', () => {
  const [base] = framesToPackets([[nalOf(10, 0x65)]], 1400);
  const depacketizer = new H264Depacketizer();
  const payloads = [
    [], // empty
    [0x00, 1, 2], // type 0
    [0x78, 0x00, 0x09, 0x65], // STAP-A length overruns
    [0x78, 0x00, 0x00], // STAP-A zero length
    [0x78], // STAP-A without NALs
    [0x79, 0, 0, 0, 1, 0x65], // STAP-B (mode 2)
    [0x7d, 0x85, 1], // FU-B
    [0x7c], // FU-A without header
  ];
  payloads.forEach((bytes, i) => {
    assert.deepEqual(depacketizer.push({ ...base!, sequenceNumber: i, marker: true, payload: Uint8Array.from(bytes) }), []);
  });
  assert.equal(depacketizer.stats.malformedPackets, payloads.length);
});

test('an access unit over maxAccessUnitSize is dropped and the next one flagged', () => {
  const packets = framesToPackets([[nalOf(500, 0x65)], [nalOf(50, 0x41)]], 100);
  const depacketizer = new H264Depacketizer({ maxAccessUnitSize: 400 });
  const units = packets.flatMap((p) => depacketizer.push(p));
  assert.equal(units.length, 1);
  assert.equal(units[0]?.damaged, true);
  assert.equal(units[0]?.nalUnits[0]?.length, 50);
});

test('fuzz: packetize → depacketize returns the same NAL units for any sizes and limits', () => {
  const nal = fc.tuple(fc.integer({ min: 1, max: 23 }), fc.uint8Array({ minLength: 0, maxLength: 600 })).map(([type, body]) =>
    Uint8Array.of(0x60 | type, ...body),
  );
  fc.assert(
    fc.property(fc.array(fc.array(nal, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 3, max: 700 }), (frames, mtu) => {
      const depacketizer = new H264Depacketizer();
      const packets = framesToPackets(frames, mtu, 0xfffd);
      for (const packet of packets) assert.ok(packet.payload.length <= mtu);
      const units = packets.flatMap((p) => depacketizer.push(p));
      assert.deepEqual(units.map((u) => u.nalUnits.map((n) => [...n])), frames.map((f) => f.map((n) => [...n])));
    }),
  );
});

test('fuzz: the depacketizer never throws on arbitrary packets', () => {
  const payload = fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    fc.tuple(fc.constantFrom(0x7c, 0x78, 0x65, 0x5c), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 20 })).map(
      ([a, b, rest]) => Uint8Array.of(a, b, ...rest),
    ),
  );
  fc.assert(
    fc.property(arbitraryStream(payload), (packets) => {
      const depacketizer = new H264Depacketizer({ maxAccessUnitSize: 200 });
      for (const packet of packets) {
        for (const unit of depacketizer.push(packet)) assert.ok(unit.nalUnits.length > 0);
      }
      depacketizer.flush();
      assert.equal(depacketizer.stats.packets, packets.length);
    }),
    { numRuns: 500 },
  );
});

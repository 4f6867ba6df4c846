import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { splitAnnexB } from '../../../src/protocol/codec/annexb.js';
import { AccessUnitAssembler } from '../../../src/protocol/codec/h265.js';
import { H265Depacketizer, H265Packetizer, parseH265Payload } from '../../../src/protocol/rtp/h265.js';
import type { RtpPacket } from '../../../src/protocol/rtp/packet.js';
import { arbitraryStream, newSequencer, payloadBytes, toWire } from './rtp-test-helpers.js';

const fixture = (path: string): Uint8Array[][] => {
  const assembler = new AccessUnitAssembler();
  const units = splitAnnexB(readFileSync(new URL(path, import.meta.url))).flatMap((nal) => assembler.push(nal));
  return [...units, ...assembler.flush()].map((unit) => unit.nals);
};

const typeOf = (payload: Uint8Array): number => ((payload[0] ?? 0) >> 1) & 0x3f;

for (const path of ['../../fixtures/rtp/h265_320x240_10fps.hevc', '../../fixtures/rtp/h265_320x240_temporal.hevc']) {
  test(`round trip of ${path.split('/').pop()}: NAL units byte-identical`, () => {
    const units = fixture(path);
    assert.ok(units.length >= 2);
    const packetizer = new H265Packetizer();
    const depacketizer = new H265Depacketizer();
    const sequencer = newSequencer();
    const seen = new Set<number>();
    const received = units.flatMap((nals, index) => {
      const parts = packetizer.packetize(nals, index * 9000);
      for (const part of parts) {
        assert.ok(payloadBytes(part).length <= 1400);
        seen.add(typeOf(payloadBytes(part)));
      }
      return toWire(parts, sequencer).flatMap((packet) => depacketizer.push(packet));
    });
    assert.ok(seen.has(48), 'VPS/SPS/PPS travel in an AP');
    if (path.includes('10fps')) assert.ok(seen.has(49), 'large slices travel in FUs');
    assert.equal(received.length, units.length);
    received.forEach((unit, index) => {
      assert.equal(unit.timestamp, sequencer.toRtpTimestamp(index * 9000));
      assert.equal(unit.damaged, false);
      assert.deepEqual(unit.nalUnits.map((n) => Buffer.from(n)), units[index]?.map((n) => Buffer.from(n)));
    });
    assert.equal(depacketizer.stats.malformedPackets + depacketizer.stats.discardedUnits + depacketizer.stats.lostPackets, 0);
  });
}

const nalOf = (length: number, b0 = 0x26, b1 = 0x01): Uint8Array => {
  const nal = new Uint8Array(length);
  for (let i = 0; i < length; i++) nal[i] = (i * 13 + 5) & 0xff;
  nal[0] = b0; // type 19 (IDR_W_RADL), layer 0
  nal[1] = b1; // TID 0 (+1)
  return nal;
};

test('FU boundaries: exactly MTU and MTU-1 go alone, MTU+1 becomes two FUs with the right headers', () => {
  const packetizer = new H265Packetizer({ maxPayloadSize: 100 });
  for (const length of [99, 100]) {
    const nal = nalOf(length);
    const parts = packetizer.packetize([nal], 0);
    assert.equal(parts.length, 1);
    assert.equal(parts[0]?.payload[0], nal);
  }
  const nal = nalOf(101, 0x27, 0x0a); // type 19, LayerId bit5 = 1, TID+1 = 2, layer low bits 1
  const parts = packetizer.packetize([nal], 0);
  assert.equal(parts.length, 2);
  const [first, second] = parts.map(payloadBytes);
  assert.deepEqual([...first!.subarray(0, 3)], [(49 << 1) | 1, 0x0a, 0x80 | 19]);
  assert.deepEqual([...second!.subarray(0, 3)], [(49 << 1) | 1, 0x0a, 0x40 | 19]);
  assert.equal(first!.length, 100);
  assert.equal(second!.length, 3 + (99 - 97));
  const depacketizer = new H265Depacketizer();
  const units = toWire(parts, newSequencer()).flatMap((p) => depacketizer.push(p));
  assert.deepEqual(units.map((u) => u.nalUnits.map((n) => [...n])), [[[...nal]]]);
});

test('AP header: F = OR, LayerId and TID = the lowest', () => {
  const packetizer = new H265Packetizer({ maxPayloadSize: 64 });
  const vps = nalOf(10, 0x40, 0x0b); // type 32, layer 1, TID+1 3
  const sps = nalOf(12, 0x42, 0x02); // type 33, layer 0, TID+1 2
  const parts = packetizer.packetize([vps, sps], 0);
  assert.equal(parts.length, 1);
  const ap = payloadBytes(parts[0]!);
  assert.deepEqual([...ap.subarray(0, 2)], [48 << 1, 0x02]);
  assert.deepEqual(parseH265Payload(ap), { kind: 'nals', nalUnits: [Buffer.from(vps), Buffer.from(sps)] });
});

function framesToPackets(frames: Uint8Array[][], maxPayloadSize: number): RtpPacket[] {
  const packetizer = new H265Packetizer({ maxPayloadSize });
  const sequencer = newSequencer(0xfffe);
  return frames.flatMap((nals, i) => toWire(packetizer.packetize(nals, i * 3000), sequencer));
}

test('loss in the middle of an FU drops that NAL and flags the unit', () => {
  const frames = [[nalOf(300), nalOf(30, 0x02)], [nalOf(250, 0x02)]];
  const packets = framesToPackets(frames, 100);
  const middle = packets.findIndex((p) => typeOf(p.payload) === 49 && (p.payload[2]! & 0xc0) === 0);
  const depacketizer = new H265Depacketizer();
  const units = packets.filter((_, i) => i !== middle).flatMap((p) => depacketizer.push(p));
  assert.equal(units.length, 2);
  assert.equal(units[0]?.damaged, true);
  assert.deepEqual(units[0]?.nalUnits.map((n) => [...n]), [[...frames[0]![1]!]]);
  assert.equal(units[1]?.damaged, false);
  assert.equal(depacketizer.stats.lostPackets, 1);
});

test('PACI, truncated and malformed AP payloads are counted, never thrown', () => {
  const [base] = framesToPackets([[nalOf(10)]], 1400);
  const depacketizer = new H265Depacketizer();
  const payloads = [[], [0x26], [50 << 1, 1, 0, 0], [48 << 1, 1, 0, 9, 1], [48 << 1, 1, 0, 1, 0x26], [49 << 1, 1]];
  payloads.forEach((bytes, i) => {
    depacketizer.push({ ...base!, sequenceNumber: i, marker: true, payload: Uint8Array.from(bytes) });
  });
  assert.equal(depacketizer.stats.malformedPackets, payloads.length);
});

test('fuzz: packetize → depacketize returns the same NAL units', () => {
  const nal = fc.tuple(fc.integer({ min: 0, max: 47 }), fc.uint8Array({ maxLength: 600 })).map(([type, body]) =>
    Uint8Array.of(type << 1, 0x01, ...body),
  );
  fc.assert(
    fc.property(fc.array(fc.array(nal, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 4, max: 700 }), (frames, mtu) => {
      const depacketizer = new H265Depacketizer();
      const packets = framesToPackets(frames, mtu);
      for (const packet of packets) assert.ok(packet.payload.length <= mtu);
      const units = packets.flatMap((p) => depacketizer.push(p));
      assert.deepEqual(units.map((u) => u.nalUnits.map((n) => [...n])), frames.map((f) => f.map((n) => [...n])));
    }),
  );
});

test('fuzz: the depacketizer never throws on arbitrary packets', () => {
  const payload = fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    fc.tuple(fc.constantFrom(96, 98, 100, 0x26), fc.uint8Array({ maxLength: 20 })).map(([a, rest]) => Uint8Array.of(a, 1, ...rest)),
  );
  fc.assert(
    fc.property(arbitraryStream(payload), (packets) => {
      const depacketizer = new H265Depacketizer({ maxAccessUnitSize: 200 });
      for (const packet of packets) for (const unit of depacketizer.push(packet)) assert.ok(unit.nalUnits.length > 0);
      depacketizer.flush();
    }),
    { numRuns: 500 },
  );
});

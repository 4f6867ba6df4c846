import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseAdts } from '../../../src/protocol/codec/aac.js';
import { AacDepacketizer, AacPacketizer, parseAuSections } from '../../../src/protocol/rtp/aac.js';
import type { RtpPacket } from '../../../src/protocol/rtp/packet.js';
import { arbitraryStream, newSequencer, payloadBytes, toWire } from './rtp-test-helpers.js';

const framesOf = (path: string): Uint8Array[] =>
  parseAdts(readFileSync(new URL(path, import.meta.url))).frames.map((frame) => frame.payload);

function send(frames: Uint8Array[][], packetizer: AacPacketizer): RtpPacket[] {
  const sequencer = newSequencer(0xfffa);
  let timestamp = 0;
  return frames.flatMap((group) => {
    const parts = packetizer.packetize(group, timestamp);
    timestamp += group.length * 1024;
    return toWire(parts, sequencer);
  });
}

for (const [path, maxPayloadSize] of [
  ['../../fixtures/rtp/aac_48000_stereo.adts', 1400],
  ['../../fixtures/rtp/aac_48000_stereo.adts', 200], // frames of ~340 bytes must be fragmented
  ['../../fixtures/rtp/aac_8000_mono.adts', 1400],
] as const) {
  test(`round trip of ${path.split('/').pop()} with maxPayloadSize ${maxPayloadSize}`, () => {
    const frames = framesOf(path);
    assert.ok(frames.length >= 2);
    const packetizer = new AacPacketizer({ maxPayloadSize });
    // Hand the packetizer five frames at a time, as a 100 ms audio capture buffer would.
    const groups: Uint8Array[][] = [];
    for (let i = 0; i < frames.length; i += 5) groups.push(frames.slice(i, i + 5));
    const packets = send(groups, packetizer);
    for (const packet of packets) assert.ok(packet.payload.length <= maxPayloadSize);
    if (maxPayloadSize === 200) assert.ok(packets.some((p) => !p.marker), 'some frames were fragmented');
    else if (frames.length > 10) assert.ok(packets.some((p) => (parseAuSections(p.payload)?.sizes.length ?? 0) > 1), 'frames were aggregated');
    const depacketizer = new AacDepacketizer();
    const units = packets.flatMap((p) => depacketizer.push(p));
    assert.deepEqual(units.map((u) => Buffer.from(u.data)), frames.map((f) => Buffer.from(f)));
    const base = packets[0]!.timestamp;
    units.forEach((unit, i) => {
      assert.equal(unit.timestamp, (base + i * 1024) % 0x1_0000_0000);
      assert.equal(unit.afterLoss, false);
    });
  });
}

test('AU header section layout and fragmentation boundary', () => {
  const packetizer = new AacPacketizer({ maxPayloadSize: 104 });
  const two = packetizer.packetize([new Uint8Array(40).fill(1), new Uint8Array(50).fill(2)], 0);
  assert.equal(two.length, 1);
  const payload = payloadBytes(two[0]!);
  // 32 bits of headers; sizes 40 and 50 shifted past the 3-bit index fields.
  assert.deepEqual([...payload.subarray(0, 6)], [0x00, 0x20, 0x01, 0x40, 0x01, 0x90]);
  assert.equal(two[0]?.marker, true);
  // A frame of exactly maxPayloadSize - 4 goes whole, one byte more is fragmented.
  assert.equal(packetizer.packetize([new Uint8Array(100)], 0).length, 1);
  const fragments = packetizer.packetize([new Uint8Array(101)], 2048);
  assert.deepEqual(fragments.map((f) => [f.marker, f.timestamp, payloadBytes(f).length]), [
    [false, 2048, 104],
    [true, 2048, 5],
  ]);
  assert.deepEqual([...payloadBytes(fragments[1]!).subarray(0, 4)], [0x00, 0x10, 0x03, 0x28]); // size 101 in both
  assert.throws(() => packetizer.packetize([new Uint8Array(8192)], 0), RangeError);
});

test('loss inside a fragmented frame drops it and flags the next frame', () => {
  const frames = [new Uint8Array(300).fill(7), new Uint8Array(20).fill(8), new Uint8Array(30).fill(9)];
  const packets = send([frames], new AacPacketizer({ maxPayloadSize: 100 }));
  assert.equal(packets.length, 5); // 4 fragments + one packet with the two small frames
  const depacketizer = new AacDepacketizer();
  const units = packets.filter((_, i) => i !== 1).flatMap((p) => depacketizer.push(p));
  assert.deepEqual(units.map((u) => [u.data.length, u.afterLoss]), [[20, true], [30, false]]);
  assert.equal(depacketizer.stats.discardedUnits, 1);
  assert.equal(depacketizer.stats.lostPackets, 1);
});

test('malformed sections are counted, never thrown', () => {
  const [base] = send([[new Uint8Array(10)]], new AacPacketizer());
  const depacketizer = new AacDepacketizer();
  const payloads = [
    [0x00], // no AU-headers-length
    [0x00, 0x00], // zero headers
    [0x00, 0x0c, 0x00, 0x00], // 12 bits: not whole headers
    [0x00, 0x20, 0x00, 0x08], // two headers announced, one present
    [0x00, 0x10, 0x00, 0x09, 0xff], // index 1: interleaving
    [0x00, 0x20, 0x00, 0x08, 0x00, 0x08, 0xff], // two frames of 1 byte, one byte of data
  ];
  payloads.forEach((bytes, i) => depacketizer.push({ ...base!, sequenceNumber: i, payload: Uint8Array.from(bytes) }));
  assert.equal(depacketizer.stats.malformedPackets, payloads.length);
});

test('fuzz: packetize → depacketize returns the same frames', () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.uint8Array({ maxLength: 500 }), { minLength: 1, maxLength: 8 }), { maxLength: 4 }),
      fc.integer({ min: 5, max: 700 }),
      (groups, mtu) => {
        const depacketizer = new AacDepacketizer();
        const packets = send(groups, new AacPacketizer({ maxPayloadSize: mtu }));
        for (const packet of packets) assert.ok(packet.payload.length <= mtu);
        const units = packets.flatMap((p) => depacketizer.push(p));
        assert.deepEqual(units.map((u) => [...u.data]), groups.flat().map((f) => [...f]));
      },
    ),
  );
});

test('fuzz: the depacketizer never throws on arbitrary packets', () => {
  const payload = fc.oneof(
    fc.uint8Array({ maxLength: 30 }),
    fc.tuple(fc.constantFrom(0x10, 0x20), fc.uint8Array({ maxLength: 30 })).map(([bits, rest]) => Uint8Array.of(0, bits, ...rest)),
  );
  fc.assert(
    fc.property(arbitraryStream(payload), (packets) => {
      const depacketizer = new AacDepacketizer();
      for (const packet of packets) depacketizer.push(packet);
      assert.equal(depacketizer.stats.packets, packets.length);
    }),
    { numRuns: 500 },
  );
});

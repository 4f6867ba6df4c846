import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  g711EncodingOf,
  g711PayloadType,
  PcmDepacketizer,
  PcmPacketizer,
  PCMA_PAYLOAD_TYPE,
  PCMU_PAYLOAD_TYPE,
} from '../../../src/protocol/rtp/pcm.js';
import { parseRtp, serializeRtp } from '../../../src/protocol/rtp/packet.js';
import { RtpSequencer } from '../../../src/protocol/rtp/sequencer.js';
import { arbitraryStream } from './rtp-test-helpers.js';

for (const encoding of ['PCMU', 'PCMA'] as const) {
  test(`${encoding}: 0.5 s of G.711 becomes 25 packets of 20 ms and comes back identical`, () => {
    const samples = readFileSync(new URL(`../../fixtures/rtp/${encoding.toLowerCase()}_8000.raw`, import.meta.url));
    assert.equal(samples.length, 4000);
    const parts = new PcmPacketizer().packetize(samples, 8000);
    assert.equal(parts.length, 25);
    parts.forEach((part, i) => {
      assert.equal(part.timestamp, 8000 + i * 160);
      assert.equal(part.payload[0]?.length, 160);
      assert.equal(part.payload[0]?.buffer, samples.buffer, 'views, not copies');
      assert.equal(part.marker, false);
    });
    const sequencer = new RtpSequencer({ payloadType: g711PayloadType(encoding), initialSequenceNumber: 65530 });
    const depacketizer = new PcmDepacketizer();
    const chunks = parts.flatMap((part) =>
      depacketizer.push(parseRtp(serializeRtp({ ...sequencer.next(part), payload: part.payload }))),
    );
    assert.deepEqual(Buffer.concat(chunks.map((c) => c.samples)), samples);
    assert.ok(chunks.every((c) => c.payloadType === g711PayloadType(encoding) && !c.afterLoss));
    assert.equal(g711EncodingOf(chunks[0]!.payloadType), encoding);
    assert.equal(chunks[1]!.timestamp - chunks[0]!.timestamp, 160);
  });
}

test('static payload types and odd sizes', () => {
  assert.equal(PCMU_PAYLOAD_TYPE, 0);
  assert.equal(PCMA_PAYLOAD_TYPE, 8);
  assert.equal(g711EncodingOf(96), undefined);
  const parts = new PcmPacketizer({ samplesPerPacket: 80 }).packetize(new Uint8Array(200), 0);
  assert.deepEqual(parts.map((p) => [p.timestamp, p.payload[0]?.length]), [[0, 80], [80, 80], [160, 40]]);
  assert.throws(() => new PcmPacketizer({ samplesPerPacket: 0 }), RangeError);
});

test('loss is flagged on the chunk after the gap; empty payloads are counted', () => {
  const sequencer = new RtpSequencer({ payloadType: 0, initialSequenceNumber: 0 });
  const packets = new PcmPacketizer()
    .packetize(new Uint8Array(800), 0)
    .map((part) => parseRtp(serializeRtp({ ...sequencer.next(part), payload: part.payload })));
  const depacketizer = new PcmDepacketizer();
  const chunks = [packets[0]!, packets[1]!, packets[3]!, packets[4]!].flatMap((p) => depacketizer.push(p));
  assert.deepEqual(chunks.map((c) => c.afterLoss), [false, false, true, false]);
  assert.equal(depacketizer.stats.lostPackets, 1);
  assert.deepEqual(depacketizer.push({ ...packets[4]!, sequenceNumber: 5, payload: new Uint8Array(0) }), []);
  assert.equal(depacketizer.stats.malformedPackets, 1);
});

test('fuzz: the depacketizer never throws and returns every in-order payload', () => {
  fc.assert(
    fc.property(arbitraryStream(fc.uint8Array({ maxLength: 20 })), (packets) => {
      const depacketizer = new PcmDepacketizer();
      for (const packet of packets) depacketizer.push(packet);
      assert.equal(depacketizer.stats.packets, packets.length);
    }),
  );
});

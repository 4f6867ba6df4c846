import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { MetadataDepacketizer, MetadataPacketizer } from '../../../src/protocol/rtp/metadata.js';
import type { RtpPacket } from '../../../src/protocol/rtp/packet.js';
import { arbitraryStream, newSequencer, toWire } from './rtp-test-helpers.js';

const DOCUMENT = readFileSync(new URL('../../fixtures/rtp/metadata_stream.xml', import.meta.url));

test('a 6 KB tt:MetadataStream document round trips, cut inside a multi-byte character', () => {
  const umlaut = DOCUMENT.indexOf(Buffer.from('ü'));
  const maxPayloadSize = umlaut + 1; // the first cut falls between the two bytes of "ü"
  const parts = new MetadataPacketizer({ maxPayloadSize }).packetize(DOCUMENT.toString('utf8'), 900);
  assert.equal(parts.length, Math.ceil(DOCUMENT.length / maxPayloadSize));
  assert.ok(parts.every((p) => p.timestamp === 900));
  assert.deepEqual(parts.map((p) => p.marker), parts.map((_, i) => i === parts.length - 1));
  const sequencer = newSequencer();
  const depacketizer = new MetadataDepacketizer();
  const docs = toWire(parts, sequencer).flatMap((p) => depacketizer.push(p));
  assert.equal(docs.length, 1);
  assert.equal(docs[0]?.timestamp, sequencer.toRtpTimestamp(900));
  assert.equal(docs[0]?.gzip, false);
  assert.equal(Buffer.from(docs[0]!.document).toString('utf8'), DOCUMENT.toString('utf8'));
});

test('default limit 1400, payload views alias the input, empty document sends nothing', () => {
  const packetizer = new MetadataPacketizer();
  const parts = packetizer.packetize(DOCUMENT, 0);
  assert.deepEqual(parts.map((p) => p.payload[0]?.length), [1400, 1400, 1400, 1400, DOCUMENT.length - 5600]);
  assert.equal(parts[1]?.payload[0]?.buffer, DOCUMENT.buffer);
  assert.deepEqual(packetizer.packetize('', 0), []);
  // A one-packet document is handed out without a copy.
  const [packet] = toWire(packetizer.packetize('<tt:MetadataStream/>', 5), newSequencer());
  const [doc] = new MetadataDepacketizer().push(packet!);
  assert.equal(doc?.document, packet?.payload);
});

function stream(documents: (string | Uint8Array)[], maxPayloadSize = 1400): RtpPacket[] {
  const packetizer = new MetadataPacketizer({ maxPayloadSize });
  const sequencer = newSequencer();
  return documents.flatMap((doc, i) => toWire(packetizer.packetize(doc, i * 90000), sequencer));
}

test('a gap discards the document in progress; the next document start is recognized', () => {
  const packets = stream([DOCUMENT, DOCUMENT], 1400);
  const depacketizer = new MetadataDepacketizer();
  const docs = packets.filter((_, i) => i !== 2).flatMap((p) => depacketizer.push(p));
  assert.equal(docs.length, 1);
  assert.deepEqual(Buffer.from(docs[0]!.document), DOCUMENT);
  assert.equal(docs[0]?.timestamp, packets[5]?.timestamp);
  assert.equal(depacketizer.stats.lostPackets, 1);
  assert.equal(depacketizer.stats.discardedUnits, 1);
});

test('after a gap, packets that do not start a document are skipped through the next marker', () => {
  const piece = 'x'.repeat(30);
  const packets = stream(['<?xml version="1.0"?>' + piece.repeat(3), '<a/>', '<tt:MetadataStream/>'], 30);
  assert.equal(packets.length, 6);
  // Lose packet 1: packets 2 and 3 (the rest of doc 0, marker on 3) must not become a document;
  // "<a/>" is accepted although it does not look like a document start because it follows a marker.
  const depacketizer = new MetadataDepacketizer();
  const docs = packets.filter((_, i) => i !== 1).flatMap((p) => depacketizer.push(p));
  assert.deepEqual(docs.map((d) => Buffer.from(d.document).toString()), ['<a/>', '<tt:MetadataStream/>']);
  assert.equal(depacketizer.stats.discardedUnits, 1);
});

test('documents over maxDocumentSize are discarded; per-packet timestamps do not split a document', () => {
  const depacketizer = new MetadataDepacketizer({ maxDocumentSize: 2000 });
  const docs = stream([DOCUMENT, '<tt:MetadataStream/>']).flatMap((p) => depacketizer.push(p));
  assert.deepEqual(docs.map((d) => Buffer.from(d.document).toString()), ['<tt:MetadataStream/>']);
  assert.equal(depacketizer.stats.discardedUnits, 1);
  // Creation-time timestamps (different on every packet) are allowed by ONVIF.
  const varied = stream([DOCUMENT]).map((p, i) => ({ ...p, timestamp: p.timestamp + i * 10 }));
  const again = new MetadataDepacketizer();
  const [doc] = varied.flatMap((p) => again.push(p));
  assert.deepEqual(Buffer.from(doc!.document), DOCUMENT);
  assert.equal(doc?.timestamp, varied[0]?.timestamp);
});

test('GZIP-compressed documents are flagged', () => {
  const compressed = gzipSync(DOCUMENT);
  const depacketizer = new MetadataDepacketizer();
  const [whole] = stream([compressed], 200).flatMap((p) => depacketizer.push(p));
  assert.equal(whole?.gzip, true);
  assert.deepEqual(gunzipSync(whole!.document), DOCUMENT);
});

test('fuzz: any documents and payload limits round trip', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }), { maxLength: 5 }), fc.integer({ min: 1, max: 400 }), (docs, mtu) => {
      const depacketizer = new MetadataDepacketizer();
      const out = stream(docs, mtu).flatMap((p) => depacketizer.push(p));
      assert.deepEqual(out.map((d) => Buffer.from(d.document).toString('utf8')), docs);
    }),
  );
});

test('fuzz: the depacketizer never throws on arbitrary packets', () => {
  const payload = fc.oneof(fc.uint8Array({ maxLength: 30 }), fc.constantFrom(Buffer.from('<?xml version="1.0"?><a>'), Buffer.from('</a>')));
  fc.assert(
    fc.property(arbitraryStream(payload), (packets) => {
      const depacketizer = new MetadataDepacketizer({ maxDocumentSize: 50 });
      for (const packet of packets) {
        for (const doc of depacketizer.push(packet)) assert.ok(doc.document.length > 0 && doc.document.length <= 50);
      }
    }),
    { numRuns: 500 },
  );
});

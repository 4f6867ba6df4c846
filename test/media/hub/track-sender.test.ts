import { test } from 'node:test';
import assert from 'node:assert/strict';
import { payloadTypeFor, TrackSender } from '../../../src/media/hub/track-sender.js';
import { HubReader, type ReaderHost } from '../../../src/media/hub/reader.js';
import { H264Depacketizer } from '../../../src/protocol/rtp/h264.js';
import { H265Depacketizer } from '../../../src/protocol/rtp/h265.js';
import { parseRtp } from '../../../src/protocol/rtp/packet.js';
import { MetadataDepacketizer } from '../../../src/protocol/rtp/metadata.js';
import type { MediaFrame, TrackInfo } from '../../../src/media/live.js';
import type { HubPacket, PacketBatch } from '../../../src/media/hub/packet.js';
import { PPS, RecordingWriter, SPS } from './helpers.js';

const opts = { maxPayloadSize: 1400, cname: 'test' };
const wire = (p: HubPacket): Buffer => Buffer.concat([p.header, ...p.payload]);
const packets = (b: PacketBatch | undefined): readonly HubPacket[] => b?.packets ?? [];
const frame = (data: Uint8Array[], keyframe: boolean, timestamp = 0): MediaFrame => ({ track: 0, wallclockMs: 1000, timestamp, keyframe, data });

test('payload types: RFC 3551 static ones for G.711 and JPEG, dynamic 96+ otherwise', () => {
  const t = (codec: TrackInfo['codec']): TrackInfo => ({ kind: 'video', codec, clockRate: 90000 });
  assert.equal(payloadTypeFor(t('PCMU'), 3), 0);
  assert.equal(payloadTypeFor(t('PCMA'), 3), 8);
  assert.equal(payloadTypeFor(t('JPEG'), 3), 26);
  assert.equal(payloadTypeFor(t('H264'), 0), 96);
  assert.equal(payloadTypeFor(t('ONVIF-METADATA'), 2), 98);
});

test('H.264: parameter sets go after a leading AUD; in-band SPS/PPS replace the described ones', () => {
  const sender = new TrackSender(0, { kind: 'video', codec: 'H264', clockRate: 90000, h264: { sps: SPS, pps: PPS } }, opts);
  const depack = new H264Depacketizer();
  const aud = Uint8Array.of(0x09, 0xf0);
  const idr = Uint8Array.of(0x65, 1, 2, 3);
  const units = packets(sender.packetize(frame([aud, idr], true))).flatMap((p) => depack.push(parseRtp(wire(p))));
  assert.deepEqual(units[0]!.nalUnits.map((n) => n[0]! & 0x1f), [9, 7, 8, 5]);
  const newSps = Uint8Array.of(0x67, 0x64, 0, 0x1f, 0xac);
  sender.packetize(frame([newSps, Uint8Array.of(0x41, 9)], false, 3000));
  const later = packets(sender.packetize(frame([idr], true, 6000))).flatMap((p) => depack.push(parseRtp(wire(p))));
  const flushed = [...later, ...depack.flush()];
  assert.deepEqual(Buffer.from(flushed.at(-1)!.nalUnits[0]!), Buffer.from(newSps));
  // A keyframe that brings its own parameter sets is sent as is.
  const own = packets(sender.packetize(frame([SPS, PPS, idr], true, 9000)));
  assert.equal(own.length, 1);
});

test('H.265: VPS/SPS/PPS are put in front of an IRAP picture', () => {
  const vps = Uint8Array.of(0x40, 0x01, 0x0c);
  const sps = Uint8Array.of(0x42, 0x01, 0x01);
  const pps = Uint8Array.of(0x44, 0x01, 0xc1);
  const sender = new TrackSender(0, { kind: 'video', codec: 'H265', clockRate: 90000, h265: { vps, sps, pps } }, opts);
  const idr = Uint8Array.of(0x26, 0x01, 0xaf, 0x00);
  const depack = new H265Depacketizer();
  const units = [...packets(sender.packetize(frame([idr], true))).flatMap((p) => depack.push(parseRtp(wire(p)))), ...depack.flush()];
  assert.deepEqual(units[0]!.nalUnits.map((n) => (n[0]! >> 1) & 0x3f), [32, 33, 34, 19]);
});

test('metadata documents come back whole; audio, metadata and video keyframes are resumable, other video frames not', () => {
  const meta = new TrackSender(2, { kind: 'metadata', codec: 'ONVIF-METADATA', clockRate: 90000 }, opts);
  const doc = Buffer.from(`<tt:MetadataStream xmlns:tt="http://www.onvif.org/ver10/schema">${'x'.repeat(5000)}</tt:MetadataStream>`);
  const batch = meta.packetize({ track: 2, wallclockMs: 0, timestamp: 0, keyframe: true, data: [doc] })!;
  assert.ok(batch.packets.length > 3);
  assert.equal(batch.resumable, true);
  const depack = new MetadataDepacketizer();
  const docs = batch.packets.flatMap((p) => depack.push(parseRtp(wire(p))));
  assert.equal(Buffer.from(docs[0]!.document).toString(), doc.toString());

  const video = new TrackSender(0, { kind: 'video', codec: 'H264', clockRate: 90000, h264: { sps: SPS, pps: PPS } }, opts);
  const big = new Uint8Array(4000).fill(1);
  big[0] = 0x41;
  assert.equal(video.packetize(frame([big], false))!.resumable, false);
  assert.equal(video.packetize(frame([Uint8Array.of(0x65, 1)], true))!.resumable, true);
  assert.equal(video.packetize(frame([], false)), undefined, 'no packets, no batch');
});

test('a batch frames its packets for a channel once; the UDP gather list is shared too', () => {
  const sender = new TrackSender(0, { kind: 'video', codec: 'H264', clockRate: 90000, h264: { sps: SPS, pps: PPS } }, opts);
  const nal = new Uint8Array(3000).fill(7);
  nal[0] = 0x41;
  const batch = sender.packetize(frame([nal], false))!;
  const framed = batch.interleaved(2);
  assert.equal(batch.interleaved(2), framed);
  // Parse the framing back: `$`, channel, length, then exactly the packet bytes.
  let at = 0;
  for (const p of batch.packets) {
    assert.deepEqual([framed[at], framed[at + 1], framed.readUInt16BE(at + 2)], [0x24, 2, p.byteLength]);
    assert.deepEqual(framed.subarray(at + 4, at + 4 + p.byteLength), wire(p));
    at += 4 + p.byteLength;
  }
  assert.equal(at, framed.length);
  const other = batch.interleaved(4);
  assert.equal(other[1], 4);
  assert.equal(batch.interleaved(2), framed);
  const p = batch.packets[0]!;
  assert.equal(p.datagram, p.datagram);
  assert.equal(p.datagram[1], p.payload[0]);
});

test('a cached GOP may exceed the queue bound once; the bound applies again when it has drained', () => {
  const host: ReaderHost = { senderReport: () => undefined, detach: () => undefined };
  const writer = new RecordingWriter();
  const reader = new HubReader(host, writer, [0], { maxQueuedBytes: 1000, stallTimeoutMs: 1000 });
  const sender = new TrackSender(0, { kind: 'video', codec: 'H264', clockRate: 90000, h264: { sps: SPS, pps: PPS } }, opts);
  const gop = sender.packetize(frame([Uint8Array.of(0x65, ...new Uint8Array(5000))], true))!;
  reader.replay([gop], 0);
  writer.queuedBytes = 4000; // the burst has not drained yet: still within its allowance
  reader.deliver(sender.packetize(frame([Uint8Array.of(0x41, 1)], false, 3000))!, 0);
  assert.equal(reader.stats.packetsDropped, 0);
  writer.queuedBytes = 900; // drained below the bound: the allowance is gone
  reader.deliver(sender.packetize(frame([Uint8Array.of(0x41, 1)], false, 6000))!, 0);
  writer.queuedBytes = 4000;
  reader.deliver(sender.packetize(frame([Uint8Array.of(0x41, 1)], false, 9000))!, 0);
  assert.equal(reader.stats.packetsDropped, 1);
  assert.equal(reader.stats.maxQueuedBytes, 4000);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ParseError } from '../../../src/protocol/codec/errors.js';
import { parseJpeg, rfc2435QuantTables } from '../../../src/protocol/codec/jpeg.js';
import { JpegDepacketizer, JpegPacketizer } from '../../../src/protocol/rtp/jpeg.js';
import type { RtpPacket } from '../../../src/protocol/rtp/packet.js';
import { arbitraryStream, newSequencer, payloadBytes, toWire } from './rtp-test-helpers.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/rtp/${name}`, import.meta.url));

function ffmpeg(args: string[]): { status: number | null; stdout: Buffer; stderr: string } {
  const result = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', ...args], { maxBuffer: 64 * 1024 * 1024 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    assert.fail('ffmpeg is missing: install it (e.g. apt-get install ffmpeg) to run the RTP/JPEG decode checks');
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString() };
}

/** Decodes with ffmpeg (an independent decoder) and returns RGB pixels; fails on any decode error. */
function decodeToRgb(jpeg: Uint8Array): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-rtp-jpeg-'));
  try {
    const file = join(dir, 'out.jpg');
    writeFileSync(file, jpeg);
    const check = ffmpeg(['-i', file, '-f', 'null', '-']);
    assert.equal(check.status, 0, `ffmpeg could not decode the rebuilt JPEG: ${check.stderr}`);
    const raw = ffmpeg(['-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
    assert.equal(raw.status, 0, raw.stderr);
    return raw.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function send(images: Uint8Array[], maxPayloadSize = 1400): RtpPacket[] {
  const packetizer = new JpegPacketizer({ maxPayloadSize });
  const sequencer = newSequencer();
  return images.flatMap((image, i) => toWire(packetizer.packetize(image, i * 3600), sequencer));
}

for (const [name, type] of [
  ['jpeg_640x360_420.jpg', 1],
  ['jpeg_320x240_422.jpg', 0],
  ['jpeg_160x120_420_dri.jpg', 65],
  ['jpeg_320x240_422_dri.jpg', 64],
] as const) {
  test(`${name}: RTP/JPEG type ${type} round trip decodes to the same pixels`, () => {
    const original = fixture(name);
    const info = parseJpeg(original);
    const packets = send([original]);
    assert.ok(packets.length > 1);
    for (const packet of packets) assert.ok(packet.payload.length <= 1400);
    assert.ok(packets.every((p) => p.payload[4] === type && p.payload[5] === 255));
    assert.deepEqual(packets.map((p) => p.marker), packets.map((_, i) => i === packets.length - 1));
    const depacketizer = new JpegDepacketizer();
    const frames = packets.flatMap((p) => depacketizer.push(p));
    assert.equal(frames.length, 1);
    assert.equal(frames[0]?.width, info.width);
    assert.equal(frames[0]?.height, info.height);
    const rebuilt = parseJpeg(frames[0]!.image);
    assert.deepEqual(Buffer.from(rebuilt.scan), Buffer.from(info.scan), 'scan data byte-identical');
    assert.equal(rebuilt.restartInterval, info.restartInterval);
    // Each component dequantizes with the same table as before (ffmpeg shares one table, the rebuilt
    // image carries it twice).
    const tableOf = (jpeg: typeof info, index: number): Buffer =>
      Buffer.from(jpeg.quantTables.find((t) => t.id === jpeg.components[index]?.quantTableId)?.data ?? []);
    for (const index of [0, 1, 2]) assert.deepEqual(tableOf(rebuilt, index), tableOf(info, index));
    assert.deepEqual(decodeToRgb(frames[0]!.image), decodeToRgb(original));
  });
}

test('packet layout: main header, restart header, quantization table header only in the first packet', () => {
  const image = fixture('jpeg_160x120_420_dri.jpg');
  const info = parseJpeg(image);
  const parts = new JpegPacketizer({ maxPayloadSize: 1000 }).packetize(image, 0);
  const first = payloadBytes(parts[0]!);
  // type-specific 0, offset 0, type 65, Q 255, 20x15 blocks; DRI 2, F=L=1, count 0x3FFF.
  assert.deepEqual([...first.subarray(0, 12)], [0, 0, 0, 0, 65, 255, 20, 15, 0, 2, 0xff, 0xff]);
  assert.deepEqual([...first.subarray(12, 16)], [0, 0, 0, 128]); // MBZ, 8-bit tables, length 128
  assert.equal(first.length, 1000);
  const scanInFirst = 1000 - 16 - 128;
  const second = payloadBytes(parts[1]!);
  assert.deepEqual([...second.subarray(1, 4)], [0, scanInFirst >> 8, scanInFirst & 0xff]);
  assert.deepEqual([...second.subarray(8, 12)], [0, 2, 0xff, 0xff]);
  // Scan data is sent as views of the input image.
  assert.equal(parts[1]?.payload[1]?.buffer, image.buffer);
  assert.equal(parts.reduce((sum, p) => sum + payloadBytes(p).length, 0), info.scan.length + 16 + 128 + (parts.length - 1) * 12);
});

test('images RFC 2435 cannot carry are refused with ParseError UNSUPPORTED', () => {
  assert.throws(
    () => new JpegPacketizer().packetize(fixture('jpeg_64x48_444.jpg'), 0),
    (err: unknown) => err instanceof ParseError && err.code === 'UNSUPPORTED',
  );
  assert.throws(() => new JpegPacketizer().packetize(Uint8Array.of(0xff, 0xd8, 0xff), 0), ParseError);
  assert.throws(() => new JpegPacketizer({ maxPayloadSize: 200 }), RangeError);
});

test('Q < 128 uses the RFC 2435 scaled tables; Q ≥ 128 with length 0 reuses the last in-band tables', () => {
  const image = fixture('jpeg_320x240_422.jpg');
  const [packet] = send([image], 65000);
  assert.ok(packet);
  const payload = Buffer.from(packet.payload);
  // Rewrite as Q=50 (no quantization header) and check the rebuilt DQT.
  const q50 = Buffer.concat([payload.subarray(0, 8), payload.subarray(8 + 4 + 128)]);
  q50[5] = 50;
  const [frame] = new JpegDepacketizer().push({ ...packet, payload: q50 });
  assert.ok(frame);
  assert.deepEqual(parseJpeg(frame.image).quantTables.map((t) => [...t.data]), rfc2435QuantTables(50).map((t) => [...t]));
  decodeToRgb(frame.image);
  // Second frame with an empty table header: tables come from the first frame.
  const depacketizer = new JpegDepacketizer();
  const [a] = depacketizer.push(packet);
  const noTables = Buffer.concat([payload.subarray(0, 8), Buffer.from([0, 0, 0, 0]), payload.subarray(8 + 4 + 128)]);
  const [b] = depacketizer.push({ ...packet, sequenceNumber: (packet.sequenceNumber + 1) & 0xffff, timestamp: 1, payload: noTables });
  assert.deepEqual(b?.image, a?.image);
  // Without earlier tables such a packet is malformed.
  const fresh = new JpegDepacketizer();
  assert.deepEqual(fresh.push({ ...packet, payload: noTables }), []);
  assert.equal(fresh.stats.malformedPackets, 1);
});

test('a lost fragment discards the frame; the next frame is rebuilt', () => {
  const image = fixture('jpeg_640x360_420.jpg');
  const packets = send([image, image]);
  const perFrame = packets.length / 2;
  const depacketizer = new JpegDepacketizer();
  const frames = packets.filter((_, i) => i !== 3).flatMap((p) => depacketizer.push(p));
  assert.equal(frames.length, 1);
  assert.equal(frames[0]?.timestamp, packets[perFrame]?.timestamp);
  assert.equal(depacketizer.stats.discardedUnits, 1);
  // Fragments out of offset order (a reordering jitter buffer bug) also discard the frame.
  const reordered = new JpegDepacketizer();
  const swapped = [packets[0]!, { ...packets[2]!, sequenceNumber: packets[1]!.sequenceNumber }];
  assert.deepEqual(swapped.flatMap((p) => reordered.push(p)), []);
  assert.equal(reordered.stats.discardedUnits, 1);
});

test('fuzz: the depacketizer never throws on arbitrary packets', () => {
  const header = fc
    .tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom(0, 1, 64, 65, 2, 200), fc.constantFrom(255, 50, 0, 128), fc.integer({ min: 0, max: 3 }))
    .map(([offset, type, q, size]) => Uint8Array.of(0, 0, 0, offset * 10, type, q, size, size));
  const payload = fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    fc.tuple(header, fc.uint8Array({ maxLength: 300 })).map(([h, rest]) => Uint8Array.of(...h, ...rest)),
  );
  fc.assert(
    fc.property(arbitraryStream(payload), (packets) => {
      const depacketizer = new JpegDepacketizer();
      for (const packet of packets) {
        for (const frame of depacketizer.push(packet)) assert.equal(frame.image[0], 0xff);
      }
    }),
    { numRuns: 500 },
  );
});

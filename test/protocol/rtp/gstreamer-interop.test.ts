// Interop with an independent implementation: GStreamer's RTP payloaders and depayloaders, fed
// and read through RFC 4571 framed files (rtpstreampay / rtpstreamdepay), so no sockets or timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitAnnexB } from '../../../src/protocol/codec/annexb.js';
import { adtsToAsc, ascHex, parseAdts } from '../../../src/protocol/codec/aac.js';
import { AccessUnitAssembler as H264Assembler } from '../../../src/protocol/codec/h264.js';
import { AccessUnitAssembler as H265Assembler } from '../../../src/protocol/codec/h265.js';
import { AacDepacketizer, AacPacketizer } from '../../../src/protocol/rtp/aac.js';
import { H264Depacketizer, H264Packetizer } from '../../../src/protocol/rtp/h264.js';
import { H265Depacketizer, H265Packetizer } from '../../../src/protocol/rtp/h265.js';
import { JpegDepacketizer, JpegPacketizer } from '../../../src/protocol/rtp/jpeg.js';
import { parseRtp, serializeRtp, type RtpPacket } from '../../../src/protocol/rtp/packet.js';
import type { RtpPacketParts } from '../../../src/protocol/rtp/packet-parts.js';
import { RtpSequencer } from '../../../src/protocol/rtp/sequencer.js';

const FIXTURES = new URL('../../fixtures/rtp/', import.meta.url).pathname;
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

function run(command: string, args: string[]): Buffer {
  const result = spawnSync(command, args, { maxBuffer: 64 * 1024 * 1024 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    assert.fail(`${command} is missing: install GStreamer (gstreamer1.0-tools, -plugins-good, -plugins-bad) and ffmpeg`);
  }
  assert.equal(result.status, 0, `${command} ${args.join(' ')}\n${result.stderr.toString()}`);
  return result.stdout;
}

/** Runs a gst-launch pipeline with `input` written to IN and returns what it wrote to OUT. */
function gst(pipeline: string, input: Uint8Array): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-gst-'));
  try {
    writeFileSync(join(dir, 'in'), input);
    const tokens = pipeline.replace('IN', join(dir, 'in')).replace('OUT', join(dir, 'out')).split(' ');
    run('gst-launch-1.0', ['-q', ...tokens]);
    return readFileSync(join(dir, 'out'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Decodes a JPEG with ffmpeg to RGB pixels. */
function pixels(jpeg: Uint8Array): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-gst-'));
  try {
    writeFileSync(join(dir, 'x.jpg'), jpeg);
    return run('ffmpeg', ['-hide_banner', '-v', 'error', '-i', join(dir, 'x.jpg'), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** RFC 4571: each packet preceded by its 16-bit length. */
function frame4571(parts: RtpPacketParts[], sequencer: RtpSequencer): Buffer {
  return Buffer.concat(
    parts.flatMap((part) => {
      const packet = serializeRtp({ ...sequencer.next(part), payload: part.payload });
      const length = Buffer.alloc(2);
      length.writeUInt16BE(packet.length);
      return [length, packet];
    }),
  );
}

function unframe4571(stream: Buffer): RtpPacket[] {
  const packets: RtpPacket[] = [];
  for (let at = 0; at + 2 <= stream.length; ) {
    const length = stream.readUInt16BE(at);
    packets.push(parseRtp(stream.subarray(at + 2, at + 2 + length)));
    at += 2 + length;
  }
  return packets;
}

const hexList = (nals: readonly Uint8Array[]): string[] => nals.map((n) => Buffer.from(n).toString('hex'));

const VIDEO = [
  {
    codec: 'H264',
    file: 'h264_320x240_10fps.h264',
    units: (bytes: Buffer) => {
      const assembler = new H264Assembler();
      return [...splitAnnexB(bytes).flatMap((n) => assembler.push(n)), ...assembler.flush()].map((u) => u.nals);
    },
    packetizer: () => new H264Packetizer(),
    depacketizer: () => new H264Depacketizer(),
    gstPay: 'h264parse ! video/x-h264,stream-format=byte-stream,alignment=au ! rtph264pay mtu=1412 pt=96 aggregate-mode=zero-latency',
    gstDepay: 'rtph264depay ! video/x-h264,stream-format=byte-stream,alignment=au',
    /** h264parse inserts access unit delimiters the fixture does not have. */
    addedByGst: (nal: Uint8Array) => ((nal[0] ?? 0) & 0x1f) === 9,
  },
  {
    codec: 'H265',
    file: 'h265_320x240_10fps.hevc',
    units: (bytes: Buffer) => {
      const assembler = new H265Assembler();
      return [...splitAnnexB(bytes).flatMap((n) => assembler.push(n)), ...assembler.flush()].map((u) => u.nals);
    },
    packetizer: () => new H265Packetizer(),
    depacketizer: () => new H265Depacketizer(),
    gstPay: 'h265parse ! video/x-h265,stream-format=byte-stream,alignment=au ! rtph265pay mtu=1412 pt=96 aggregate-mode=zero-latency',
    gstDepay: 'rtph265depay ! video/x-h265,stream-format=byte-stream,alignment=au',
    addedByGst: (_nal: Uint8Array) => false,
  },
] as const;

for (const video of VIDEO) {
  test(`${video.codec}: GStreamer depayloads our packets to the original NAL units`, () => {
    const original = fixture(video.file);
    const sequencer = new RtpSequencer({ payloadType: 96 });
    const packetizer = video.packetizer();
    const stream = Buffer.concat(video.units(original).map((nals, i) => frame4571(packetizer.packetize(nals, i * 9000), sequencer)));
    const caps = `application/x-rtp-stream,media=video,clock-rate=90000,encoding-name=${video.codec},payload=96`;
    const out = gst(`filesrc location=IN ! ${caps} ! rtpstreamdepay ! ${video.gstDepay} ! filesink location=OUT`, stream);
    assert.deepEqual(hexList(splitAnnexB(out)), hexList(splitAnnexB(original)));
  });

  test(`${video.codec}: we depacketize GStreamer's packets to the original access units`, () => {
    const original = fixture(video.file);
    const stream = gst(`filesrc location=IN ! ${video.gstPay} ! rtpstreampay ! filesink location=OUT`, original);
    const depacketizer = video.depacketizer();
    const units = [...unframe4571(stream).flatMap((p) => depacketizer.push(p)), ...depacketizer.flush()];
    assert.ok(units.every((u) => !u.damaged));
    assert.deepEqual(
      units.map((u) => hexList(u.nalUnits.filter((nal) => !video.addedByGst(nal)))),
      video.units(original).map(hexList),
    );
    assert.equal(depacketizer.stats.malformedPackets, 0);
  });
}

test('JPEG: GStreamer rebuilds our RTP/JPEG frame into an image with the original pixels', () => {
  const original = fixture('jpeg_160x120_420_dri.jpg');
  const stream = frame4571(new JpegPacketizer().packetize(original, 0), new RtpSequencer({ payloadType: 26 }));
  const caps = 'application/x-rtp-stream,media=video,clock-rate=90000,encoding-name=JPEG,payload=26';
  const out = gst(`filesrc location=IN ! ${caps} ! rtpstreamdepay ! rtpjpegdepay ! filesink location=OUT`, stream);
  assert.deepEqual(pixels(out), pixels(original));
});

test('JPEG: we rebuild GStreamer RTP/JPEG into an image with the original pixels', () => {
  for (const name of ['jpeg_640x360_420.jpg', 'jpeg_320x240_422_dri.jpg']) {
    const original = fixture(name);
    const stream = gst('filesrc location=IN ! jpegparse ! rtpjpegpay mtu=1412 ! rtpstreampay ! filesink location=OUT', original);
    const depacketizer = new JpegDepacketizer();
    const frames = unframe4571(stream).flatMap((p) => depacketizer.push(p));
    assert.equal(frames.length, 1, name);
    assert.deepEqual(pixels(frames[0]!.image), pixels(original), name);
  }
});

test('AAC-hbr: GStreamer depayloads our frames, and we depayload GStreamer', () => {
  const adts = parseAdts(fixture('aac_48000_stereo.adts')).frames;
  const frames = adts.map((f) => f.payload);
  const config = ascHex(adtsToAsc(adts[0]!.header));
  // Ours → GStreamer: aggregated and (with a small limit) fragmented frames.
  for (const maxPayloadSize of [1400, 200]) {
    const stream = frame4571(new AacPacketizer({ maxPayloadSize }).packetize(frames, 0), new RtpSequencer({ payloadType: 97 }));
    const caps =
      'application/x-rtp-stream,media=audio,clock-rate=48000,encoding-name=MPEG4-GENERIC,payload=97,' +
      `mode=AAC-hbr,sizelength=13,indexlength=3,indexdeltalength=3,streamtype=5,config=${config}`;
    const out = gst(`filesrc location=IN ! ${caps} ! rtpstreamdepay ! rtpmp4gdepay ! filesink location=OUT`, stream);
    assert.deepEqual(out, Buffer.concat(frames), `maxPayloadSize ${maxPayloadSize}`);
  }
  // GStreamer → ours.
  const stream = gst('filesrc location=IN ! aacparse ! rtpmp4gpay mtu=1412 ! rtpstreampay ! filesink location=OUT', fixture('aac_48000_stereo.adts'));
  const depacketizer = new AacDepacketizer();
  const units = unframe4571(stream).flatMap((p) => depacketizer.push(p));
  assert.deepEqual(units.map((u) => Buffer.from(u.data).toString('hex')), frames.map((f) => Buffer.from(f).toString('hex')));
});

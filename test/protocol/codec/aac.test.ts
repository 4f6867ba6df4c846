import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AAC_SAMPLING_FREQUENCIES,
  adtsToAsc,
  ascHex,
  buildAdtsHeader,
  parseAdts,
  parseAdtsHeader,
  parseAsc,
  serializeAsc,
  type AudioSpecificConfig,
} from '../../../src/protocol/codec/aac.js';
import { BitWriter } from '../../../src/protocol/codec/bitreader.js';
import { isParseError } from '../../../src/protocol/codec/errors.js';
import { fixture, fromHex, hex, parsesOrParseError } from './_helpers.js';

const text = (name: string) => new TextDecoder().decode(fixture(name));

/**
 * ffprobe: codec aac, profile LC, sample_rate, channels, nb_read_packets. The config= values are
 * what ffmpeg's RTP muxer wrote for the same streams (sdp_h264_aac.sdp, *.config; see make.sh).
 */
const VECTORS = [
  { file: 'aac_48000_stereo.adts', rate: 48000, index: 3, channels: 2, frames: 6,
    config: /config=([0-9a-fA-F]+)/.exec(text('sdp_h264_aac.sdp'))?.[1] },
  { file: 'aac_44100_mono.adts', rate: 44100, index: 4, channels: 1, frames: 6, config: text('aac_44100_mono.config').trim().slice(7) },
  { file: 'aac_8000_mono.adts', rate: 8000, index: 11, channels: 1, frames: 2, config: text('aac_8000_mono.config').trim().slice(7) },
];

describe('ADTS on ffmpeg output', () => {
  for (const v of VECTORS) {
    it(`${v.file}: ${v.frames} AAC-LC frames at ${v.rate} Hz, ${v.channels} ch, config=${v.config}`, () => {
      const buf = fixture(v.file);
      const { frames, consumed, needMore } = parseAdts(buf);
      assert.equal(frames.length, v.frames);
      assert.deepEqual([consumed, needMore], [buf.length, 0]);
      for (const f of frames) {
        assert.deepEqual(
          [f.header.mpegVersion, f.header.objectType, f.header.samplingFrequency, f.header.samplingFrequencyIndex,
            f.header.channelConfiguration, f.header.rawDataBlocks, f.header.headerLength],
          [4, 2, v.rate, v.index, v.channels, 1, 7],
        );
        assert.equal(f.payload.length, f.header.frameLength - 7);
        assert.equal(f.payload.buffer, buf.buffer, 'payload is a view on the input');
        // ffmpeg writes the same header buildAdtsHeader does (MPEG-4 ID, VBR fullness 0x7FF).
        assert.equal(hex(buildAdtsHeader(adtsToAsc(f.header), f.payload.length)), hex(buf.subarray(f.offset, f.offset + 7)));
      }
      const asc = adtsToAsc(frames[0]!.header);
      assert.equal(ascHex(asc), v.config?.toLowerCase());
      assert.deepEqual(parseAsc(fromHex(v.config ?? '')), asc);
    });
  }

  it('returns complete frames and how much more is needed at every cut point', () => {
    const buf = fixture('aac_44100_mono.adts');
    const all = parseAdts(buf).frames;
    for (let cut = 0; cut <= buf.length; cut++) {
      const first = parseAdts(buf.subarray(0, cut));
      assert.ok(first.consumed <= cut);
      // needMore is 0 exactly when nothing is left over after the complete frames.
      assert.equal(first.needMore === 0, first.consumed === cut, `cut ${cut}`);
      const next = all[first.frames.length];
      if (next && cut - first.consumed >= 7) assert.equal(first.needMore, next.offset + next.header.frameLength - cut);
      if (cut > first.consumed && cut - first.consumed < 7) assert.equal(first.needMore, 7 - (cut - first.consumed));
      const rest = parseAdts(buf.subarray(first.consumed));
      assert.equal(first.frames.length + rest.frames.length, all.length);
    }
  });

  it('reads the 9-byte header of CRC-protected frames and MPEG-2 IDs', () => {
    const w = new BitWriter().writeBits(0xfff, 12).writeBit(1).writeBits(0, 2).writeBit(0); // MPEG-2, CRC present
    w.writeBits(1, 2).writeBits(8, 4).writeBit(0).writeBits(6, 3).writeBits(0, 4).writeBits(12, 13).writeBits(0x123, 11).writeBits(1, 2);
    const frame = new Uint8Array(12);
    frame.set(w.toBytes());
    frame.set([0xab, 0xcd, 1, 2, 3], 7);
    const [f] = parseAdts(frame).frames;
    assert.deepEqual(
      [f?.header.mpegVersion, f?.header.objectType, f?.header.samplingFrequency, f?.header.channelConfiguration,
        f?.header.bufferFullness, f?.header.rawDataBlocks, f?.header.headerLength, hex(f?.payload ?? new Uint8Array())],
      [2, 2, 16000, 6, 0x123, 2, 9, '010203'],
    );
  });

  it('rejects a missing syncword, layer != 0, reserved frequencies and short frame lengths', () => {
    const good = fixture('aac_8000_mono.adts').subarray(0, 7);
    const bad = (edit: (b: Uint8Array) => void) => {
      const copy = Uint8Array.from(good);
      edit(copy);
      return copy;
    };
    for (const [what, buf] of [
      ['sync', bad((b) => (b[1] = 0x01))],
      ['layer', bad((b) => (b[1] = (b[1] as number) | 0x02))],
      ['frequency', bad((b) => (b[2] = ((b[2] as number) & 0xc3) | (13 << 2)))],
      ['length', bad((b) => ((b[3] = (b[3] as number) & 0xfc), (b[4] = 0), (b[5] = (b[5] as number) & 0x1f)))],
    ] as const) {
      assert.throws(() => parseAdts(buf), (e: unknown) => isParseError(e, 'INVALID'), what);
    }
    assert.equal(parseAdtsHeader(good.subarray(0, 6)), null);
  });

  it('fuzz: arbitrary bytes give consistent frames or a ParseError', () => {
    const seed = fixture('aac_48000_stereo.adts');
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }).map((tail) => Uint8Array.from([0xff, 0xf1, ...tail])),
          fc.tuple(fc.nat(seed.length), fc.nat(255)).map(([at, v]) => { const c = Uint8Array.from(seed); c[at] = v; return c; })),
        (buf) => {
          const result = parsesOrParseError(() => parseAdts(buf));
          if ('code' in result) return;
          let end = 0;
          for (const f of result.frames) {
            assert.equal(f.offset, end);
            end += f.header.frameLength;
          }
          assert.equal(result.consumed, end);
          assert.ok(end <= buf.length);
        },
      ),
    );
  });
});

describe('AudioSpecificConfig', () => {
  it('parses and writes explicit SBR signalling (HE-AAC 22.05 kHz core, 44.1 kHz output)', () => {
    const asc = parseAsc(fromHex('2b920800'));
    assert.deepEqual(asc, {
      objectType: 2, samplingFrequency: 22050, channelConfiguration: 2, frameLength: 1024,
      extension: { objectType: 5, samplingFrequency: 44100 },
    });
    assert.equal(hex(serializeAsc(asc)), '2b920800');
  });

  it('detects backward-compatible SBR/PS signalling after the GASpecificConfig', () => {
    const w = new BitWriter().writeBits(2, 5).writeBits(6, 4).writeBits(1, 4).writeBits(0, 3); // LC 24 kHz mono
    w.writeBits(0x2b7, 11).writeBits(5, 5).writeBit(1).writeBits(3, 4); // SBR at 48 kHz
    assert.deepEqual(parseAsc(w.toBytes()).extension, { objectType: 5, samplingFrequency: 48000 });
    w.writeBits(0x548, 11).writeBit(1); // and PS
    assert.deepEqual(parseAsc(w.toBytes()).extension, { objectType: 29, samplingFrequency: 48000 });
  });

  it('handles the object type escape and explicit 24-bit frequencies', () => {
    const w = new BitWriter().writeBits(31, 5).writeBits(42 - 32, 6).writeBits(15, 4).writeBits(22000, 24).writeBits(2, 4);
    assert.deepEqual(parseAsc(w.toBytes()), { objectType: 42, samplingFrequency: 22000, channelConfiguration: 2 });
    const lc = { objectType: 2, samplingFrequency: 22000, channelConfiguration: 1, frameLength: 960 as const };
    assert.deepEqual(parseAsc(serializeAsc(lc)), lc);
    assert.equal(serializeAsc(lc).length, 5); // 5+4+24+4+3 bits
  });

  it('rejects reserved values and refuses to write what it cannot write completely', () => {
    assert.throws(() => parseAsc(fromHex('0000')), (e: unknown) => isParseError(e, 'INVALID')); // object type 0
    assert.throws(() => parseAsc(fromHex('16 90')), (e: unknown) => isParseError(e, 'INVALID')); // index 13
    assert.throws(() => parseAsc(fromHex('17 80 00 00 00')), (e: unknown) => isParseError(e, 'INVALID')); // explicit 0 Hz
    assert.throws(() => parseAsc(fromHex('11')), (e: unknown) => isParseError(e, 'TRUNCATED'));
    assert.throws(() => serializeAsc({ objectType: 42, samplingFrequency: 48000, channelConfiguration: 2 }), RangeError);
    assert.throws(() => serializeAsc({ objectType: 2, samplingFrequency: 48000, channelConfiguration: 0 }), RangeError);
    assert.throws(() => buildAdtsHeader({ objectType: 2, samplingFrequency: 22000, channelConfiguration: 1 }, 10), RangeError);
  });

  it('round-trips every writable config: parseAsc(serializeAsc(c)) equals c', () => {
    const frequency = fc.oneof(fc.constantFrom(...AAC_SAMPLING_FREQUENCIES), fc.integer({ min: 1, max: 2 ** 24 - 1 }));
    const config: fc.Arbitrary<AudioSpecificConfig> = fc
      .record({
        objectType: fc.constantFrom(1, 2, 3, 4, 7),
        samplingFrequency: frequency,
        channelConfiguration: fc.integer({ min: 1, max: 15 }),
        frameLength: fc.constantFrom(960 as const, 1024 as const),
        extension: fc.option(fc.record({ objectType: fc.constantFrom(5 as const, 29 as const), samplingFrequency: frequency }), { nil: undefined }),
      })
      .map(({ extension, ...rest }) => (extension === undefined ? { ...rest } : { ...rest, extension: { ...extension } }));
    fc.assert(
      fc.property(config, (c) => {
        const bytes = serializeAsc(c);
        assert.deepEqual(parseAsc(bytes), c);
        assert.equal(ascHex(bytes), ascHex(c));
      }),
    );
  });

  it('fuzz: arbitrary bytes parse or throw ParseError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        parsesOrParseError(() => parseAsc(bytes));
      }),
      { numRuns: 3000 },
    );
  });
});

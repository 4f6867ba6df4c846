import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { splitAnnexB } from '../../../src/protocol/codec/annexb.js';
import { BitWriter, escapeRbsp } from '../../../src/protocol/codec/bitreader.js';
import { isParseError } from '../../../src/protocol/codec/errors.js';
import {
  AccessUnitAssembler,
  H265NalType,
  codecString,
  isIrap,
  isKeyframe,
  nalHeader,
  nalType,
  parseSps,
} from '../../../src/protocol/codec/h265.js';
import { fixture, fromHex, parsesOrParseError } from './_helpers.js';

/**
 * Expected values from ffprobe (profile, level, width, height, coded_width/height, pix_fmt,
 * nb_read_frames, r_frame_rate 25/1) and trace_headers (conf_win_*_offset, sps_max_sub_layers_minus1,
 * vui_time_scale 25 / vui_num_units_in_tick 1); see make.sh probe.
 */
const VECTORS = [
  { file: 'h265_640x360_main.hevc', profile: 1, level: 63, chroma: 1, depth: 8, subLayers: 1,
    coded: [640, 360], window: [0, 0, 0, 0], size: [640, 360], frames: 'KK-', codec: 'hvc1.1.6.L63.90' },
  // Window offsets 3,3 in chroma units of 2x2.
  { file: 'h265_642x362_main.hevc', profile: 1, level: 63, chroma: 1, depth: 8, subLayers: 1,
    coded: [648, 368], window: [0, 6, 0, 6], size: [642, 362], frames: 'K-', codec: 'hvc1.1.6.L63.90' },
  // Format range extensions 4:2:2 10-bit: window offsets right 3 (x2), bottom 6 (x1).
  { file: 'h265_322x242_422p10.hevc', profile: 4, level: 60, chroma: 2, depth: 10, subLayers: 1,
    coded: [328, 248], window: [0, 6, 0, 6], size: [322, 242], frames: 'K-', codec: 'hvc1.4.10.L60.9D.8' },
  // Two temporal sub-layers: profile_tier_level carries sub-layer flags and padding.
  { file: 'h265_320x240_temporal.hevc', profile: 1, level: 60, chroma: 1, depth: 8, subLayers: 2,
    coded: [320, 240], window: [0, 0, 0, 0], size: [320, 240], frames: 'K---', codec: 'hvc1.1.6.L60.90' },
];

function nalsOf(file: string): Uint8Array[] {
  return splitAnnexB(fixture(file));
}

function firstSps(file: string): Uint8Array {
  const sps = nalsOf(file).find((n) => nalType(n) === H265NalType.Sps);
  assert.ok(sps);
  return sps;
}

function assemble(nals: readonly Uint8Array[]) {
  const assembler = new AccessUnitAssembler();
  return [...nals.flatMap((n) => assembler.push(n)), ...assembler.flush()];
}

interface SyntheticOptions {
  subLayers: Array<{ profile: boolean; level: boolean }>;
  chroma: number;
  separatePlanes?: boolean;
  width: number;
  height: number;
  window?: [number, number, number, number];
  tier?: boolean;
}

/**
 * An SPS that walks the syntax the x265 fixtures leave out (sub-layer profile/level, scaling lists,
 * PCM, predicted RPSs, long-term pictures, full VUI) ending with VUI timing 1001/30000. ffmpeg's
 * trace_headers filter decodes the same field values from it, up to vui_time_scale = 30000.
 */
function buildSps(o: SyntheticOptions): Uint8Array {
  const w = new BitWriter().writeBits(0x4201, 16).writeBits(0, 4).writeBits(o.subLayers.length, 3).writeBit(1);
  w.writeBits(0, 2).writeBit(o.tier ?? false).writeBits(2, 5).writeBits(0x20000000, 32);
  w.writeBits(0xb0, 8).writeBits(0, 32).writeBits(0, 8).writeBits(150, 8);
  for (const s of o.subLayers) w.writeBit(s.profile).writeBit(s.level);
  if (o.subLayers.length > 0) w.writeBits(0, 2 * (8 - o.subLayers.length));
  for (const s of o.subLayers) {
    // sub_layer profile space 0, tier 0, Main, compatibility Main|Main10, progressive, 43 zero bits; level 3.1
    if (s.profile) w.writeBits(1, 8).writeBits(0x60000000, 32).writeBits(0x8, 4).writeBits(0, 32).writeBits(0, 12);
    if (s.level) w.writeBits(93, 8);
  }
  w.writeUE(0).writeUE(o.chroma);
  if (o.chroma === 3) w.writeBit(o.separatePlanes ?? false);
  w.writeUE(o.width).writeUE(o.height).writeBit(o.window !== undefined);
  if (o.window) for (const v of o.window) w.writeUE(v);
  w.writeUE(0).writeUE(0).writeUE(4); // bit depths 8, log2_max_pic_order_cnt_lsb 8
  w.writeBit(1);
  for (let i = 0; i <= o.subLayers.length; i++) w.writeUE(4).writeUE(2).writeUE(0);
  for (const v of [0, 3, 0, 3, 1, 1]) w.writeUE(v);
  w.writeBit(1).writeBit(1); // scaling_list_enabled_flag, sps_scaling_list_data_present_flag
  for (let sizeId = 0; sizeId < 4; sizeId++) {
    for (let matrixId = 0; matrixId < 6; matrixId += sizeId === 3 ? 3 : 1) {
      const explicit = (sizeId + matrixId) % 2 === 0;
      w.writeBit(explicit);
      if (!explicit) {
        w.writeUE(0);
        continue;
      }
      if (sizeId > 1) w.writeSE(8);
      for (let i = 0; i < Math.min(64, 1 << (4 + (sizeId << 1))); i++) w.writeSE(i % 3 - 1);
    }
  }
  w.writeBit(1).writeBit(1).writeBit(1).writeBits(0x77, 8).writeUE(0).writeUE(1).writeBit(0); // amp, sao, pcm
  // Short-term RPSs: set 0 explicit, POC deltas {-1, -3 | +3}. Set 1 predicted with deltaRps +1 from
  // 4 flag pairs (used, use_delta): -1+1 = 0 drops out, -3+1 = -2 kept, +3+1 skipped, +1 kept, so
  // set 1 is {-2 | +1} and set 2, predicted from it, sends 2 + 1 flag pairs.
  w.writeUE(3);
  w.writeUE(2).writeUE(1);
  for (let i = 0; i < 3; i++) w.writeUE(i).writeBit(1);
  w.writeBit(1).writeBit(0).writeUE(0).writeBit(1).writeBit(0).writeBit(1).writeBit(0).writeBit(0).writeBit(1);
  w.writeBit(1).writeBit(1).writeUE(1);
  for (let j = 0; j <= 2; j++) w.writeBit(1);
  w.writeBit(1).writeUE(2).writeBits(0x1ff, 9).writeBits(0x1ff, 9); // two long-term pictures
  w.writeBit(1).writeBit(1).writeBit(1); // temporal MVP, strong intra smoothing, VUI present
  w.writeBit(1).writeBits(255, 8).writeBits(16, 16).writeBits(11, 16); // EXTENDED_SAR
  w.writeBit(0).writeBit(1).writeBits(5, 3).writeBit(0).writeBit(1).writeBits(0x010101, 24);
  w.writeBit(1).writeUE(1).writeUE(1).writeBits(0, 3).writeBit(1).writeUE(1).writeUE(2).writeUE(3).writeUE(4);
  w.writeBit(1).writeBits(1001, 32).writeBits(30000, 32).writeBit(0).writeBit(0); // no POC proportionality, no HRD
  w.writeBit(0).writeBit(0); // bitstream_restriction_flag, sps_extension_present_flag
  return escapeRbsp(w.writeTrailingBits().toBytes());
}

describe('H.265 NAL header', () => {
  it('decodes type, layer and temporal id, and classifies IRAP', () => {
    assert.deepEqual(nalHeader(fromHex('40 01')), { type: 32, layerId: 0, temporalId: 0 });
    assert.deepEqual(nalHeader(fromHex('04 0b')), { type: 2, layerId: 1, temporalId: 2 });
    assert.throws(() => nalHeader(fromHex('40')), (e: unknown) => isParseError(e, 'TRUNCATED'));
    assert.throws(() => nalHeader(fromHex('40 00')), (e: unknown) => isParseError(e, 'INVALID'));
    assert.deepEqual([15, 16, 19, 21, 23, 24].map(isIrap), [false, true, true, true, true, false]);
    assert.ok(isKeyframe([fromHex('46 01'), fromHex('2a 01 af')])); // AUD, CRA
    assert.ok(!isKeyframe([fromHex('02 01 d0')]));
  });

  it('finds higher temporal sub-layer NAL units in the temporal fixture', () => {
    const ids = nalsOf('h265_320x240_temporal.hevc').map((n) => nalHeader(n).temporalId);
    assert.ok(ids.includes(1) && ids.includes(0));
  });
});

describe('H.265 parseSps on x265 streams', () => {
  for (const v of VECTORS) {
    it(`${v.file}: ${v.size.join('x')} profile ${v.profile} level ${v.level}`, () => {
      const sps = parseSps(firstSps(v.file));
      assert.equal(sps.generalProfileIdc, v.profile);
      assert.equal(sps.generalTierFlag, false);
      assert.equal(sps.generalLevelIdc, v.level);
      assert.equal(sps.chromaFormatIdc, v.chroma);
      assert.equal(sps.bitDepthLuma, v.depth);
      assert.equal(sps.maxSubLayers, v.subLayers);
      assert.deepEqual([sps.codedWidth, sps.codedHeight], v.coded);
      const win = sps.conformanceWindow;
      assert.deepEqual([win.left, win.right, win.top, win.bottom], v.window);
      assert.deepEqual([sps.width, sps.height], v.size);
      assert.deepEqual(sps.timing, { numUnitsInTick: 1, timeScale: 25 });
      assert.equal(sps.fps, 25);
      assert.equal(codecString(sps), v.codec);
    });

    it(`${v.file}: access units match ffprobe's frame count and IRAP pictures`, () => {
      const nals = nalsOf(v.file);
      const units = assemble(nals);
      assert.equal(units.map((u) => (u.keyframe ? 'K' : '-')).join(''), v.frames);
      assert.deepEqual(units.flatMap((u) => u.nals), nals);
    });
  }

  it('starts access units at AUDs (the 640x360 fixture has them)', () => {
    assert.deepEqual(assemble(nalsOf('h265_640x360_main.hevc')).map((u) => nalType(u.nals[0] as Uint8Array)), [35, 35, 35]);
  });
});

describe('H.265 parseSps on constructed parameter sets', () => {
  it('skips sub-layer profile/level info for every presence combination and reaches VUI timing', () => {
    const combos = [[], [{ profile: true, level: true }], [{ profile: false, level: true }, { profile: true, level: false }],
      Array.from({ length: 6 }, (_, i) => ({ profile: i % 2 === 0, level: i % 3 === 0 }))];
    for (const subLayers of combos) {
      const sps = parseSps(buildSps({ subLayers, chroma: 1, width: 1920, height: 1080, tier: true }));
      assert.equal(sps.maxSubLayers, subLayers.length + 1);
      assert.deepEqual([sps.generalProfileIdc, sps.generalTierFlag, sps.generalLevelIdc], [2, true, 150]);
      assert.deepEqual([sps.width, sps.height], [1920, 1080]);
      assert.equal(sps.fps, 30000 / 1001, `fps with ${subLayers.length} sub-layers`);
      assert.equal(codecString(sps, 'hev1'), 'hev1.2.4.H150.B0');
    }
  });

  it('applies window units per chroma format (4:4:4 and separate planes use 1)', () => {
    const sizes = [
      [0, [1, 1, 2, 2], [62, 60]],
      [1, [1, 1, 2, 2], [60, 56]],
      [2, [1, 1, 2, 2], [60, 60]],
      [3, [1, 1, 2, 2], [62, 60]],
    ] as const;
    for (const [chroma, window, size] of sizes) {
      const sps = parseSps(buildSps({ subLayers: [], chroma, width: 64, height: 64, window: [...window] }));
      assert.deepEqual([sps.width, sps.height], size, `chroma_format_idc ${chroma}`);
    }
    const planes = parseSps(buildSps({ subLayers: [], chroma: 3, separatePlanes: true, width: 64, height: 64, window: [4, 4, 4, 4] }));
    assert.deepEqual([planes.separateColourPlane, planes.width, planes.height], [true, 56, 56]);
  });

  it('rejects empty pictures, too many sub-layers, non-SPS and enhancement-layer SPSs', () => {
    assert.throws(() => parseSps(buildSps({ subLayers: [], chroma: 1, width: 16, height: 16, window: [4, 4, 0, 0] })),
      (e: unknown) => isParseError(e, 'INVALID'));
    assert.throws(() => parseSps(buildSps({ subLayers: [], chroma: 1, width: 0, height: 16 })), (e: unknown) => isParseError(e, 'INVALID'));
    assert.throws(() => parseSps(fromHex('42 01 0e 01')), (e: unknown) => isParseError(e, 'INVALID')); // max_sub_layers_minus1 = 7
    assert.throws(() => parseSps(fromHex('44 01 c0 f2')), (e: unknown) => isParseError(e, 'INVALID')); // a PPS
    assert.throws(() => parseSps(fromHex('42 09 01 01')), (e: unknown) => isParseError(e, 'UNSUPPORTED'));
  });

  it('throws TRUNCATED for prefixes cut before the bit depths and keeps the size after that', () => {
    const sps = firstSps('h265_322x242_422p10.hevc');
    for (let len = 0; len < sps.length; len++) {
      const result = parsesOrParseError(() => parseSps(sps.subarray(0, len)));
      if ('code' in result) assert.equal(result.code, 'TRUNCATED', `prefix ${len}`);
      else assert.deepEqual([result.width, result.height], [322, 242]);
    }
  });
});

describe('H.265 AccessUnitAssembler rules', () => {
  it('splits on VPS/SPS/PPS/prefix SEI after a slice, keeps suffix SEI and EOS, ignores other layers', () => {
    const first = fromHex('02 01 80'); // TRAIL_R, first_slice_segment_in_pic_flag 1
    const next = fromHex('02 01 40');
    const suffixSei = fromHex('50 01 01');
    const eos = fromHex('48 01');
    const layer1 = fromHex('02 09 80'); // same type in nuh_layer_id 1
    const units = assemble([fromHex('40 01'), fromHex('28 01 80'), next, suffixSei, fromHex('4e 01 05'), first, layer1, eos, first]);
    assert.deepEqual(units.map((u) => u.nals.map(nalType).join(',')), ['32,20,1,40', '39,1,1,36', '1']);
    assert.deepEqual(units.map((u) => u.keyframe), [true, false, false]);
  });

  it('is bounded by maxNals and drops NAL units shorter than the header', () => {
    const assembler = new AccessUnitAssembler({ maxNals: 2 });
    assert.deepEqual(assembler.push(fromHex('02')), []);
    assembler.push(fromHex('02 01 80'));
    assembler.push(fromHex('02 01 00'));
    assert.throws(() => assembler.push(fromHex('02 01 00')), (e: unknown) => isParseError(e, 'TOO_LARGE'));
  });

  it('fuzz: every NAL unit of two bytes or more comes out once, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 2, maxLength: 5 }), { maxLength: 40 }), (nals) => {
        assert.deepEqual(assemble(nals).flatMap((u) => u.nals), nals);
      }),
    );
  });
});

describe('H.265 parseSps fuzz', () => {
  it('arbitrary bytes after an SPS header: parsed or ParseError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (body) => {
        const nal = new Uint8Array(body.length + 2);
        nal.set([0x42, 0x01]);
        nal.set(body, 2);
        parsesOrParseError(() => parseSps(nal));
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated real and constructed SPSs: parsed or ParseError with a positive size', () => {
    const seeds = [...VECTORS.map((v) => firstSps(v.file)), buildSps({ subLayers: [{ profile: true, level: true }], chroma: 2, width: 99, height: 77 })];
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), (sps, edits) => {
        const nal = Uint8Array.from(sps);
        for (const [at, value] of edits) nal[2 + (at % (nal.length - 2))] = value;
        const result = parsesOrParseError(() => parseSps(nal));
        if (!('code' in result)) assert.ok(result.width > 0 && result.height > 0);
      }),
      { numRuns: 2000 },
    );
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { splitAnnexB } from '../../../src/protocol/codec/annexb.js';
import { BitWriter, escapeRbsp } from '../../../src/protocol/codec/bitreader.js';
import { isParseError } from '../../../src/protocol/codec/errors.js';
import {
  AccessUnitAssembler,
  H264NalType,
  codecString,
  isKeyframe,
  nalType,
  parseSps,
  profileLevelId,
} from '../../../src/protocol/codec/h264.js';
import { fixture, fromHex, hex, parsesOrParseError } from './_helpers.js';

/**
 * Expected values read from the fixtures with ffprobe (profile, level, width, height, pix_fmt,
 * r_frame_rate=25/1, nb_read_frames) and ffmpeg's trace_headers bitstream filter (coded size from
 * pic_width_in_mbs_minus1 / pic_height_in_map_units_minus1, frame_crop_*_offset), see make.sh probe.
 */
const VECTORS = [
  // Constrained Baseline (constraint_set0+1), level 4.0; 1080 is coded as 1088, crop_bottom 4 (x2).
  { file: 'h264_1920x1080_baseline.h264', profileIdc: 66, constraintFlags: 0xc0, levelIdc: 40, chroma: 1, depth: 8,
    coded: [1920, 1088], crop: [0, 0, 0, 8], size: [1920, 1080], frameMbsOnly: true, frames: 'K-', pli: '42c028' },
  // High 4:4:4 Predictive: crop units are single samples (right/bottom offsets 15).
  { file: 'h264_321x241_444.h264', profileIdc: 244, constraintFlags: 0, levelIdc: 13, chroma: 3, depth: 8,
    coded: [336, 256], crop: [0, 15, 0, 15], size: [321, 241], frameMbsOnly: true, frames: 'K-', pli: 'f4000d' },
  // Monochrome (chroma_format_idc 0, ChromaArrayType 0): crop units are single samples too.
  { file: 'h264_321x241_gray.h264', profileIdc: 100, constraintFlags: 0, levelIdc: 13, chroma: 0, depth: 8,
    coded: [336, 256], crop: [0, 15, 0, 15], size: [321, 241], frameMbsOnly: true, frames: 'K-', pli: '64000d' },
  { file: 'h264_640x360_high.h264', profileIdc: 100, constraintFlags: 0, levelIdc: 30, chroma: 1, depth: 8,
    coded: [640, 368], crop: [0, 0, 0, 8], size: [640, 360], frameMbsOnly: true, frames: 'K-K', pli: '64001e' },
  // High 4:2:2 10-bit: crop unit 2 horizontally (offset 7), 1 vertically (offset 6).
  { file: 'h264_642x362_422p10.h264', profileIdc: 122, constraintFlags: 0, levelIdc: 30, chroma: 2, depth: 10,
    coded: [656, 368], crop: [0, 14, 0, 6], size: [642, 362], frameMbsOnly: true, frames: 'K-', pli: '7a001e' },
  { file: 'h264_320x240_slices.h264', profileIdc: 100, constraintFlags: 0, levelIdc: 13, chroma: 1, depth: 8,
    coded: [320, 240], crop: [0, 0, 0, 0], size: [320, 240], frameMbsOnly: true, frames: 'K-K', pli: '64000d' },
  // MBAFF interlaced: 17 map units of 32 rows; crop unit 2 x 2 = 4 rows (offset 1).
  { file: 'h264_720x540_interlaced.h264', profileIdc: 100, constraintFlags: 0, levelIdc: 30, chroma: 1, depth: 8,
    coded: [720, 544], crop: [0, 0, 0, 4], size: [720, 540], frameMbsOnly: false, frames: 'K-', pli: '64001e' },
];

function nalsOf(file: string): Uint8Array[] {
  return splitAnnexB(fixture(file));
}

function firstSps(file: string): Uint8Array {
  const sps = nalsOf(file).find((n) => nalType(n) === H264NalType.Sps);
  assert.ok(sps);
  return sps;
}

function assemble(nals: readonly Uint8Array[]) {
  const assembler = new AccessUnitAssembler();
  return [...nals.flatMap((n) => assembler.push(n)), ...assembler.flush()];
}

/** A minimal SPS written field by field, for paths the fixtures do not take. */
function buildSps(opts: {
  profileIdc: number; chroma?: number; separatePlanes?: boolean; scaling?: boolean; pocType?: number;
  widthMbs: number; heightMapUnits: number; frameMbsOnly?: boolean; crop?: [number, number, number, number];
  vui?: (w: BitWriter) => void;
}): Uint8Array {
  const w = new BitWriter().writeBits(0x67, 8).writeBits(opts.profileIdc, 8).writeBits(0, 8).writeBits(31, 8).writeUE(0);
  if ([100, 110, 122, 244].includes(opts.profileIdc)) {
    w.writeUE(opts.chroma ?? 1);
    if (opts.chroma === 3) w.writeBit(opts.separatePlanes ?? false);
    w.writeUE(0).writeUE(0).writeBit(0).writeBit(opts.scaling ?? false);
    if (opts.scaling) {
      for (let i = 0; i < (opts.chroma === 3 ? 12 : 8); i++) {
        w.writeBit(i % 2 === 0);
        // Scales 9, 10, then delta -10 makes nextScale 0: the remaining entries repeat 10, no more deltas.
        if (i % 2 === 0) w.writeSE(1).writeSE(1).writeSE(-10);
      }
    }
  }
  w.writeUE(0).writeUE(opts.pocType ?? 0);
  if ((opts.pocType ?? 0) === 0) w.writeUE(2);
  else if (opts.pocType === 1) w.writeBit(0).writeSE(-1).writeSE(2).writeUE(2).writeSE(5).writeSE(-5);
  w.writeUE(1).writeBit(0).writeUE(opts.widthMbs - 1).writeUE(opts.heightMapUnits - 1);
  w.writeBit(opts.frameMbsOnly ?? true);
  if (!(opts.frameMbsOnly ?? true)) w.writeBit(0);
  w.writeBit(1).writeBit(opts.crop !== undefined);
  if (opts.crop) for (const c of opts.crop) w.writeUE(c);
  w.writeBit(opts.vui !== undefined);
  opts.vui?.(w);
  return escapeRbsp(w.writeTrailingBits().toBytes());
}

describe('H.264 NAL helpers', () => {
  it('reads nal_unit_type and detects IDR access units', () => {
    assert.equal(nalType(fromHex('67 42')), H264NalType.Sps);
    assert.equal(nalType(fromHex('65')), H264NalType.Idr);
    assert.throws(() => nalType(new Uint8Array(0)), (e: unknown) => isParseError(e, 'TRUNCATED'));
    assert.ok(isKeyframe([fromHex('09 f0'), fromHex('65 88')]));
    assert.ok(!isKeyframe([fromHex('09 f0'), fromHex('41 9a'), new Uint8Array(0)]));
  });
});

describe('H.264 parseSps on ffmpeg/x264 streams', () => {
  for (const v of VECTORS) {
    it(`${v.file}: ${v.size.join('x')} profile ${v.profileIdc} level ${v.levelIdc}`, () => {
      const sps = parseSps(firstSps(v.file));
      assert.equal(sps.profileIdc, v.profileIdc);
      assert.equal(sps.constraintFlags, v.constraintFlags);
      assert.equal(sps.levelIdc, v.levelIdc);
      assert.equal(sps.chromaFormatIdc, v.chroma);
      assert.equal(sps.bitDepthLuma, v.depth);
      assert.equal(sps.bitDepthChroma, v.depth);
      assert.equal(sps.frameMbsOnly, v.frameMbsOnly);
      assert.deepEqual([sps.codedWidth, sps.codedHeight], v.coded);
      assert.deepEqual([sps.crop.left, sps.crop.right, sps.crop.top, sps.crop.bottom], v.crop);
      assert.deepEqual([sps.width, sps.height], v.size);
      assert.deepEqual(sps.timing, { numUnitsInTick: 1, timeScale: 50, fixedFrameRate: false });
      assert.equal(sps.fps, 25);
      assert.equal(profileLevelId(sps), v.pli);
      assert.equal(profileLevelId(firstSps(v.file)), v.pli);
      assert.equal(codecString(sps), `avc1.${v.pli}`);
    });

    it(`${v.file}: access units match ffprobe's frame count and keyframes`, () => {
      const nals = nalsOf(v.file);
      const units = assemble(nals);
      assert.equal(units.map((u) => (u.keyframe ? 'K' : '-')).join(''), v.frames);
      assert.deepEqual(units.flatMap((u) => u.nals), nals, 'no NAL unit lost or reordered');
      for (const unit of units) assert.equal(unit.nals.filter((n) => [1, 5].includes(nalType(n))).length > 0, true);
    });
  }

  it('groups the four slices of each picture (first_mb_in_slice) into one access unit', () => {
    const units = assemble(nalsOf('h264_320x240_slices.h264'));
    assert.deepEqual(
      units.map((u) => u.nals.map(nalType).join(',')),
      ['7,8,6,5,5,5,5', '1,1,1,1', '7,8,5,5,5,5'],
    );
  });

  it('starts access units at AUDs when the stream has them', () => {
    const units = assemble(nalsOf('h264_640x360_high.h264'));
    assert.deepEqual(units.map((u) => nalType(u.nals[0] as Uint8Array)), [9, 9, 9]);
  });
});

describe('H.264 parseSps on constructed parameter sets', () => {
  it('skips scaling matrices and pic_order_cnt_type 1 cycles', () => {
    const sps = parseSps(buildSps({ profileIdc: 100, scaling: true, pocType: 1, widthMbs: 20, heightMapUnits: 15 }));
    assert.deepEqual([sps.width, sps.height, sps.picOrderCntType], [320, 240, 1]);
    const sps444 = parseSps(buildSps({ profileIdc: 244, chroma: 3, scaling: true, widthMbs: 4, heightMapUnits: 3 }));
    assert.equal(sps444.chromaFormatIdc, 3);
  });

  it('uses single-sample crop units with separate colour planes', () => {
    const sps = parseSps(buildSps({ profileIdc: 244, chroma: 3, separatePlanes: true, widthMbs: 2, heightMapUnits: 2, crop: [1, 2, 3, 4] }));
    assert.ok(sps.separateColourPlane);
    assert.deepEqual([sps.width, sps.height], [32 - 3, 32 - 7]);
  });

  it('reads an extended SAR and stops quietly at a VUI cut short', () => {
    const vui = (w: BitWriter) => {
      w.writeBit(1).writeBits(255, 8).writeBits(4, 16).writeBits(3, 16); // EXTENDED_SAR 4:3
      w.writeBit(0).writeBit(0).writeBit(0); // overscan, video signal, chroma loc
      w.writeBit(1).writeBits(1001, 32).writeBits(60000, 32).writeBit(1);
    };
    const sps = parseSps(buildSps({ profileIdc: 66, widthMbs: 45, heightMapUnits: 36, vui }));
    assert.deepEqual(sps.sampleAspectRatio, { width: 4, height: 3 });
    assert.equal(sps.fps, 60000 / 2002);
    const cut = parseSps(buildSps({ profileIdc: 66, widthMbs: 45, heightMapUnits: 36, vui: (w) => w.writeBit(1).writeBits(255, 8) }));
    assert.deepEqual([cut.width, cut.height, cut.fps], [720, 576, undefined]);
  });

  it('rejects cropping that leaves no picture, and non-SPS NAL units', () => {
    assert.throws(() => parseSps(buildSps({ profileIdc: 66, widthMbs: 1, heightMapUnits: 1, crop: [4, 4, 0, 0] })),
      (e: unknown) => isParseError(e, 'INVALID'));
    assert.throws(() => parseSps(fromHex('68 ce 38 80')), (e: unknown) => isParseError(e, 'INVALID'));
  });

  it('throws TRUNCATED for every prefix that ends before the cropping fields', () => {
    const sps = firstSps('h264_642x362_422p10.h264');
    let truncated = 0;
    for (let len = 0; len < sps.length; len++) {
      const result = parsesOrParseError(() => parseSps(sps.subarray(0, len)));
      if ('code' in result) {
        assert.equal(result.code, 'TRUNCATED', `prefix ${len}`);
        truncated++;
      } else {
        assert.deepEqual([result.width, result.height], [642, 362], `prefix ${len}`);
      }
    }
    assert.ok(truncated >= 8);
  });
});

describe('H.264 AccessUnitAssembler rules', () => {
  const aud = fromHex('09 f0');
  const sei = fromHex('06 05 01 00 80');
  const idr = (firstMb0: boolean) => fromHex(firstMb0 ? '65 88 84' : '65 40 84'); // ue(v) 0 = '1', 1 = '010'
  const slice = (firstMb0: boolean) => fromHex(firstMb0 ? '41 9a 02' : '41 40 02');

  it('splits on SEI/SPS/PPS after a VCL unit and keeps end-of-sequence with its picture', () => {
    const units = assemble([sei, idr(true), idr(false), fromHex('0a'), sei, slice(true), slice(false), fromHex('0c ff')]);
    assert.deepEqual(units.map((u) => u.nals.map(nalType).join(',')), ['6,5,5,10', '6,1,1,12']);
    assert.deepEqual(units.map((u) => u.keyframe), [true, false]);
  });

  it('splits on first_mb_in_slice 0 without delimiters and on AUDs', () => {
    assert.deepEqual(assemble([slice(true), slice(true), aud, slice(true)]).map((u) => u.nals.length), [1, 1, 2]);
  });

  it('ignores empty NAL units and treats unreadable slice headers as continuations', () => {
    assert.deepEqual(assemble([slice(true), new Uint8Array(0), fromHex('41')]).map((u) => u.nals.length), [2]);
  });

  it('is bounded by maxNals', () => {
    const assembler = new AccessUnitAssembler({ maxNals: 3 });
    assembler.push(slice(true));
    assembler.push(slice(false));
    assembler.push(slice(false));
    assert.throws(() => assembler.push(slice(false)), (e: unknown) => isParseError(e, 'TOO_LARGE'));
    assert.deepEqual(assembler.flush(), []);
  });

  it('fuzz: every NAL unit comes out once, in order, for any sequence', () => {
    const nal = fc.uint8Array({ minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.array(nal, { maxLength: 40 }), (nals) => {
        const units = assemble(nals);
        assert.deepEqual(units.flatMap((u) => u.nals), nals);
        for (const u of units) assert.equal(u.keyframe, isKeyframe(u.nals));
      }),
    );
  });
});

describe('H.264 parseSps fuzz', () => {
  it('arbitrary bytes after an SPS header: parsed or ParseError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (body) => {
        const nal = new Uint8Array(body.length + 1);
        nal[0] = 0x67;
        nal.set(body, 1);
        parsesOrParseError(() => parseSps(nal));
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated real SPSs: parsed or ParseError, and sizes stay positive', () => {
    const real = VECTORS.map((v) => firstSps(v.file));
    fc.assert(
      fc.property(fc.constantFrom(...real), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), (sps, edits) => {
        const nal = Uint8Array.from(sps);
        for (const [at, value] of edits) nal[1 + (at % (nal.length - 1))] = value;
        const result = parsesOrParseError(() => parseSps(nal));
        if (!('code' in result)) assert.ok(result.width > 0 && result.height > 0, hex(nal));
      }),
      { numRuns: 2000 },
    );
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isParseError } from '../../../src/protocol/codec/errors.js';
import {
  STANDARD_HUFFMAN,
  buildJpeg,
  buildJpegHeaders,
  parseJpeg,
  rfc2435QuantTables,
  type JpegInfo,
} from '../../../src/protocol/codec/jpeg.js';
import { fixture, fromHex, hex, parsesOrParseError } from './_helpers.js';

/**
 * Sizes and pix_fmt from ffprobe; sampling factors as the encoders lay them out (ffmpeg writes
 * 4:2:2 as 2x2/1x2 and 4:4:4 as 1x2 MCUs, which RTP/JPEG types 0/1 cannot express).
 */
const VECTORS: Array<{ file: string; size: [number, number]; sampling: string; type?: number; dri: number; standard: boolean }> = [
  { file: 'jpeg_640x360_420.jpg', size: [640, 360], sampling: '2x2,1x1,1x1', type: 1, dri: 0, standard: true },
  { file: 'jpeg_320x240_422_cjpeg.jpg', size: [320, 240], sampling: '2x1,1x1,1x1', type: 0, dri: 0, standard: true },
  { file: 'jpeg_160x120_420_dri.jpg', size: [160, 120], sampling: '2x2,1x1,1x1', type: 65, dri: 2, standard: true },
  { file: 'jpeg_64x48_q1_16bit.jpg', size: [64, 48], sampling: '2x1,1x1,1x1', type: 0, dri: 0, standard: true },
  { file: 'jpeg_320x240_422_ffmpeg.jpg', size: [320, 240], sampling: '2x2,1x2,1x2', dri: 0, standard: true },
  { file: 'jpeg_321x241_444_optimal.jpg', size: [321, 241], sampling: '1x2,1x2,1x2', dri: 0, standard: false },
  { file: 'jpeg_64x48_gray.jpg', size: [64, 48], sampling: '1x1', dri: 0, standard: true },
  { file: 'jpeg_64x48_progressive.jpg', size: [64, 48], sampling: '2x2,1x1,1x1', dri: 0, standard: false },
];

function rebuild(info: JpegInfo): Uint8Array {
  const r = info.rfc2435;
  assert.ok(r);
  return buildJpeg(
    { type: r.type, width: r.widthBlocks * 8, height: r.heightBlocks * 8, quantTables: r.quantTables.map((t) => t.data), restartInterval: r.restartInterval },
    [info.scan],
  );
}

describe('parseJpeg on ffmpeg and cjpeg images', () => {
  for (const v of VECTORS) {
    it(`${v.file}: ${v.size.join('x')} ${v.sampling} -> ${v.type === undefined ? 'not RTP/JPEG' : `type ${v.type}`}`, () => {
      const buf = fixture(v.file);
      const info = parseJpeg(buf);
      assert.deepEqual([info.width, info.height], v.size);
      assert.equal(info.components.map((c) => `${c.h}x${c.v}`).join(','), v.sampling);
      assert.equal(info.restartInterval, v.dri);
      assert.equal(info.standardHuffmanTables, v.standard);
      assert.equal(info.rfc2435?.type, v.type, info.rfc2435Unsupported);
      assert.equal(info.rfc2435 === undefined, info.rfc2435Unsupported !== undefined);
      if (info.singleScan) {
        // The scan runs up to the EOI that ends the file, and is a view on the input.
        assert.equal(info.scanOffset + info.scan.length + 2, buf.length);
        assert.equal(hex(buf.subarray(buf.length - 2)), 'ffd9');
        assert.equal(info.scan.buffer, buf.buffer);
      }
    });
  }

  it('finds the Annex K Huffman tables in what ffmpeg (-huffman default) and cjpeg write', () => {
    for (const file of ['jpeg_640x360_420.jpg', 'jpeg_160x120_420_dri.jpg']) {
      const tables = parseJpeg(fixture(file)).huffmanTables;
      const byKey = new Map(tables.map((t) => [`${t.tableClass}${t.id}`, t]));
      const expected = { '00': STANDARD_HUFFMAN.dcLuminance, '10': STANDARD_HUFFMAN.acLuminance, '01': STANDARD_HUFFMAN.dcChrominance, '11': STANDARD_HUFFMAN.acChrominance };
      for (const [key, spec] of Object.entries(expected)) {
        assert.deepEqual(Array.from(byKey.get(key)?.counts ?? []), spec.counts, `${file} ${key}`);
        assert.deepEqual(Array.from(byKey.get(key)?.symbols ?? []), spec.symbols, `${file} ${key}`);
      }
    }
  });

  it('matches libjpeg quality scaling with the RFC 2435 Q-factor tables (cjpeg -quality 75 and 60)', () => {
    for (const [file, q] of [['jpeg_160x120_420_dri.jpg', 75], ['jpeg_320x240_422_cjpeg.jpg', 60]] as const) {
      const tables = parseJpeg(fixture(file)).quantTables;
      const [luma, chroma] = rfc2435QuantTables(q);
      assert.deepEqual(tables.map((t) => [t.id, t.precision, hex(t.data)]), [[0, 0, hex(luma)], [1, 0, hex(chroma)]]);
    }
    const [luma50] = rfc2435QuantTables(50);
    assert.deepEqual(Array.from(luma50.subarray(0, 8)), [16, 11, 12, 14, 12, 10, 16, 14]); // K.1 in zig-zag order
    assert.deepEqual(rfc2435QuantTables(0), rfc2435QuantTables(1));
    assert.ok(rfc2435QuantTables(99)[0].every((v) => v >= 1 && v <= 2)); // scale 2%, clamped to >= 1
  });

  it('reads 16-bit quantization tables (SOF1) and keeps them RTP/JPEG-able', () => {
    const info = parseJpeg(fixture('jpeg_64x48_q1_16bit.jpg'));
    assert.equal(info.frameType, 1);
    assert.deepEqual(info.quantTables.map((t) => [t.precision, t.data.length]), [[1, 128], [1, 128]]);
    assert.ok(info.quantTables[0]!.data.some((_, i, d) => i % 2 === 0 && d[i] !== 0), 'values above 255');
  });

  it('keeps restart markers inside the scan (80 MCUs, interval 2: 39 RST markers cycling D0..D7)', () => {
    const { scan } = parseJpeg(fixture('jpeg_160x120_420_dri.jpg'));
    const markers: number[] = [];
    for (let i = 0; i + 1 < scan.length; i++) if (scan[i] === 0xff && scan[i + 1] !== 0) markers.push(scan[i + 1] as number);
    assert.equal(markers.length, 39);
    assert.ok(markers.every((m, i) => m === 0xd0 + (i % 8)));
  });

  it('reports progressive images as a first scan only', () => {
    const info = parseJpeg(fixture('jpeg_64x48_progressive.jpg'));
    assert.deepEqual([info.frameType, info.singleScan], [2, false]);
    assert.match(info.rfc2435Unsupported ?? '', /sequential/);
  });

  it('throws TRUNCATED for every proper prefix of an image', () => {
    const buf = fixture('jpeg_64x48_gray.jpg');
    for (let len = 0; len < buf.length; len++) {
      assert.throws(() => parseJpeg(buf.subarray(0, len)), (e: unknown) => isParseError(e, 'TRUNCATED'), `prefix ${len}`);
    }
  });

  it('rejects malformed segments', () => {
    const cases: Array<[string, string, string]> = [
      ['no SOI', 'ffd9', 'INVALID'],
      ['SOS before SOF', 'ffd8 ffda 0008 01 0100 003f00', 'INVALID'],
      ['DQT precision 2', 'ffd8 ffdb 0043 20' + '01'.repeat(64), 'INVALID'],
      ['DQT longer than segment', 'ffd8 ffdb 0042 00' + '01'.repeat(63), 'INVALID'],
      ['DHT with 300 symbols', 'ffd8 ffc4 0013 00 ff ff 2e 00000000000000000000000000 00', 'INVALID'],
      ['segment length 1', 'ffd8 ffe0 0001', 'INVALID'],
      ['DRI of 3 bytes', 'ffd8 ffdd 0005 000100', 'INVALID'],
      ['SOF with 5 components', 'ffd8 ffc0 0017 08 0010 0010 05' + '011100'.repeat(5), 'INVALID'],
      ['SOF sampling 0x0', 'ffd8 ffc0 000b 08 0010 0010 01 010000', 'INVALID'],
      ['DNL height', 'ffd8 ffc0 000b 08 0000 0010 01 011100', 'UNSUPPORTED'],
      ['width 0', 'ffd8 ffc0 000b 08 0010 0000 01 011100', 'INVALID'],
      ['SOS naming an unknown component', 'ffd8 ffc0 000b 08 0010 0010 01 011100 ffda 0008 01 0200 003f00 00 ffd9', 'INVALID'],
      ['data where a marker belongs', 'ffd8 00', 'INVALID'],
      ['second SOF', 'ffd8 ffc0 000b 08 0010 0010 01 011100 ffc0 000b 08 0010 0010 01 011100', 'INVALID'],
    ];
    for (const [what, bytes, code] of cases) {
      assert.throws(() => parseJpeg(fromHex(bytes)), (e: unknown) => isParseError(e, code), what);
    }
  });

  it('fuzz: arbitrary and mutated images parse or throw ParseError', () => {
    const seeds = VECTORS.map((v) => fixture(v.file).subarray(0, 700));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((b) => Uint8Array.from([0xff, 0xd8, ...b])),
          fc.tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 })).map(([seed, edits]) => {
            const copy = Uint8Array.from(seed);
            for (const [at, v] of edits) copy[at % copy.length] = v;
            return copy;
          }),
        ),
        (buf) => {
          const result = parsesOrParseError(() => parseJpeg(buf));
          if (!('code' in result)) assert.ok(result.scanOffset + result.scan.length <= buf.length);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('buildJpegHeaders (RFC 2435 Appendix B)', () => {
  // make.sh additionally decodes each original and rebuilt image with djpeg: the pixels are identical.
  for (const file of ['jpeg_640x360_420.jpg', 'jpeg_320x240_422_cjpeg.jpg', 'jpeg_160x120_420_dri.jpg', 'jpeg_64x48_q1_16bit.jpg']) {
    it(`${file}: rebuilt from type, size, tables and DRI, parses back the same`, () => {
      const original = parseJpeg(fixture(file));
      const rebuilt = parseJpeg(rebuild(original));
      assert.deepEqual(rebuilt.components.map((c) => [c.h, c.v]), original.components.map((c) => [c.h, c.v]));
      assert.deepEqual([rebuilt.width, rebuilt.height, rebuilt.restartInterval], [original.width, original.height, original.restartInterval]);
      assert.deepEqual(rebuilt.rfc2435?.quantTables.map((t) => hex(t.data)), original.rfc2435?.quantTables.map((t) => hex(t.data)));
      assert.equal(rebuilt.rfc2435?.type, original.rfc2435?.type);
      assert.ok(rebuilt.standardHuffmanTables);
      assert.equal(hex(rebuilt.scan), hex(original.scan));
      assert.equal(rebuilt.frameType, original.quantTables.some((t) => t.precision === 1) ? 1 : 0);
    });
  }

  it('uses one table for all components when given one, and validates parameters', () => {
    const [luma] = rfc2435QuantTables(50);
    const headers = buildJpegHeaders({ type: 1, width: 16, height: 16, quantTables: [luma] });
    const info = parseJpeg(buildJpeg({ type: 1, width: 16, height: 16, quantTables: [luma] }, [fromHex('00')]));
    assert.deepEqual(info.components.map((c) => c.quantTableId), [0, 0, 0]);
    assert.equal(hex(headers.subarray(0, 4)), 'ffd8ffdb');
    for (const bad of [
      { type: 2, width: 16, height: 16, quantTables: [luma] },
      { type: 64, width: 16, height: 16, quantTables: [luma] },
      { type: 0, width: 0, height: 16, quantTables: [luma] },
      { type: 0, width: 16, height: 16, quantTables: [] },
      { type: 0, width: 16, height: 16, quantTables: [luma.subarray(0, 10)] },
    ]) {
      assert.throws(() => buildJpegHeaders(bad), RangeError, JSON.stringify({ ...bad, quantTables: bad.quantTables.length }));
    }
  });

  it('round-trips parameters for any valid RTP/JPEG header fields', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1, 64, 65), fc.integer({ min: 1, max: 255 }), fc.integer({ min: 1, max: 255 }),
        fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 0xffff }),
        (type, w, h, q, dri) => {
          const tables = rfc2435QuantTables(q);
          const info = parseJpeg(buildJpeg({ type, width: w * 8, height: h * 8, quantTables: tables, restartInterval: dri }, [fromHex('12 34')]));
          assert.deepEqual(
            [info.rfc2435?.type, info.rfc2435?.widthBlocks, info.rfc2435?.heightBlocks, info.rfc2435?.restartInterval],
            [type, w, h, type >= 64 ? dri : 0],
          );
          assert.deepEqual(info.quantTables.map((t) => hex(t.data)), tables.map(hex));
          assert.equal(hex(info.scan), '1234');
        },
      ),
    );
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BitReader, BitWriter, escapeRbsp, unescapeRbsp } from '../../../src/protocol/codec/bitreader.js';
import { ParseError, isParseError } from '../../../src/protocol/codec/errors.js';
import { fromHex, hex } from './_helpers.js';

describe('ParseError', () => {
  it('carries code, offset and needed', () => {
    const err = new ParseError('TRUNCATED', 'short', { offset: 3, needed: 2 });
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'ParseError');
    assert.deepEqual([err.code, err.offset, err.needed, err.message], ['TRUNCATED', 3, 2, 'short']);
    assert.ok(isParseError(err, 'TRUNCATED'));
    assert.ok(!isParseError(err, 'INVALID'));
    assert.ok(!isParseError(new Error('x')));
  });
});

describe('BitReader', () => {
  it('reads bit fields MSB first, including full 32-bit values', () => {
    const r = new BitReader(fromHex('a5 ff ff ff ff 0f'));
    assert.equal(r.readBits(4), 0xa);
    assert.equal(r.readBit(), 0);
    assert.equal(r.readBits(3), 0b101);
    assert.equal(r.readBits(32), 0xffffffff);
    assert.equal(r.readBits(0), 0);
    assert.equal(r.bitsLeft, 8);
    r.skipBits(4);
    assert.equal(r.readBits(4), 0xf);
    assert.equal(r.bitsLeft, 0);
  });

  it('decodes the exp-Golomb table of H.264 9.1 (codes 1, 010, 011, 00100, ...)', () => {
    // 1 010 011 00100 00101 00110 00111 0001000 -> 0..7
    const w = new BitWriter();
    for (const bits of ['1', '010', '011', '00100', '00101', '00110', '00111', '0001000']) {
      for (const b of bits) w.writeBits(Number(b), 1);
    }
    const r = new BitReader(w.toBytes());
    assert.deepEqual(Array.from({ length: 8 }, () => r.readUE()), [0, 1, 2, 3, 4, 5, 6, 7]);
    const s = new BitReader(w.toBytes());
    assert.deepEqual(Array.from({ length: 8 }, () => s.readSE()), [0, 1, -1, 2, -2, 3, -3, 4]);
  });

  it('throws TRUNCATED with offset and needed bytes past the end', () => {
    const r = new BitReader(fromHex('ff'));
    r.readBits(3);
    assert.throws(() => r.readBits(14), (e: unknown) => isParseError(e, 'TRUNCATED') && e.offset === 0 && e.needed === 2);
    assert.throws(() => r.skipBits(6), (e: unknown) => isParseError(e, 'TRUNCATED'));
    assert.throws(() => new BitReader(fromHex('00 00')).readUE(), (e: unknown) => isParseError(e, 'TRUNCATED'));
  });

  it('rejects exp-Golomb prefixes longer than 31 zeros as INVALID', () => {
    const r = new BitReader(new Uint8Array(8)); // 64 zero bits
    assert.throws(() => r.readUE(), (e: unknown) => isParseError(e, 'INVALID'));
    const w = new BitWriter().writeBits(0, 31).writeBits(1, 1).writeBits(0x7fffffff, 31);
    assert.equal(new BitReader(w.toBytes()).readUE(), 2 ** 32 - 2);
  });

  it('aligns to bytes and honours a start offset', () => {
    const r = new BitReader(fromHex('00 80 ff'), 1);
    assert.ok(r.byteAligned);
    assert.equal(r.readBit(), 1);
    r.byteAlign();
    assert.equal(r.bitPosition, 16);
    assert.equal(r.readBits(8), 0xff);
    r.byteAlign();
    assert.equal(r.bitsLeft, 0);
  });
});

describe('BitWriter', () => {
  it('writes fields, exp-Golomb codes and trailing bits', () => {
    const w = new BitWriter(1).writeBits(0b101, 3).writeUE(3).writeSE(-2).writeTrailingBits();
    // 101 00100 00101 1 + 00 -> 1010 0100 0010 1100
    assert.equal(hex(w.toBytes()), 'a42c');
    assert.equal(w.bitLength, 16);
    assert.throws(() => new BitWriter().writeBits(4, 2), RangeError);
    assert.throws(() => new BitWriter().writeUE(-1), RangeError);
  });

  it('round-trips arbitrary field sequences through BitReader', () => {
    type Field = { kind: 'bits'; n: number; v: number } | { kind: 'ue'; v: number } | { kind: 'se'; v: number };
    const field: fc.Arbitrary<Field> = fc.oneof(
      fc.integer({ min: 0, max: 32 }).chain((n) =>
        fc.record({ kind: fc.constant('bits' as const), n: fc.constant(n), v: fc.integer({ min: 0, max: 2 ** n - 1 }) }),
      ),
      fc.record({ kind: fc.constant('ue' as const), v: fc.integer({ min: 0, max: 2 ** 32 - 2 }) }),
      fc.record({ kind: fc.constant('se' as const), v: fc.integer({ min: -(2 ** 31 - 1), max: 2 ** 31 - 1 }) }),
    );
    fc.assert(
      fc.property(fc.array(field, { maxLength: 40 }), (fields) => {
        const w = new BitWriter(1);
        for (const f of fields) {
          if (f.kind === 'bits') w.writeBits(f.v, f.n);
          else if (f.kind === 'ue') w.writeUE(f.v);
          else w.writeSE(f.v);
        }
        const r = new BitReader(w.toBytes());
        for (const f of fields) {
          const got = f.kind === 'bits' ? r.readBits(f.n) : f.kind === 'ue' ? r.readUE() : r.readSE();
          assert.equal(got, f.v);
        }
        assert.ok(r.bitsLeft < 8);
      }),
    );
  });
});

describe('emulation prevention', () => {
  it('removes 0x03 after two zero bytes and leaves other data alone', () => {
    assert.equal(hex(unescapeRbsp(fromHex('67 00 00 03 01 00 00 03 00 00 03'))), '6700000100000000');
    const plain = fromHex('67 00 03 00 00 04');
    assert.equal(unescapeRbsp(plain), plain, 'returns the input itself when nothing is escaped');
  });

  it('escapes 00 00 0x (x <= 3) and a trailing 00 00', () => {
    assert.equal(hex(escapeRbsp(fromHex('00 00 00 00 00 01 00 00 04 00 00'))), '0000030000030001000004000003');
  });

  it('unescape(escape(x)) === x and escaped data has no start-code emulation', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }).map((a) => a.map((b) => (b < 200 ? b % 4 : b))), (rbsp) => {
        const nal = escapeRbsp(rbsp);
        assert.deepEqual(unescapeRbsp(nal), rbsp);
        for (let i = 0; i + 2 < nal.length; i++) {
          assert.ok(!(nal[i] === 0 && nal[i + 1] === 0 && (nal[i + 2] as number) <= 2), `emulation at ${i}`);
        }
        assert.ok(!(nal.length >= 2 && nal[nal.length - 1] === 0 && nal[nal.length - 2] === 0));
      }),
    );
  });
});

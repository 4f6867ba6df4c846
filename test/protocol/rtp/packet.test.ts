import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ParseError } from '../../../src/protocol/codec/errors.js';
import {
  parseRtp,
  rtpHeaderSize,
  serializeRtp,
  serializeRtpHeader,
  writeRtpHeader,
  type RtpHeaderFields,
} from '../../../src/protocol/rtp/packet.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test('parses a minimal packet written by hand from the RFC 3550 layout', () => {
  // V=2 P=0 X=0 CC=0 | M=1 PT=96 | seq 0x1234 | ts 123456 | ssrc 0xdeadbeef | payload 01 02 03
  const buf = hex('80e0 1234 0001e240 deadbeef 010203');
  const packet = parseRtp(buf);
  assert.equal(packet.version, 2);
  assert.equal(packet.padding, false);
  assert.equal(packet.marker, true);
  assert.equal(packet.payloadType, 96);
  assert.equal(packet.sequenceNumber, 0x1234);
  assert.equal(packet.timestamp, 123456);
  assert.equal(packet.ssrc, 0xdeadbeef);
  assert.deepEqual(packet.csrc, []);
  assert.equal(packet.extension, undefined);
  assert.deepEqual([...packet.payload], [1, 2, 3]);
  // Zero-copy: the payload is a view into the input.
  assert.equal(packet.payload.buffer, buf.buffer);
  assert.equal(packet.payload.byteOffset, buf.byteOffset + 12);
});

test('parses CSRCs, a header extension and padding', () => {
  // V=2 P=1 X=1 CC=2 → 0xB2; M=0 PT=26; ext profile 0xABAC length 1; payload aa bb; 3 bytes padding.
  const buf = hex('b21a ffff ffffffff 00000001 11111111 22222222 abac0001 cafebabe aabb 000003');
  const packet = parseRtp(buf);
  assert.equal(packet.padding, true);
  assert.equal(packet.paddingLength, 3);
  assert.equal(packet.marker, false);
  assert.equal(packet.payloadType, 26);
  assert.equal(packet.sequenceNumber, 0xffff);
  assert.equal(packet.timestamp, 0xffffffff);
  assert.deepEqual(packet.csrc, [0x11111111, 0x22222222]);
  assert.equal(packet.extension?.profile, 0xabac);
  assert.deepEqual(Buffer.from(packet.extension?.data ?? []), hex('cafebabe'));
  assert.deepEqual(Buffer.from(packet.payload), hex('aabb'));
  assert.deepEqual(serializeRtp({ ...packet, paddingLength: 3 }), buf);
});

test('rejects truncated, wrong-version and bad-padding packets with stable codes', () => {
  const cases: [string, string][] = [
    ['', 'RTP_TRUNCATED'],
    ['80e01234 0001e240 deadbe', 'RTP_TRUNCATED'],
    ['40e01234 0001e240 deadbeef', 'RTP_BAD_VERSION'],
    ['82e01234 0001e240 deadbeef 11111111', 'RTP_TRUNCATED'], // CC=2, one CSRC present
    ['90e01234 0001e240 deadbeef abac', 'RTP_TRUNCATED'], // extension header cut
    ['90e01234 0001e240 deadbeef abac0002 00000000', 'RTP_TRUNCATED'], // extension body cut
    ['a0e01234 0001e240 deadbeef 0000', 'RTP_BAD_PADDING'], // padding count 0
    ['a0e01234 0001e240 deadbeef 0005', 'RTP_BAD_PADDING'], // padding longer than payload
  ];
  for (const [bytes, code] of cases) {
    assert.throws(
      () => parseRtp(hex(bytes)),
      (err: unknown) => err instanceof ParseError && err.code === code,
      `${bytes} → ${code}`,
    );
  }
  const err = (() => {
    try {
      parseRtp(hex('80e01234'));
    } catch (e) {
      return e as ParseError;
    }
    return undefined;
  })();
  assert.equal(err?.needed, 8);
});

test('serializeRtpHeader writes only the header, ready for writev with shared payload parts', () => {
  const fields: RtpHeaderFields = { marker: true, payloadType: 96, sequenceNumber: 65535, timestamp: 4294967295, ssrc: 1 };
  const header = serializeRtpHeader(fields);
  assert.deepEqual(header, hex('80e0 ffff ffffffff 00000001'));
  const payload = [Uint8Array.of(1, 2), Uint8Array.of(3)];
  assert.deepEqual(Buffer.concat([header, ...payload]), serializeRtp({ ...fields, payload }));
  assert.equal(rtpHeaderSize({ ...fields, csrc: [1, 2], extension: { profile: 1, data: new Uint8Array(8) } }), 12 + 8 + 12);
});

test('writeRtpHeader writes at an offset and serialize rejects out-of-range fields', () => {
  const target = new Uint8Array(20);
  const written = writeRtpHeader({ marker: false, payloadType: 0, sequenceNumber: 1, timestamp: 2, ssrc: 3 }, target, 4);
  assert.equal(written, 12);
  assert.deepEqual(Buffer.from(target.subarray(4, 16)), hex('80000001 00000002 00000003'));
  const base = { marker: false, payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0 };
  assert.throws(() => serializeRtpHeader({ ...base, payloadType: 128 }), RangeError);
  assert.throws(() => serializeRtpHeader({ ...base, sequenceNumber: 65536 }), RangeError);
  assert.throws(() => serializeRtpHeader({ ...base, timestamp: -1 }), RangeError);
  assert.throws(() => serializeRtpHeader({ ...base, extension: { profile: 0, data: new Uint8Array(3) } }), RangeError);
  assert.throws(() => writeRtpHeader(base, new Uint8Array(11)), RangeError);
});

const headerArbitrary = fc.record({
  marker: fc.boolean(),
  payloadType: fc.integer({ min: 0, max: 127 }),
  sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
  timestamp: fc.integer({ min: 0, max: 0xffffffff }),
  ssrc: fc.integer({ min: 0, max: 0xffffffff }),
  csrc: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }),
  extension: fc.option(
    fc.record({
      profile: fc.integer({ min: 0, max: 0xffff }),
      data: fc.integer({ min: 0, max: 8 }).chain((words) => fc.uint8Array({ minLength: words * 4, maxLength: words * 4 })),
    }),
    { nil: undefined },
  ),
  payload: fc.uint8Array({ maxLength: 64 }),
  paddingLength: fc.integer({ min: 0, max: 255 }),
});

test('fuzz: serialize → parse round trip holds for any valid header', () => {
  fc.assert(
    fc.property(headerArbitrary, (fields) => {
      const packet = parseRtp(serializeRtp(fields));
      assert.equal(packet.marker, fields.marker);
      assert.equal(packet.payloadType, fields.payloadType);
      assert.equal(packet.sequenceNumber, fields.sequenceNumber);
      assert.equal(packet.timestamp, fields.timestamp);
      assert.equal(packet.ssrc, fields.ssrc);
      assert.deepEqual(packet.csrc, fields.csrc);
      assert.equal(packet.paddingLength, fields.paddingLength);
      assert.deepEqual(packet.extension && { profile: packet.extension.profile, data: [...packet.extension.data] },
        fields.extension && { profile: fields.extension.profile, data: [...fields.extension.data] });
      assert.deepEqual([...packet.payload], [...fields.payload]);
    }),
  );
});

test('fuzz: parseRtp throws nothing but ParseError, and accepted packets re-serialize identically', () => {
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 80 }),
    // Mostly-valid first byte so the deeper branches get exercised.
    fc.tuple(fc.integer({ min: 0x80, max: 0xbf }), fc.uint8Array({ maxLength: 80 })).map(([b0, rest]) => Uint8Array.of(b0, ...rest)),
  );
  fc.assert(
    fc.property(bytes, (buf) => {
      try {
        const packet = parseRtp(buf);
        const again = serializeRtp({ ...packet, paddingLength: packet.paddingLength });
        // Padding bytes other than the count are not preserved; everything before them is.
        const keep = buf.length - packet.paddingLength;
        assert.deepEqual(again.subarray(0, keep), Buffer.from(buf.subarray(0, keep)));
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
      }
    }),
    { numRuns: 2000 },
  );
});

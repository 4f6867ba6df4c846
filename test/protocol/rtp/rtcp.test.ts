import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ParseError } from '../../../src/protocol/codec/errors.js';
import {
  cnameSdes,
  isPictureLossIndication,
  parseRtcp,
  serializeRtcp,
  type RtcpPacket,
  type RtcpSenderReport,
} from '../../../src/protocol/rtp/rtcp.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
// Plain objects and plain Uint8Arrays on both sides (fast-check records have a null prototype,
// parsed views into a Buffer are Buffers).
const plain = <T>(value: T): T => structuredClone(value);

// An SR with one report block, written field by field from RFC 3550 §6.4.1.
const SR_HEX = `
  81 c8 000c
  12345678
  e0000000 80000000
  00015f90
  0000000a
  00002710
  9abcdef0
  40 fffffe
  00010005
  00000020
  00008000
  00010000`;

const SR: RtcpSenderReport = {
  type: 'sr',
  ssrc: 0x12345678,
  ntpTimestamp: (0xe0000000n << 32n) | 0x80000000n,
  rtpTimestamp: 90000,
  packetCount: 10,
  octetCount: 10000,
  reports: [
    {
      ssrc: 0x9abcdef0,
      fractionLost: 64,
      cumulativeLost: -2,
      extendedHighestSequence: 0x10005,
      jitter: 32,
      lastSenderReport: 0x8000,
      delaySinceLastSenderReport: 0x10000,
    },
  ],
};

// SDES with CNAME "vigil@host": SSRC, item 01 0a + 10 bytes, END octet, padding to 20 bytes.
const SDES_HEX = '81ca 0005 12345678 010a 766967696c40686f7374 00000000';
const BYE_HEX = '81cb 0002 12345678 03627965';

test('SR serializes byte-exactly to the hand-written vector and parses back', () => {
  assert.deepEqual(serializeRtcp([SR]), hex(SR_HEX));
  assert.deepEqual(parseRtcp(hex(SR_HEX)), [SR]);
});

test('compound SR + SDES CNAME + BYE round trips byte-exactly', () => {
  const compound: RtcpPacket[] = [SR, cnameSdes(0x12345678, 'vigil@host'), { type: 'bye', ssrcs: [0x12345678], reason: 'bye' }];
  const bytes = hex(SR_HEX + SDES_HEX + BYE_HEX);
  assert.deepEqual(serializeRtcp(compound), bytes);
  assert.deepEqual(plain(parseRtcp(bytes)), plain(compound));
});

test('RR, APP, feedback (PLI) and unknown types', () => {
  const rr = hex('80c9 0001 cafebabe');
  assert.deepEqual(parseRtcp(rr), [{ type: 'rr', ssrc: 0xcafebabe, reports: [] }]);
  const app = hex('83cc 0003 00000001 4f4e5646 01020304');
  assert.deepEqual(plain(parseRtcp(app)), [
    { type: 'app', subtype: 3, ssrc: 1, name: 'ONVF', data: Uint8Array.of(1, 2, 3, 4) },
  ]);
  assert.deepEqual(serializeRtcp(parseRtcp(app)), app);
  const pli = hex('81ce 0002 00000001 00000002');
  const [packet] = parseRtcp(pli);
  assert.ok(packet && isPictureLossIndication(packet));
  assert.equal(packet.mediaSsrc, 2);
  assert.deepEqual(serializeRtcp([packet]), pli);
  const xr = hex('80cf 0001 00000009'); // RFC 3611 XR, not interpreted
  assert.deepEqual(plain(parseRtcp(xr)), [{ type: 'unknown', packetType: 207, count: 0, body: Uint8Array.of(0, 0, 0, 9) }]);
  assert.deepEqual(serializeRtcp(parseRtcp(xr)), xr);
});

test('padding on the last packet is removed', () => {
  // RR with a 4-byte profile extension that is really padding (P=1, last byte 4).
  const padded = hex('a0c9 0002 cafebabe 00000004');
  assert.deepEqual(parseRtcp(padded), [{ type: 'rr', ssrc: 0xcafebabe, reports: [] }]);
});

test('invalid RTCP is rejected with stable codes', () => {
  const cases: [string, string][] = [
    ['', 'RTCP_TRUNCATED'],
    ['80c9', 'RTCP_TRUNCATED'],
    ['40c9 0001 cafebabe', 'RTCP_BAD_VERSION'],
    ['80c9 0002 cafebabe', 'RTCP_TRUNCATED'], // length says 12 bytes, 8 present
    ['81c9 0001 cafebabe', 'RTCP_BAD_LENGTH'], // RC=1 but no report block
    ['81c8 0001 cafebabe', 'RTCP_BAD_LENGTH'], // SR without sender info
    ['a0c9 0001 cafeba00', 'RTCP_BAD_PADDING'], // padding count 0
    ['a0c9 0001 cafeba03', 'RTCP_BAD_PADDING'], // not a multiple of 4
    ['81ca 0002 12345678 0105 6162', 'RTCP_BAD_SDES'], // item overruns
    ['81ca 0002 12345678 01026162', 'RTCP_BAD_SDES'], // no END octet
    ['81cb 0002 12345678 05627965', 'RTCP_BAD_BYE'],
    ['80cc 0001 00000001', 'RTCP_BAD_LENGTH'], // APP without name
    [SR_HEX + '80', 'RTCP_TRUNCATED'],
  ];
  for (const [bytes, code] of cases) {
    assert.throws(
      () => parseRtcp(hex(bytes)),
      (err: unknown) => err instanceof ParseError && err.code === code,
      `${bytes} → ${code}`,
    );
  }
});

test('serializeRtcp rejects values that do not fit', () => {
  const block = SR.reports[0]!;
  assert.throws(() => serializeRtcp([{ ...SR, reports: [{ ...block, cumulativeLost: 0x800000 }] }]), RangeError);
  assert.throws(() => serializeRtcp([{ ...SR, reports: [{ ...block, fractionLost: 256 }] }]), RangeError);
  assert.throws(() => serializeRtcp([{ ...SR, reports: Array(32).fill(block) }]), RangeError);
  assert.throws(() => serializeRtcp([{ type: 'app', subtype: 0, ssrc: 0, name: 'TOOLONG', data: new Uint8Array(0) }]), RangeError);
  assert.throws(() => serializeRtcp([cnameSdes(1, 'x'.repeat(256))]), RangeError);
});

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const words = (max: number): fc.Arbitrary<Uint8Array> =>
  fc.integer({ min: 0, max }).chain((n) => fc.uint8Array({ minLength: n * 4, maxLength: n * 4 }));
const reportBlock = fc.record({
  ssrc: u32,
  fractionLost: fc.integer({ min: 0, max: 255 }),
  cumulativeLost: fc.integer({ min: -0x800000, max: 0x7fffff }),
  extendedHighestSequence: u32,
  jitter: u32,
  lastSenderReport: u32,
  delaySinceLastSenderReport: u32,
});
const text = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => Buffer.byteLength(s) <= 255);
const packetArbitrary: fc.Arbitrary<RtcpPacket> = fc.oneof(
  fc.record({
    type: fc.constant('sr' as const),
    ssrc: u32,
    ntpTimestamp: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    rtpTimestamp: u32,
    packetCount: u32,
    octetCount: u32,
    reports: fc.array(reportBlock, { maxLength: 3 }),
  }),
  fc.record({ type: fc.constant('rr' as const), ssrc: u32, reports: fc.array(reportBlock, { maxLength: 3 }) }),
  fc.record({
    type: fc.constant('sdes' as const),
    chunks: fc.array(
      fc.record({ ssrc: u32, items: fc.array(fc.record({ type: fc.integer({ min: 1, max: 255 }), value: text }), { maxLength: 3 }) }),
      { maxLength: 3 },
    ),
  }),
  fc.record({ type: fc.constant('bye' as const), ssrcs: fc.array(u32, { maxLength: 3 }), reason: text }),
  fc.record({
    type: fc.constant('app' as const),
    subtype: fc.integer({ min: 0, max: 31 }),
    ssrc: u32,
    name: fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), minLength: 4, maxLength: 4 }),
    data: words(3),
  }),
  fc.record({
    type: fc.constant('feedback' as const),
    packetType: fc.constantFrom(205 as const, 206 as const),
    format: fc.integer({ min: 0, max: 31 }),
    senderSsrc: u32,
    mediaSsrc: u32,
    fci: words(3),
  }),
);

test('fuzz: parse(serialize(packets)) equals packets', () => {
  fc.assert(
    fc.property(fc.array(packetArbitrary, { minLength: 1, maxLength: 4 }), (packets) => {
      assert.deepEqual(plain(parseRtcp(serializeRtcp(packets))), plain(packets));
    }),
  );
});

test('fuzz: parseRtcp throws nothing but ParseError; accepted input re-parses to the same packets', () => {
  const header = fc
    .tuple(fc.integer({ min: 0x80, max: 0xbf }), fc.integer({ min: 200, max: 207 }), fc.integer({ min: 0, max: 8 }))
    .map(([b0, pt, len]) => Uint8Array.of(b0, pt, 0, len));
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.tuple(header, fc.uint8Array({ maxLength: 40 })).map(([h, body]) => Uint8Array.of(...h, ...body)),
    fc.array(fc.tuple(header, fc.uint8Array({ maxLength: 40 })), { maxLength: 3 }).map((list) =>
      Uint8Array.from(list.flatMap(([h, body]) => [...h, ...body])),
    ),
  );
  fc.assert(
    fc.property(bytes, (buf) => {
      let packets: RtcpPacket[];
      try {
        packets = parseRtcp(buf);
      } catch (err) {
        if (err instanceof ParseError) return;
        throw err;
      }
      // Whatever parsed must survive a serialize/parse cycle unchanged (modulo padding and lossy UTF-8).
      const once = parseRtcp(serializeRtcp(packets));
      assert.deepEqual(plain(parseRtcp(serializeRtcp(once))), plain(once));
    }),
    { numRuns: 3000 },
  );
});

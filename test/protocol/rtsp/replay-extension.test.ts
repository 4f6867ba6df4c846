import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ONVIF_REPLAY_EXTENSION_PROFILE,
  decodeReplayExtension,
  encodeReplayExtension,
  isReplayExtension,
  type ReplayExtension,
} from '../../../src/protocol/rtsp/replay-extension.js';
import { throwsCode } from './helpers.js';

// 2009-06-15T11:49:00.5Z as NTP: Unix 1245066540 + 2208988800 seconds, fraction 0x80000000.
const NTP = (BigInt(1245066540 + 2208988800) << 32n) | 0x8000_0000n;

void describe('ONVIF replay RTP header extension', () => {
  void it('encodes the layout of the ONVIF Streaming spec: NTP, C E D T mbz, CSeq, padding', () => {
    const ext = encodeReplayExtension({ ntp: NTP, cleanPoint: true, end: false, discontinuity: true, terminal: true, cseq: 123 });
    assert.equal(ext.profile, 0xabac);
    assert.deepEqual(
      [...ext.data],
      [0xcd, 0xe0, 0xb3, 0xac, 0x80, 0x00, 0x00, 0x00, 0b1011_0000, 123, 0, 0],
    );
  });

  void it('decodes each flag from its own bit and ignores must-be-zero bits and padding', () => {
    const data = new Uint8Array([0, 0, 0, 1, 0, 0, 0, 2, 0x40 | 0x0f, 0xff, 0xaa, 0xbb]);
    assert.deepEqual(decodeReplayExtension({ profile: 0xabac, data }), {
      ntp: (1n << 32n) | 2n,
      cleanPoint: false,
      end: true,
      discontinuity: false,
      terminal: false,
      cseq: 255,
    });
  });

  void it('sends the low byte of the PLAY CSeq', () => {
    const ext = encodeReplayExtension({ ntp: 0n, cleanPoint: false, end: false, discontinuity: false, terminal: false, cseq: 0x1234 });
    assert.equal(decodeReplayExtension(ext).cseq, 0x34);
  });

  void it('hands a following JPEG extension through as trailer, as a view', () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0x00, 0x01, 0xff, 0xff, 0xff, 0xff]);
    const ext = encodeReplayExtension({ ntp: NTP, cleanPoint: true, end: false, discontinuity: false, terminal: false, cseq: 1, trailer: jpeg });
    assert.equal(ext.data.length, 20);
    const back = decodeReplayExtension(ext);
    assert.deepEqual([...back.trailer!], [...jpeg]);
    assert.equal(back.trailer!.buffer, ext.data.buffer);
    assert.throws(() => encodeReplayExtension({ ...back, trailer: new Uint8Array(3) }), RangeError);
  });

  void it('rejects other profiles and short bodies', () => {
    throwsCode(() => decodeReplayExtension({ profile: 0xbede, data: new Uint8Array(12) }), 'BAD_REPLAY_EXTENSION');
    const err = throwsCode(() => decodeReplayExtension({ profile: 0xabac, data: new Uint8Array(8) }), 'TRUNCATED');
    assert.equal(err.needed, 4);
    assert.equal(isReplayExtension({ profile: ONVIF_REPLAY_EXTENSION_PROFILE, data: new Uint8Array(12) }), true);
    assert.equal(isReplayExtension({ profile: 0xbede, data: new Uint8Array(12) }), false);
    assert.equal(isReplayExtension(undefined), false);
    assert.throws(() => encodeReplayExtension({ ntp: -1n, cleanPoint: false, end: false, discontinuity: false, terminal: false, cseq: 0 }), RangeError);
  });

  void it('round-trips generated extensions and never throws anything else on arbitrary bytes (fuzz)', () => {
    const extArb = fc
      .record(
        {
          ntp: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          cleanPoint: fc.boolean(),
          end: fc.boolean(),
          discontinuity: fc.boolean(),
          terminal: fc.boolean(),
          cseq: fc.integer({ min: 0, max: 255 }),
          trailer: fc.integer({ min: 1, max: 8 }).chain((words) => fc.uint8Array({ minLength: words * 4, maxLength: words * 4 })),
        },
        { requiredKeys: ['ntp', 'cleanPoint', 'end', 'discontinuity', 'terminal', 'cseq'] },
      )
      .map((e) => ({ ...e }));
    fc.assert(
      fc.property(extArb, (ext: ReplayExtension) => {
        const back = decodeReplayExtension(encodeReplayExtension(ext));
        assert.deepEqual({ ...back, trailer: back.trailer && [...back.trailer] }, { ...ext, trailer: ext.trailer && [...ext.trailer] });
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 40 }), (profile, data) => {
        try {
          decodeReplayExtension({ profile, data });
        } catch (err) {
          assert.ok(['BAD_REPLAY_EXTENSION', 'TRUNCATED'].includes((err as { code: string }).code));
        }
      }),
    );
  });
});

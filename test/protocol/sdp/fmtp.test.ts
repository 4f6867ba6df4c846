import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { splitAnnexB } from '../../../src/protocol/codec/annexb.js';
import { isParseError } from '../../../src/protocol/codec/errors.js';
import { nalType as h264NalType, parseSps, profileLevelId } from '../../../src/protocol/codec/h264.js';
import { nalType as h265NalType } from '../../../src/protocol/codec/h265.js';
import { h264Fmtp, h265Fmtp, parseH264Fmtp, parseH265Fmtp } from '../../../src/protocol/sdp/fmtp.js';
import { getFmtp, parseSdp } from '../../../src/protocol/sdp/sdp.js';
import { fixture, hex, parsesOrParseError } from '../codec/_helpers.js';

const h264Nals = splitAnnexB(fixture('h264_640x360_high.h264'));
const h264Sps = h264Nals.find((n) => h264NalType(n) === 7)!;
const h264Pps = h264Nals.find((n) => h264NalType(n) === 8)!;
const h265Nals = splitAnnexB(fixture('h265_642x362_main.hevc'));
const [h265Vps, h265Sps, h265Pps] = [32, 33, 34].map((t) => h265Nals.find((n) => h265NalType(n) === t)!) as [Uint8Array, Uint8Array, Uint8Array];

/** The fmtp line ffmpeg's RTP muxer wrote for the same stream (make.sh), without the payload type. */
function ffmpegFmtp(file: string, pt: number): Map<string, string> {
  const sdp = parseSdp(fixture(file));
  const params = getFmtp(sdp.media[0]!, pt);
  assert.ok(params);
  return params;
}

describe('H.264 fmtp (RFC 6184)', () => {
  it('reads the parameter sets ffmpeg put in sprop-parameter-sets back to the stream\'s SPS/PPS', () => {
    const params = parseH264Fmtp(ffmpegFmtp('sdp_h264_aac.sdp', 96));
    assert.equal(params.packetizationMode, 1);
    assert.equal(params.profileLevelId, profileLevelId(parseSps(h264Sps)));
    assert.deepEqual(params.sps.map(hex), [hex(h264Sps)]);
    assert.deepEqual(params.pps.map(hex), [hex(h264Pps)]);
  });

  it('writes the same base64 as ffmpeg, in the documented order', () => {
    const ffmpeg = ffmpegFmtp('sdp_h264_aac.sdp', 96);
    assert.equal(
      h264Fmtp({ sps: h264Sps, pps: h264Pps }),
      `packetization-mode=1;profile-level-id=64001e;sprop-parameter-sets=${ffmpeg.get('sprop-parameter-sets')}`,
    );
    assert.match(h264Fmtp({ sps: h264Sps, pps: [h264Pps, h264Pps], packetizationMode: 0 }), /^packetization-mode=0;.*,.*,/);
  });

  it('accepts camera quirks: spaces, missing padding, no packetization-mode (default 0)', () => {
    const params = parseH264Fmtp(' profile-level-id=42E01F ; sprop-parameter-sets=Z0LgH9oFAW5A, aM4wpIA ');
    assert.deepEqual([params.packetizationMode, params.profileLevelId], [0, '42e01f']);
    assert.deepEqual([params.sps.length, params.pps.length], [1, 1]);
    assert.equal(hex(params.pps[0]!), '68ce30a480');
    assert.deepEqual(parseH264Fmtp(''), { packetizationMode: 0, sps: [], pps: [] });
  });

  it('rejects bad base64, unexpected NAL types, bad modes and profile-level-ids', () => {
    for (const [what, text] of [
      ['base64', 'sprop-parameter-sets=Z0L*H9oF'],
      ['one leftover char', 'sprop-parameter-sets=Z0LgH'],
      ['IDR in parameter sets', 'sprop-parameter-sets=ZYiA'],
      ['mode 3', 'packetization-mode=3'],
      ['mode x', 'packetization-mode=x'],
      ['level', 'profile-level-id=42e0'],
    ]) {
      assert.throws(() => parseH264Fmtp(text as string), (e: unknown) => isParseError(e, 'INVALID'), what);
    }
    assert.throws(() => h264Fmtp({ sps: h264Pps, pps: h264Pps }), RangeError);
    assert.throws(() => h264Fmtp({ sps: h264Sps, pps: h264Sps }), RangeError);
  });

  it('round-trips any PPS list with the real SPS', () => {
    const pps = fc.uint8Array({ minLength: 0, maxLength: 20 }).map((b) => Uint8Array.from([0x68, ...b]));
    fc.assert(
      fc.property(fc.array(pps, { minLength: 1, maxLength: 4 }), fc.constantFrom(0 as const, 1 as const, 2 as const), (list, mode) => {
        const parsed = parseH264Fmtp(h264Fmtp({ sps: h264Sps, pps: list, packetizationMode: mode }));
        assert.deepEqual(parsed.pps.map(hex), list.map(hex));
        assert.deepEqual(parsed.sps.map(hex), [hex(h264Sps)]);
        assert.equal(parsed.packetizationMode, mode);
      }),
    );
  });
});

describe('H.265 fmtp (RFC 7798)', () => {
  it('reads sprop-vps/sps/pps from ffmpeg\'s SDP back to the stream\'s parameter sets', () => {
    const params = parseH265Fmtp(ffmpegFmtp('sdp_h265.sdp', 96));
    assert.deepEqual([params.vps.map(hex), params.sps.map(hex), params.pps.map(hex)], [[hex(h265Vps)], [hex(h265Sps)], [hex(h265Pps)]]);
  });

  it('writes the same base64 as ffmpeg', () => {
    const ffmpeg = ffmpegFmtp('sdp_h265.sdp', 96);
    assert.equal(
      h265Fmtp({ vps: h265Vps, sps: h265Sps, pps: h265Pps }),
      `sprop-vps=${ffmpeg.get('sprop-vps')};sprop-sps=${ffmpeg.get('sprop-sps')};sprop-pps=${ffmpeg.get('sprop-pps')}`,
    );
  });

  it('rejects parameter sets of the wrong type', () => {
    assert.throws(() => parseH265Fmtp(`sprop-vps=${Buffer.from(h265Sps).toString('base64')}`), (e: unknown) => isParseError(e, 'INVALID'));
    assert.throws(() => parseH265Fmtp('sprop-pps=RA'), (e: unknown) => isParseError(e, 'INVALID')); // one byte: no full header
    assert.throws(() => h265Fmtp({ vps: h265Sps, sps: h265Sps, pps: h265Pps }), RangeError);
    assert.deepEqual(parseH265Fmtp(''), { vps: [], sps: [], pps: [] });
  });

  it('round-trips arbitrary parameter set lists', () => {
    const nal = (type: number) => fc.uint8Array({ maxLength: 20 }).map((b) => Uint8Array.from([type << 1, 0x01, ...b]));
    fc.assert(
      fc.property(
        fc.array(nal(32), { minLength: 1, maxLength: 3 }), fc.array(nal(33), { minLength: 1, maxLength: 3 }), fc.array(nal(34), { minLength: 1, maxLength: 3 }),
        (vps, sps, pps) => {
          const parsed = parseH265Fmtp(h265Fmtp({ vps, sps, pps }));
          assert.deepEqual([parsed.vps, parsed.sps, parsed.pps].map((l) => l.map(hex)), [vps, sps, pps].map((l) => l.map(hex)));
        },
      ),
    );
  });
});

describe('fmtp parsers fuzz', () => {
  it('arbitrary parameter text gives parameter sets or a ParseError', () => {
    const keys = fc.constantFrom('packetization-mode', 'profile-level-id', 'sprop-parameter-sets', 'sprop-vps', 'sprop-sps', 'sprop-pps', 'x');
    const value = fc.oneof(fc.string({ maxLength: 30 }), fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b).toString('base64')));
    fc.assert(
      fc.property(fc.array(fc.tuple(keys, value), { maxLength: 5 }), fc.string({ unit: 'binary', maxLength: 40 }), (pairs, noise) => {
        for (const input of [pairs.map(([k, v]) => `${k}=${v}`).join(';'), noise]) {
          parsesOrParseError(() => parseH264Fmtp(input));
          parsesOrParseError(() => parseH265Fmtp(input));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

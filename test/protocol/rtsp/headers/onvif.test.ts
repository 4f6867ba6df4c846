import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ONVIF_BACKCHANNEL_FEATURE,
  ONVIF_REPLAY_FEATURE,
  formatDecimal,
  parseFeatureTags,
  parseFrames,
  parseImmediate,
  parseRateControl,
  parseScale,
  parseSpeed,
  serializeFeatureTags,
  serializeFrames,
  serializeYesNo,
  type FramesHeader,
} from '../../../../src/protocol/rtsp/headers/onvif.js';
import { onlyParseErrors, throwsCode } from '../helpers.js';

void describe('ONVIF replay headers', () => {
  void it('reads the Require feature tags of the ONVIF examples', () => {
    assert.deepEqual(parseFeatureTags('onvif-replay'), [ONVIF_REPLAY_FEATURE]);
    assert.deepEqual(parseFeatureTags('www.onvif.org/ver20/backchannel'), [ONVIF_BACKCHANNEL_FEATURE]);
    assert.deepEqual(parseFeatureTags(['onvif-replay, www.onvif.org/ver20/backchannel', ' x-y ,']), [
      'onvif-replay',
      'www.onvif.org/ver20/backchannel',
      'x-y',
    ]);
    assert.equal(serializeFeatureTags(['onvif-replay', ONVIF_BACKCHANNEL_FEATURE]), 'onvif-replay, www.onvif.org/ver20/backchannel');
    throwsCode(() => parseFeatureTags('onvif replay'), 'BAD_HEADER_VALUE');
    throwsCode(() => parseFeatureTags('a//b'), 'BAD_HEADER_VALUE');
  });

  void it('parses Rate-Control and Immediate yes/no', () => {
    assert.equal(parseRateControl('no'), false);
    assert.equal(parseRateControl(' YES '), true);
    assert.equal(parseImmediate('yes'), true);
    assert.equal(serializeYesNo(false), 'no');
    throwsCode(() => parseRateControl('false'), 'BAD_HEADER_VALUE');
    throwsCode(() => parseImmediate(''), 'BAD_HEADER_VALUE');
  });

  void it('parses Scale (negative for reverse) and Speed', () => {
    assert.equal(parseScale('-1.0'), -1);
    assert.equal(parseScale('1.0'), 1);
    assert.equal(parseScale('0.5'), 0.5);
    assert.equal(parseScale('2.'), 2);
    assert.ok(Object.is(parseScale('-0'), 0));
    assert.equal(parseSpeed('2.5'), 2.5);
    for (const bad of ['', '+1', '.5', '1e3', '--1', 'fast', '1.0.0']) throwsCode(() => parseScale(bad), 'BAD_HEADER_VALUE');
    for (const bad of ['-1', '0', '0.0']) throwsCode(() => parseSpeed(bad), 'BAD_HEADER_VALUE');
    assert.equal(formatDecimal(-1), '-1.0');
    assert.equal(formatDecimal(0.25), '0.25');
    assert.equal(formatDecimal(1e-7), '0.0000001');
    assert.equal(formatDecimal(1e-10), '0.0');
    assert.equal(formatDecimal(-1e-10), '0.0');
  });

  void it('parses the Frames examples', () => {
    const vectors: Array<[string, FramesHeader]> = [
      ['intra', { mode: 'intra' }],
      ['intra/4000', { mode: 'intra', intervalMs: 4000 }],
      ['predicted', { mode: 'predicted' }],
      ['all', { mode: 'all' }],
    ];
    for (const [text, frames] of vectors) {
      assert.deepEqual(parseFrames(text), frames);
      assert.equal(serializeFrames(frames), text);
    }
    for (const bad of ['', 'intra/', 'intra/x', 'predicted/100', 'all/1', 'some', 'intra/-1']) throwsCode(() => parseFrames(bad), 'BAD_HEADER_VALUE');
  });

  void it('round-trips and throws only RtspParseError (fuzz)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (n) => {
        const text = formatDecimal(n);
        const back = parseScale(text);
        assert.ok(Math.abs(back - n) <= 5e-10 * Math.max(1, Math.abs(n)), `${n} -> ${text} -> ${back}`);
        assert.equal(formatDecimal(back), text, 'formatting is stable');
      }),
    );
    const frames = fc.oneof(
      fc.constant<FramesHeader>({ mode: 'all' }),
      fc.constant<FramesHeader>({ mode: 'predicted' }),
      fc.constant<FramesHeader>({ mode: 'intra' }),
      fc.integer({ min: 0, max: 999_999_999 }).map((intervalMs): FramesHeader => ({ mode: 'intra', intervalMs })),
    );
    fc.assert(fc.property(frames, (f) => assert.deepEqual(parseFrames(serializeFrames(f)), f)));
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        for (const parse of [parseFeatureTags, parseRateControl, parseImmediate, parseScale, parseSpeed, parseFrames]) {
          onlyParseErrors(() => parse(text));
        }
      }),
      { numRuns: 300 },
    );
  });
});

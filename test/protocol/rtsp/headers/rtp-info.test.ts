import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseRtpInfo, serializeRtpInfo, type RtpInfoEntry } from '../../../../src/protocol/rtsp/headers/rtp-info.js';
import { onlyParseErrors, throwsCode } from '../helpers.js';

void describe('RTP-Info header', () => {
  void it('parses the ONVIF PLAY response (two streams, spaces after ";")', () => {
    const value =
      'url=rtsp://example.com/onvif_camera/video; seq=1234;rtptime=3450012, url=rtsp://example.com/onvif_camera/audio; seq=22434;rtptime=1234566';
    assert.deepEqual(parseRtpInfo(value), [
      { url: 'rtsp://example.com/onvif_camera/video', seq: 1234, rtptime: 3450012 },
      { url: 'rtsp://example.com/onvif_camera/audio', seq: 22434, rtptime: 1234566 },
    ]);
  });

  void it('parses the RFC 2326 §12.33 example and serializes canonically', () => {
    const entries = parseRtpInfo('url=rtsp://foo.com/bar.avi/streamid=0;seq=45102,url=rtsp://foo.com/bar.avi/streamid=1;seq=30211');
    assert.deepEqual(entries, [
      { url: 'rtsp://foo.com/bar.avi/streamid=0', seq: 45102 },
      { url: 'rtsp://foo.com/bar.avi/streamid=1', seq: 30211 },
    ]);
    assert.equal(
      serializeRtpInfo(entries),
      'url=rtsp://foo.com/bar.avi/streamid=0;seq=45102,url=rtsp://foo.com/bar.avi/streamid=1;seq=30211',
    );
  });

  void it('keeps commas and semicolons that belong to the URL', () => {
    assert.deepEqual(parseRtpInfo('url=rtsp://h/a,b;c;seq=1;rtptime=2;ssrc=ABCD'), [{ url: 'rtsp://h/a,b;c', seq: 1, rtptime: 2 }]);
  });

  void it('rejects malformed values with BAD_RTP_INFO', () => {
    for (const text of ['', 'seq=1', 'url=', 'url=rtsp://h/;seq=65536', 'url=rtsp://h/;rtptime=4294967296', 'url=rtsp://h/;seq=x', 'url=rtsp://h/;seq=1;seq=2', 'url=a, url=']) {
      throwsCode(() => parseRtpInfo(text), 'BAD_RTP_INFO');
    }
    assert.throws(() => serializeRtpInfo([]), TypeError);
    assert.throws(() => serializeRtpInfo([{ url: 'rtsp://h/a;seq=1' }]), TypeError);
    assert.throws(() => serializeRtpInfo([{ url: 'rtsp://h/a,url=x' }]), TypeError);
    assert.throws(() => serializeRtpInfo([{ url: 'rtsp://h/', seq: 70000 }]), RangeError);
  });

  void it('round-trips and throws only RtspParseError (fuzz)', () => {
    const entry: fc.Arbitrary<RtpInfoEntry> = fc
      .record(
        {
          url: fc.stringMatching(/^rtsp:\/\/[a-z0-9.]{1,12}(\/[A-Za-z0-9_.=-]{0,10}){0,3}$/),
          seq: fc.integer({ min: 0, max: 0xffff }),
          rtptime: fc.integer({ min: 0, max: 0xffffffff }),
        },
        { requiredKeys: ['url'] },
      )
      .map((e) => ({ ...e }));
    fc.assert(fc.property(fc.array(entry, { minLength: 1, maxLength: 4 }), (entries) => {
      assert.deepEqual(parseRtpInfo(serializeRtpInfo(entries)), entries);
    }));
    const text = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.array(fc.constantFrom('url=', 'rtsp://h/a', ';', ',', 'seq=', 'rtptime=', '12', ' ', '='), { maxLength: 14 }).map((p) => p.join('')),
    );
    fc.assert(fc.property(text, (value) => onlyParseErrors(() => parseRtpInfo(value))), { numRuns: 500 });
  });
});

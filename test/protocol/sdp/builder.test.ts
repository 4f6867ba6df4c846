import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitAnnexB } from '../../../src/protocol/codec/annexb.js';
import { ascHex } from '../../../src/protocol/codec/aac.js';
import { nalType } from '../../../src/protocol/codec/h264.js';
import { SdpBuilder } from '../../../src/protocol/sdp/builder.js';
import { h264Fmtp, parseH264Fmtp } from '../../../src/protocol/sdp/fmtp.js';
import { getControl, getDirection, getFmtp, getRange, getRtpMap, parseSdp } from '../../../src/protocol/sdp/sdp.js';
import { fixture } from '../codec/_helpers.js';

describe('SdpBuilder', () => {
  it('builds the DESCRIBE answer of an RTSP server and reads back through the parser', () => {
    const nals = splitAnnexB(fixture('h264_640x360_high.h264'));
    const sps = nals.find((n) => nalType(n) === 7)!;
    const pps = nals.find((n) => nalType(n) === 8)!;
    const text = new SdpBuilder({
      sessionName: 'Vigil',
      origin: { sessionId: '3900000000', sessionVersion: '1', address: '192.0.2.10' },
      connection: { netType: 'IN', addrType: 'IP4', address: '0.0.0.0' },
    })
      .attribute('control', '*')
      .attribute('range', 'npt=now-')
      .media({ type: 'video', payloadType: 96, encoding: 'H264', clockRate: 90000, fmtp: h264Fmtp({ sps, pps }), control: 'trackID=0', direction: 'sendonly', bandwidthKbps: 2000 })
      .media({ type: 'audio', payloadType: 97, encoding: 'MPEG4-GENERIC', clockRate: 48000, channels: 2, control: 'trackID=1',
        fmtp: { streamtype: '5', 'profile-level-id': '1', mode: 'AAC-hbr', sizelength: '13', indexlength: '3', indexdeltalength: '3',
          config: ascHex({ objectType: 2, samplingFrequency: 48000, channelConfiguration: 2 }) } })
      .media({ type: 'audio', payloadType: 0, encoding: 'PCMU', clockRate: 8000, control: 'trackID=2', attributes: [{ name: 'ptime', value: '20' }] })
      .toString();

    assert.match(text, /^v=0\r\no=- 3900000000 1 IN IP4 192\.0\.2\.10\r\ns=Vigil\r\nc=IN IP4 0\.0\.0\.0\r\nt=0 0\r\na=control:\*\r\n/);
    assert.ok(text.includes('m=video 0 RTP/AVP 96\r\nb=AS:2000\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1;'));
    const sdp = parseSdp(text);
    const [video, aac, pcmu] = sdp.media;
    assert.ok(video && aac && pcmu);
    assert.deepEqual(getRange(sdp), { unit: 'npt', start: 'now' });
    assert.equal(getControl(video), 'trackID=0');
    assert.equal(getDirection(sdp, video), 'sendonly');
    assert.deepEqual(parseH264Fmtp(getFmtp(video, 96)!).sps, [sps]);
    assert.deepEqual(getRtpMap(aac, 97), { payloadType: 97, encoding: 'MPEG4-GENERIC', clockRate: 48000, channels: 2 });
    assert.equal(getFmtp(aac, 97)?.get('config'), '1190');
    assert.deepEqual(pcmu.attributes.map((a) => a.name), ['rtpmap', 'control', 'ptime']);
    assert.deepEqual(new SdpBuilder().build().origin, { username: '-', sessionId: '0', sessionVersion: '0', netType: 'IN', addrType: 'IP4', address: '0.0.0.0' });
  });

  it('returns independent copies from build() and validates what it writes', () => {
    const builder = new SdpBuilder({ information: 'camera 1' });
    const first = builder.build();
    first.attributes.push({ name: 'tampered' });
    assert.deepEqual(builder.build().attributes, []);
    assert.equal(builder.build().information, 'camera 1');
    assert.throws(() => builder.media({ type: 'video', payloadType: 128, encoding: 'H264', clockRate: 90000 }), RangeError);
    assert.throws(() => builder.media({ type: 'video', port: 70000, payloadType: 96, encoding: 'H264', clockRate: 90000 }), RangeError);
    assert.throws(() => new SdpBuilder({ sessionName: 'a\r\nb' }).toString(), RangeError);
    assert.throws(() => new SdpBuilder().media({ type: 'video', payloadType: 96, encoding: 'H264', clockRate: 90000, control: 'x\ny' }).toString(), RangeError);
  });
});

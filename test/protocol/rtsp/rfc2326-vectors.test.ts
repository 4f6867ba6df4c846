// The RFC 2326 §14 example exchanges, read by the reader and their header values parsed by the
// header modules: the layers working together on text written by someone else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRange } from '../../../src/protocol/rtsp/headers/range.js';
import { parseRtpInfo } from '../../../src/protocol/rtsp/headers/rtp-info.js';
import { parseSession } from '../../../src/protocol/rtsp/headers/session.js';
import { parseTransport, parseTransports } from '../../../src/protocol/rtsp/headers/transport.js';
import { RtspReader } from '../../../src/protocol/rtsp/reader.js';
import { drain, enc, throwsCode } from './helpers.js';

const lines = (...l: string[]): string => `${l.join('\r\n')}\r\n\r\n`;

void describe('RFC 2326 §14 examples', () => {
  void it('§14.1 media on demand (unicast)', () => {
    const reader = new RtspReader();
    reader.push(
      enc(
        lines('SETUP rtsp://audio.example.com/twister/audio.en RTSP/1.0', 'CSeq: 1', 'Transport: RTP/AVP/UDP;unicast;client_port=3056-3057') +
          lines('RTSP/1.0 200 OK', 'CSeq: 1', 'Session: 12345678', 'Transport: RTP/AVP/UDP;unicast;client_port=3056-3057;server_port=5000-5001') +
          lines('PLAY rtsp://video.example.com/twister/video RTSP/1.0', 'CSeq: 2', 'Session: 23456789', 'Range: smpte=0:10:00-') +
          lines(
            'RTSP/1.0 200 OK',
            'CSeq: 2',
            'Session: 23456789',
            'Range: smpte=0:10:00-0:20:00',
            'RTP-Info: url=rtsp://video.example.com/twister/video;seq=12312232;rtptime=78712811',
          ),
      ),
    );
    const [setup, setupReply, play, playReply] = drain(reader).map((i) => (i.kind === 'interleaved' ? assert.fail() : i.msg));
    assert.deepEqual(parseTransports(setup!.headers.get('Transport')!), [
      { profile: 'RTP/AVP', lowerTransport: 'UDP', delivery: 'unicast', clientPort: { start: 3056, end: 3057 } },
    ]);
    assert.deepEqual(parseTransport(setupReply!.headers.get('Transport')!).serverPort, { start: 5000, end: 5001 });
    assert.deepEqual(parseSession(setupReply!.headers.get('Session')!), { id: '12345678' });
    assert.deepEqual(parseRange(play!.headers.get('Range')!), { unit: 'smpte', start: { hours: 0, minutes: 10, seconds: 0 } });
    assert.deepEqual(parseRange(playReply!.headers.get('Range')!), {
      unit: 'smpte',
      start: { hours: 0, minutes: 10, seconds: 0 },
      end: { hours: 0, minutes: 20, seconds: 0 },
    });
    // The RFC's seq=12312232 does not fit RTP's 16-bit sequence number (a known erratum).
    throwsCode(() => parseRtpInfo(playReply!.headers.get('RTP-Info')!), 'BAD_RTP_INFO');
  });

  void it('§14.3 live media presentation using multicast', () => {
    const reader = new RtspReader();
    reader.push(
      enc(
        lines('SETUP rtsp://live.example.com/concert/audio RTSP/1.0', 'CSeq: 2', 'Transport: RTP/AVP;multicast') +
          lines(
            'RTSP/1.0 200 OK',
            'CSeq: 2',
            'Transport: RTP/AVP;multicast;destination=224.2.0.1;port=3456-3457;ttl=16',
            'Session: 0456804596',
          ) +
          lines('PLAY rtsp://live.example.com/concert/audio RTSP/1.0', 'CSeq: 3', 'Session: 0456804596'),
      ),
    );
    const [setup, reply, play] = drain(reader).map((i) => (i.kind === 'interleaved' ? assert.fail() : i.msg));
    assert.deepEqual(parseTransport(setup!.headers.get('transport')!), { profile: 'RTP/AVP', delivery: 'multicast' });
    assert.deepEqual(parseTransport(reply!.headers.get('transport')!), {
      profile: 'RTP/AVP',
      delivery: 'multicast',
      destination: '224.2.0.1',
      port: { start: 3456, end: 3457 },
      ttl: 16,
    });
    assert.equal(parseSession(play!.headers.get('session')!).id, '0456804596');
  });

  void it('§10.12 embedded (interleaved) binary data between messages', () => {
    const reader = new RtspReader();
    const rtp = [0x80, 0x60, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1];
    reader.push(
      new Uint8Array([
        ...enc(lines('RTSP/1.0 200 OK', 'CSeq: 2', 'Session: 12345678', 'Transport: RTP/AVP/TCP;interleaved=0-1')),
        0x24, 0x00, 0x00, rtp.length, ...rtp,
        0x24, 0x01, 0x00, 0x00,
      ]),
    );
    const items = drain(reader);
    assert.deepEqual(items.map((i) => i.kind), ['response', 'interleaved', 'interleaved']);
    assert.deepEqual(items[1]!.kind === 'interleaved' ? [...items[1]!.payload] : [], rtp);
    assert.equal(items[2]!.kind === 'interleaved' ? items[2]!.channel : -1, 1);
  });
});

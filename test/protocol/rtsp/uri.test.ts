import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  formatRtspUri,
  parseRtspUri,
  resolveControl,
  splitTrackControl,
  trackControl,
} from '../../../src/protocol/rtsp/uri.js';
import { onlyParseErrors, throwsCode } from './helpers.js';

void describe('RTSP URIs', () => {
  void it('parses rtsp, rtsps and rtsph URIs with default ports', () => {
    assert.deepEqual(parseRtspUri('rtsp://example.com/onvif_camera'), {
      scheme: 'rtsp',
      host: 'example.com',
      port: 554,
      path: '/onvif_camera',
      query: '',
    });
    assert.equal(parseRtspUri('rtsps://cam.local/s').port, 322);
    assert.equal(parseRtspUri('rtsph://cam.local/s').port, 80);
    assert.equal(parseRtspUri('rtsp://192.168.0.1').path, '/');
    assert.deepEqual(parseRtspUri('rtsp://admin:p%40ss@[fe80::1]:8554/Streaming/Channels/101?transportmode=unicast&profile=Profile_1'), {
      scheme: 'rtsp',
      host: '[fe80::1]',
      port: 8554,
      path: '/Streaming/Channels/101',
      query: 'transportmode=unicast&profile=Profile_1',
      username: 'admin',
      password: 'p@ss',
    });
  });

  void it('resolves dot segments so a path cannot climb out', () => {
    assert.equal(parseRtspUri('rtsp://h/a/../../etc/passwd').path, '/etc/passwd');
    assert.equal(parseRtspUri('rtsp://h/a/./b').path, '/a/b');
  });

  void it('formats without user info and without default ports', () => {
    assert.equal(formatRtspUri(parseRtspUri('rtsp://u:p@h:554/a?b=1')), 'rtsp://h/a?b=1');
    assert.equal(formatRtspUri(parseRtspUri('rtsps://h:8322/a')), 'rtsps://h:8322/a');
  });

  void it('rejects other schemes and malformed URIs with BAD_URI', () => {
    for (const bad of ['*', '', 'http://h/', 'rtsp:/path', 'rtsp:///path', 'rtsp://h:99999/', 'rtsp://u:%zz@h/', 'ws:/webSocketServer']) {
      throwsCode(() => parseRtspUri(bad), 'BAD_URI');
    }
  });

  void it('never throws anything but RtspParseError (fuzz)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ maxLength: 30 }).map((s) => `rtsp://${s}`)), (text) => {
        onlyParseErrors(() => {
          const uri = parseRtspUri(text);
          assert.equal(parseRtspUri(formatRtspUri(uri)).path, uri.path);
        });
      }),
      { numRuns: 500 },
    );
  });
});

void describe('control URLs', () => {
  void it('resolves SDP controls against Content-Base (RFC 2326 §C.1.1)', () => {
    assert.equal(resolveControl('rtsp://h/s/', 'trackID=1'), 'rtsp://h/s/trackID=1');
    assert.equal(resolveControl('rtsp://h/s', 'trackID=1'), 'rtsp://h/s/trackID=1');
    assert.equal(resolveControl('rtsp://h/s/', '*'), 'rtsp://h/s/');
    assert.equal(resolveControl('rtsp://h/s/', undefined), 'rtsp://h/s/');
    assert.equal(resolveControl('rtsp://h/s/', 'rtsp://192.168.0.1/video/trackID=2'), 'rtsp://192.168.0.1/video/trackID=2');
    assert.equal(resolveControl('rtsp://h:8554/s/', '/other/track'), 'rtsp://h:8554/other/track');
    assert.equal(resolveControl('rtsp://h/media?profile=1', 'trackID=0'), 'rtsp://h/media?profile=1/trackID=0');
  });

  void it('tells aggregate from track request URIs', () => {
    assert.deepEqual(splitTrackControl('rtsp://h/s/trackID=1'), { aggregate: 'rtsp://h/s', trackId: 1 });
    assert.deepEqual(splitTrackControl('rtsp://h/s/TRACKID=12/'), { aggregate: 'rtsp://h/s', trackId: 12 });
    assert.deepEqual(splitTrackControl('rtsp://h/s/'), { aggregate: 'rtsp://h/s' });
    assert.deepEqual(splitTrackControl('rtsp://h/s'), { aggregate: 'rtsp://h/s' });
    assert.deepEqual(splitTrackControl('rtsp://h/trackID=x'), { aggregate: 'rtsp://h/trackID=x' });
    const base = 'rtsp://h/replay/rec1/';
    assert.deepEqual(splitTrackControl(resolveControl(base, trackControl(3))), { aggregate: 'rtsp://h/replay/rec1', trackId: 3 });
    assert.throws(() => trackControl(-1), RangeError);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isParseError } from '../../../src/protocol/codec/errors.js';
import {
  SDP_MAX_BYTES,
  formatFmtpParameters,
  getAttribute,
  getAttributes,
  getControl,
  getDirection,
  getFmtp,
  getRange,
  getRtpMap,
  getRtpMaps,
  parseFmtpParameters,
  parseSdp,
  resolveControlUrl,
  serializeSdp,
  type SessionDescription,
} from '../../../src/protocol/sdp/sdp.js';
import { fixture, parsesOrParseError } from '../codec/_helpers.js';

const crlf = (lines: string[]) => lines.join('\r\n') + '\r\n';

/** The example of RFC 4566 section 5. */
const RFC4566_EXAMPLE = crlf([
  'v=0',
  'o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5',
  's=SDP Seminar',
  'i=A Seminar on the session description protocol',
  'u=http://www.example.com/seminars/sdp.pdf',
  'e=j.doe@example.com (Jane Doe)',
  'c=IN IP4 224.2.17.12/127',
  't=2873397496 2873404696',
  'a=recvonly',
  'm=audio 49170 RTP/AVP 0',
  'm=video 51372 RTP/AVP 99',
  'a=rtpmap:99 h263-1998/90000',
]);

/** Shaped like the DESCRIBE answers of common IP cameras: LF only, relative controls, npt range. */
const CAMERA_SDP = [
  'v=0',
  'o=- 1700000000000000 1 IN IP4 192.168.1.64',
  's=Media Presentation',
  'e=NONE',
  'b=AS:5100',
  't=0 0',
  'a=control:rtsp://192.168.1.64:554/Streaming/Channels/101/',
  'a=range:npt=0.000-',
  'm=video 0 RTP/AVP 96',
  'c=IN IP4 0.0.0.0',
  'b=AS:5000',
  'a=recvonly',
  'a=x-dimensions:1920,1080',
  'a=control: trackID=1 ',
  'a=rtpmap:96 H264/90000',
  'a=fmtp:96 profile-level-id=420029; packetization-mode=1; sprop-parameter-sets=Z00AKZpkA8ARPyzUBAQFAAADA+gAAOpgBA==,aO48gA==',
  'm=audio 0 RTP/AVP 8',
  'c=IN IP4 0.0.0.0',
  'a=rtpmap:8 PCMA/8000',
  'a=control:trackID=2',
  'a=Media_header:MEDIAINFO=494D4B48010100000400000111710110401F000000FA000000000000000000000000000000000000;',
  '',
].join('\n');

describe('parseSdp', () => {
  it('parses the RFC 4566 example and serializes it back byte for byte', () => {
    const sdp = parseSdp(RFC4566_EXAMPLE);
    assert.deepEqual(sdp.origin, {
      username: 'jdoe', sessionId: '2890844526', sessionVersion: '2890842807', netType: 'IN', addrType: 'IP4', address: '10.47.16.5',
    });
    assert.equal(sdp.sessionName, 'SDP Seminar');
    assert.equal(sdp.uri, 'http://www.example.com/seminars/sdp.pdf');
    assert.deepEqual(sdp.emails, ['j.doe@example.com (Jane Doe)']);
    assert.deepEqual(sdp.connection, { netType: 'IN', addrType: 'IP4', address: '224.2.17.12/127' });
    assert.deepEqual(sdp.timings, [{ start: '2873397496', stop: '2873404696', repeats: [] }]);
    assert.deepEqual(sdp.media.map((m) => [m.type, m.port, m.proto, m.formats]), [
      ['audio', 49170, 'RTP/AVP', ['0']],
      ['video', 51372, 'RTP/AVP', ['99']],
    ]);
    assert.deepEqual(getRtpMap(sdp.media[1]!, 99), { payloadType: 99, encoding: 'h263-1998', clockRate: 90000 });
    assert.equal(getDirection(sdp, sdp.media[0]), 'recvonly');
    assert.equal(serializeSdp(sdp), RFC4566_EXAMPLE);
  });

  for (const file of ['sdp_h264_aac.sdp', 'sdp_h265.sdp', 'sdp_jpeg_pcmu.sdp']) {
    it(`${file} (ffmpeg's RTP muxer): parses and serializes back byte for byte`, () => {
      const text = new TextDecoder().decode(fixture(file));
      const sdp = parseSdp(fixture(file));
      assert.ok(sdp.media.length >= 1);
      assert.equal(serializeSdp(sdp), text);
      assert.deepEqual(parseSdp(text.replaceAll('\r\n', '\n')), sdp, 'LF-only input parses the same');
    });
  }

  it('reads rtpmap, fmtp and bandwidth from the ffmpeg H.264 + AAC description', () => {
    const sdp = parseSdp(fixture('sdp_h264_aac.sdp'));
    const [video, audio] = sdp.media;
    assert.ok(video && audio);
    assert.deepEqual(getRtpMap(video, 96), { payloadType: 96, encoding: 'H264', clockRate: 90000 });
    assert.deepEqual(getRtpMap(audio, 97), { payloadType: 97, encoding: 'MPEG4-GENERIC', clockRate: 48000, channels: 2 });
    assert.deepEqual(Object.fromEntries(getFmtp(audio, 97) ?? []), {
      'profile-level-id': '1', mode: 'AAC-hbr', sizelength: '13', indexlength: '3', indexdeltalength: '3', config: '1190',
    });
    assert.equal(getFmtp(video, 96)?.get('profile-level-id'), '64001E');
    assert.equal(getFmtp(video, 97), undefined);
    assert.deepEqual(audio.bandwidths, [{ type: 'AS', value: 30 }]);
    assert.equal(getAttribute(sdp, 'tool'), 'libavformat LIBAVFORMAT_VERSION');
  });

  it('reads static payload types, control, range and direction from a camera-style description', () => {
    const sdp = parseSdp(CAMERA_SDP);
    const [video, audio] = sdp.media;
    assert.ok(video && audio);
    assert.equal(getControl(video), 'trackID=1');
    const base = getControl(sdp) ?? '';
    assert.equal(resolveControlUrl(base, getControl(video)), 'rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=1');
    assert.equal(resolveControlUrl('rtsp://cam/live', 'trackID=2'), 'rtsp://cam/live/trackID=2');
    assert.equal(resolveControlUrl('rtsp://cam/live', '*'), 'rtsp://cam/live');
    assert.equal(resolveControlUrl('rtsp://cam/live', 'rtsp://other/x'), 'rtsp://other/x');
    assert.deepEqual(getRange(sdp), { unit: 'npt', start: '0.000' });
    assert.deepEqual(getRtpMap(audio, 8), { payloadType: 8, encoding: 'PCMA', clockRate: 8000 });
    assert.equal(getDirection(sdp, video), 'recvonly');
    assert.equal(getDirection(sdp, audio), 'sendrecv');
    assert.equal(getFmtp(video, 96)?.get('sprop-parameter-sets'), 'Z00AKZpkA8ARPyzUBAQFAAADA+gAAOpgBA==,aO48gA==');
    assert.deepEqual(getAttributes(video, 'X-DIMENSIONS'), ['1920,1080']);
    assert.deepEqual(sdp.bandwidths, [{ type: 'AS', value: 5100 }]);
  });

  it('tolerates missing o=/s=/t=, blank lines and unknown type letters', () => {
    const sdp = parseSdp('v=0\n\nx=whatever\nm=video 0 RTP/AVP 26\ny=1\n');
    assert.equal(sdp.origin, undefined);
    assert.deepEqual([sdp.sessionName, sdp.timings, sdp.media.length], ['', [], 1]);
    assert.match(serializeSdp(sdp), /^v=0\r\no=- 0 0 IN IP4 0\.0\.0\.0\r\ns= \r\nt=0 0\r\nm=video 0 RTP\/AVP 26\r\n$/);
  });

  it('reads ranges in clock and smpte units, repeats and multiple ports', () => {
    const sdp = parseSdp('v=0\r\nt=0 0\r\nr=604800 3600 0 90000\r\na=range:clock=19961108T143720.25Z-19961108T143820Z\r\nm=video 5000/2 RTP/AVP 96 97\r\n');
    assert.deepEqual(getRange(sdp), { unit: 'clock', start: '19961108T143720.25Z', end: '19961108T143820Z' });
    assert.deepEqual(sdp.timings[0]?.repeats, ['604800 3600 0 90000']);
    assert.deepEqual([sdp.media[0]?.port, sdp.media[0]?.numberOfPorts, sdp.media[0]?.formats], [5000, 2, ['96', '97']]);
    assert.equal(getRange(parseSdp('v=0\na=range:npt=now-\n'))?.start, 'now');
  });

  it('rejects garbage and structural errors with ParseError', () => {
    const invalid: Array<[string, string]> = [
      ['empty', ''],
      ['not v= first', 's=x\nv=0\n'],
      ['version 1', 'v=1\n'],
      ['no = sign', 'v=0\nhello\n'],
      ['upper-case type', 'v=0\nS=x\n'],
      ['duplicate o=', 'v=0\no=- 1 1 IN IP4 a\no=- 1 1 IN IP4 a\n'],
      ['duplicate v=', 'v=0\nv=0\n'],
      ['short o=', 'v=0\no=- 1 1 IN IP4\n'],
      ['bad t=', 'v=0\nt=now later\n'],
      ['r= without t=', 'v=0\nr=1 2 3\n'],
      ['bad c=', 'v=0\nc=IN IP4\n'],
      ['bad b=', 'v=0\nb=AS\n'],
      ['bad port', 'v=0\nm=video 70000 RTP/AVP 96\n'],
      ['port count 0', 'v=0\nm=video 5000/0 RTP/AVP 96\n'],
      ['short m=', 'v=0\nm=video 0\n'],
      ['t= inside media', 'v=0\nm=video 0 RTP/AVP 96\nt=0 0\n'],
      ['bad attribute name', 'v=0\na=bad name:1\n'],
      ['NUL', 'v=0\ns=a\0b\n'],
    ];
    for (const [what, text] of invalid) {
      assert.throws(() => parseSdp(text), (e: unknown) => isParseError(e), what);
    }
  });

  it('is bounded: more than 64 KiB or 64 media descriptions is TOO_LARGE', () => {
    const big = 'v=0\n' + `a=x:${'y'.repeat(SDP_MAX_BYTES)}\n`;
    assert.throws(() => parseSdp(big), (e: unknown) => isParseError(e, 'TOO_LARGE'));
    assert.throws(() => parseSdp(new TextEncoder().encode(big)), (e: unknown) => isParseError(e, 'TOO_LARGE'));
    const media = (n: number) => 'v=0\n' + 'm=audio 0 RTP/AVP 0\n'.repeat(n);
    assert.equal(parseSdp(media(64)).media.length, 64);
    assert.throws(() => parseSdp(media(65)), (e: unknown) => isParseError(e, 'TOO_LARGE'));
  });

  it('rejects malformed rtpmap/fmtp/range only when they are read', () => {
    const sdp = parseSdp('v=0\na=range:bogus\nm=video 0 RTP/AVP 96\na=rtpmap:96 H264\na=fmtp:x y\n');
    const media = sdp.media[0]!;
    assert.throws(() => getRtpMaps(media), (e: unknown) => isParseError(e, 'INVALID'));
    assert.throws(() => getFmtp(media, 96), (e: unknown) => isParseError(e, 'INVALID'));
    assert.throws(() => getRange(sdp), (e: unknown) => isParseError(e, 'INVALID'));
  });
});

describe('fmtp parameter lists', () => {
  it('splits on ";", trims, lowercases keys and keeps "=" inside values', () => {
    const params = parseFmtpParameters(' Packetization-Mode=1 ;sprop-parameter-sets=Z0IAH5WoFAFuQA==,aM48gA==; flag;');
    assert.deepEqual([...params], [['packetization-mode', '1'], ['sprop-parameter-sets', 'Z0IAH5WoFAFuQA==,aM48gA=='], ['flag', '']]);
    assert.equal(formatFmtpParameters(params), 'packetization-mode=1;sprop-parameter-sets=Z0IAH5WoFAFuQA==,aM48gA==;flag');
    assert.throws(() => parseFmtpParameters('=1'), (e: unknown) => isParseError(e, 'INVALID'));
  });
});

describe('SDP round trip and fuzz', () => {
  const token = fc.stringMatching(/^[A-Za-z0-9.\-_]{1,12}$/);
  const text = fc.string({ maxLength: 30 }); // printable ASCII
  const nonEmpty = fc.string({ minLength: 1, maxLength: 30 });
  const connection = fc.record({ netType: token, addrType: token, address: token });
  const bandwidth = fc.record({ type: token, value: fc.nat() });
  const attribute = fc.oneof(fc.record({ name: token }), fc.record({ name: token, value: text }));
  const media = fc
    .record({
      type: token,
      port: fc.integer({ min: 0, max: 65535 }),
      numberOfPorts: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
      proto: fc.stringMatching(/^[A-Za-z0-9/]{1,12}$/),
      formats: fc.array(token, { maxLength: 4 }),
      information: fc.option(text, { nil: undefined }),
      connections: fc.array(connection, { maxLength: 2 }),
      bandwidths: fc.array(bandwidth, { maxLength: 2 }),
      key: fc.option(text, { nil: undefined }),
      attributes: fc.array(attribute, { maxLength: 5 }),
    });
  const session = fc.record({
    version: fc.constant(0),
    origin: fc.record({ username: token, sessionId: token, sessionVersion: token, netType: token, addrType: token, address: token }),
    sessionName: nonEmpty,
    information: fc.option(text, { nil: undefined }),
    uri: fc.option(text, { nil: undefined }),
    emails: fc.array(text, { maxLength: 2 }),
    phones: fc.array(text, { maxLength: 2 }),
    connection: fc.option(connection, { nil: undefined }),
    bandwidths: fc.array(bandwidth, { maxLength: 2 }),
    timings: fc.array(
      fc.record({ start: fc.stringMatching(/^\d{1,10}$/), stop: fc.stringMatching(/^\d{1,10}$/), repeats: fc.array(text, { maxLength: 2 }) }),
      { minLength: 1, maxLength: 2 },
    ),
    timeZones: fc.option(text, { nil: undefined }),
    key: fc.option(text, { nil: undefined }),
    attributes: fc.array(attribute, { maxLength: 5 }),
    media: fc.array(media, { maxLength: 4 }),
  });

  /** JSON drops undefined optional fields, which is how parseSdp leaves absent ones. */
  const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

  it('parseSdp(serializeSdp(d)) equals d for generated descriptions', () => {
    fc.assert(
      fc.property(session, (d) => {
        const wire = serializeSdp(d as SessionDescription);
        assert.deepEqual(plain(parseSdp(wire)), plain(d));
        assert.equal(serializeSdp(parseSdp(wire)), wire);
      }),
    );
  });

  it('refuses to serialize values containing line breaks (no field injection)', () => {
    const sdp = parseSdp(RFC4566_EXAMPLE);
    assert.throws(() => serializeSdp({ ...sdp, sessionName: 'x\r\na=injected' }), RangeError);
    assert.throws(() => serializeSdp({ ...sdp, attributes: [{ name: 'control', value: 'a\nb' }] }), RangeError);
    assert.throws(() => serializeSdp({ ...sdp, attributes: [{ name: 'a b' }] }), RangeError);
  });

  it('fuzz: arbitrary text and mutated descriptions parse or throw ParseError', () => {
    const lines = fc.array(fc.tuple(fc.constantFrom(...'vosiuepcbtrzkamx'), fc.string({ maxLength: 20 })).map(([l, v]) => `${l}=${v}`), { maxLength: 20 });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          lines.map((ls) => ['v=0', ...ls].join('\r\n')),
          fc.tuple(fc.nat(CAMERA_SDP.length), fc.string({ unit: 'binary', maxLength: 3 })).map(([at, s]) => CAMERA_SDP.slice(0, at) + s + CAMERA_SDP.slice(at)),
        ),
        (input) => {
          const result = parsesOrParseError(() => parseSdp(input));
          if ('code' in result) return;
          // Whatever parsed also serializes, and the helpers only ever throw ParseError.
          serializeSdp(result);
          for (const m of result.media) {
            parsesOrParseError(() => getRtpMaps(m));
            parsesOrParseError(() => getFmtp(m, 96));
          }
          parsesOrParseError(() => getRange(result));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

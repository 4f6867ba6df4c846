import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RtspHeaders } from '../../../src/protocol/rtsp/header-map.js';
import { encodeInterleavedFrame, encodeInterleavedHeader } from '../../../src/protocol/rtsp/interleaved.js';
import {
  RTSP_REASON_PHRASES,
  createRequest,
  createResponse,
  reasonPhrase,
  serializeRequest,
  serializeResponse,
} from '../../../src/protocol/rtsp/message.js';
import { RtspReader } from '../../../src/protocol/rtsp/reader.js';
import { dec, drain, enc, plain } from './helpers.js';

void describe('RtspHeaders', () => {
  void it('looks names up case-insensitively and keeps wire order and spelling', () => {
    const h = new RtspHeaders([
      ['CSeq', '1'],
      ['Require', 'onvif-replay'],
      ['require', 'www.onvif.org/ver20/backchannel'],
    ]);
    assert.equal(h.get('cseq'), '1');
    assert.equal(h.get('REQUIRE'), 'onvif-replay');
    assert.deepEqual(h.getAll('Require'), ['onvif-replay', 'www.onvif.org/ver20/backchannel']);
    assert.equal(h.has('session'), false);
    assert.equal(h.get('session'), undefined);
    assert.equal(h.size, 3);
  });

  void it('set() replaces all values at the first position; delete() removes all', () => {
    const h = new RtspHeaders({ A: '1', B: '2' }).append('a', '3').append('C', '4');
    h.set('a', 'x');
    assert.deepEqual([...h], [
      ['a', 'x'],
      ['B', '2'],
      ['C', '4'],
    ]);
    h.set('D', 'new');
    assert.deepEqual([...h].at(-1), ['D', 'new']);
    assert.equal(h.delete('b'), true);
    assert.equal(h.delete('b'), false);
    assert.deepEqual([...h.clone()], [...h]);
  });

  void it('refuses names that are not tokens and values with line breaks (header injection)', () => {
    const h = new RtspHeaders();
    assert.throws(() => h.append('Bad Name', 'x'), TypeError);
    assert.throws(() => h.append('', 'x'), TypeError);
    assert.throws(() => h.append('X', 'a\r\nInjected: 1'), TypeError);
    assert.throws(() => h.set('X', 'a\nb'), TypeError);
    assert.throws(() => h.append('X', 'nul\0'), TypeError);
    h.append('X', 'tab\tis fine');
    assert.equal(h.get('x'), 'tab\tis fine');
  });
});

void describe('serializeRequest / serializeResponse', () => {
  void it('writes the ONVIF PLAY request byte for byte', () => {
    const req = createRequest('PLAY', 'rtsp://example.com/onvif_camera', [
      ['CSeq', '4'],
      ['Range', 'npt=now-'],
      ['Session', '12345678'],
    ]);
    assert.equal(
      dec(serializeRequest(req)),
      'PLAY rtsp://example.com/onvif_camera RTSP/1.0\r\nCSeq: 4\r\nRange: npt=now-\r\nSession: 12345678\r\n\r\n',
    );
  });

  void it('derives Content-Length from the body and ignores a stale one', () => {
    const res = createResponse(200, [
      ['CSeq', '1'],
      ['Content-Length', '999'],
      ['Content-Type', 'application/sdp'],
    ], enc('v=0\r\n'));
    assert.equal(
      dec(serializeResponse(res)),
      'RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Type: application/sdp\r\nContent-Length: 5\r\n\r\nv=0\r\n',
    );
    const empty = createResponse(200, [['CSeq', '2'], ['Content-Length', '5']]);
    assert.equal(dec(serializeResponse(empty)), 'RTSP/1.0 200 OK\r\nCSeq: 2\r\n\r\n');
  });

  void it('counts Content-Length in bytes, not characters', () => {
    const body = enc('é€');
    const wire = serializeRequest(createRequest('SET_PARAMETER', 'rtsp://h/', [['CSeq', '3']], body));
    assert.match(dec(wire), /Content-Length: 5\r\n/);
  });

  void it('fills in the reason phrase and uses status-class phrases for extension codes', () => {
    assert.match(dec(serializeResponse({ ...createResponse(454), reason: '' })), /^RTSP\/1\.0 454 Session Not Found\r\n/);
    assert.equal(reasonPhrase(299), 'OK');
    assert.equal(reasonPhrase(499), 'Bad Request');
    assert.equal(reasonPhrase(42), 'Unknown');
  });

  void it('has the RFC 2326 reason phrases, including the RTSP-specific 45x/46x codes', () => {
    const expected: Record<number, string> = {
      200: 'OK',
      250: 'Low on Storage Space',
      400: 'Bad Request',
      401: 'Unauthorized',
      404: 'Not Found',
      405: 'Method Not Allowed',
      413: 'Request Entity Too Large',
      414: 'Request-URI Too Large',
      451: 'Parameter Not Understood',
      453: 'Not Enough Bandwidth',
      454: 'Session Not Found',
      455: 'Method Not Valid in This State',
      456: 'Header Field Not Valid for Resource',
      457: 'Invalid Range',
      458: 'Parameter Is Read-Only',
      459: 'Aggregate Operation Not Allowed',
      460: 'Only Aggregate Operation Allowed',
      461: 'Unsupported Transport',
      462: 'Destination Unreachable',
      500: 'Internal Server Error',
      501: 'Not Implemented',
      503: 'Service Unavailable',
      505: 'RTSP Version Not Supported',
      551: 'Option Not Supported',
    };
    for (const [status, phrase] of Object.entries(expected)) assert.equal(reasonPhrase(Number(status)), phrase);
    assert.equal(Object.keys(RTSP_REASON_PHRASES).length, 44); // every code of RFC 2326 §7.1.1
  });

  void it('rejects what cannot be written safely', () => {
    assert.throws(() => serializeRequest(createRequest('PL AY', 'rtsp://h/')), TypeError);
    assert.throws(() => serializeRequest(createRequest('PLAY', 'rtsp://h/ x')), TypeError);
    assert.throws(() => serializeRequest(createRequest('PLAY', '')), TypeError);
    assert.throws(() => serializeRequest({ ...createRequest('PLAY', 'rtsp://h/'), version: 'RTSP/1.0\r\n' }), TypeError);
    assert.throws(() => serializeResponse({ ...createResponse(200), status: 99 }), TypeError);
    assert.throws(() => serializeResponse({ ...createResponse(200), reason: 'OK\r\nX: y' }), TypeError);
  });

  void it('round-trips through the reader', () => {
    const req = createRequest('SETUP', 'rtsp://192.168.0.1/audioback', [
      ['CSeq', '4'],
      ['Session', '123124'],
      ['Transport', 'RTP/AVP;multicast;destination=224.2.1.1;port=60000-60001;ttl=128'],
      ['Require', 'www.onvif.org/ver20/backchannel'],
    ]);
    const res = createResponse(200, [['CSeq', '4'], ['Session', '123124;timeout=60']], enc('body'));
    const reader = new RtspReader();
    reader.push(serializeRequest(req));
    reader.push(serializeResponse(res));
    const [a, b] = drain(reader).map(plain);
    assert.deepEqual(a, plain({ kind: 'request', msg: req }));
    assert.deepEqual(b, {
      ...(plain({ kind: 'response', msg: res }) as object),
      headers: [['CSeq', '4'], ['Session', '123124;timeout=60'], ['Content-Length', '4']],
    });
  });
});

void describe('interleaved frame encoding', () => {
  void it('writes $, channel and a big-endian 16-bit length', () => {
    assert.deepEqual([...encodeInterleavedHeader(1, 0x1234)], [0x24, 1, 0x12, 0x34]);
    assert.deepEqual([...encodeInterleavedFrame(0, new Uint8Array([9, 8]))], [0x24, 0, 0, 2, 9, 8]);
    const out = new Uint8Array(6);
    encodeInterleavedHeader(255, 0xffff, out, 2);
    assert.deepEqual([...out], [0, 0, 0x24, 255, 0xff, 0xff]);
  });

  void it('rejects channels and lengths that do not fit', () => {
    assert.throws(() => encodeInterleavedHeader(256, 0), RangeError);
    assert.throws(() => encodeInterleavedHeader(-1, 0), RangeError);
    assert.throws(() => encodeInterleavedHeader(0, 0x10000), RangeError);
    assert.throws(() => encodeInterleavedHeader(0, 1, new Uint8Array(3)), RangeError);
  });
});

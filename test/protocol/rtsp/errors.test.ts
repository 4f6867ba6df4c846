import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParseError } from '../../../src/protocol/codec/errors.js';
import {
  RtspParseError,
  canEchoCSeq,
  isRtspParseError,
  statusForParseError,
  type RtspParseErrorCode,
} from '../../../src/protocol/rtsp/errors.js';

void describe('RtspParseError', () => {
  void it('is a ParseError carrying code, offset and needed', () => {
    const err = new RtspParseError('TRUNCATED', 'short', { offset: 3, needed: 9 });
    assert.ok(err instanceof ParseError);
    assert.ok(err instanceof Error);
    assert.ok(isRtspParseError(err));
    assert.equal(err.name, 'RtspParseError');
    assert.deepEqual([err.code, err.offset, err.needed, err.message], ['TRUNCATED', 3, 9, 'short']);
    assert.equal(new RtspParseError('BAD_URI', 'x').offset, 0);
  });

  void it('maps every code to its RTSP status', () => {
    const table: Array<[RtspParseErrorCode, number]> = [
      ['START_LINE_TOO_LONG', 414],
      ['BAD_START_LINE', 400],
      ['UNSUPPORTED_VERSION', 505],
      ['HEADERS_TOO_LARGE', 400],
      ['TOO_MANY_HEADERS', 400],
      ['BAD_HEADER', 400],
      ['BAD_CONTENT_LENGTH', 400],
      ['BODY_TOO_LARGE', 413],
      ['MISSING_CSEQ', 400],
      ['DUPLICATE_CSEQ', 400],
      ['BAD_CSEQ', 400],
      ['BAD_TRANSPORT', 400],
      ['UNSUPPORTED_TRANSPORT', 461],
      ['BAD_RANGE', 400],
      ['BAD_SESSION', 400],
      ['BAD_AUTH', 400],
    ];
    for (const [code, status] of table) assert.equal(statusForParseError(new RtspParseError(code, '')), status, code);
    assert.equal(statusForParseError(new ParseError('INVALID', 'sdp', { offset: 0 })), 400);
    assert.equal(statusForParseError(new Error('other')), 400);
    assert.equal(statusForParseError(null), 400);
  });

  void it('says when the answer must go without CSeq', () => {
    assert.equal(canEchoCSeq(new RtspParseError('MISSING_CSEQ', '')), false);
    assert.equal(canEchoCSeq(new RtspParseError('DUPLICATE_CSEQ', '')), false);
    assert.equal(canEchoCSeq(new RtspParseError('BAD_CSEQ', '')), false);
    assert.equal(canEchoCSeq(new RtspParseError('BODY_TOO_LARGE', '')), true);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_SESSION_ID_LENGTH, parseSession, serializeSession } from '../../../../src/protocol/rtsp/headers/session.js';
import { onlyParseErrors, throwsCode } from '../helpers.js';

void describe('Session header', () => {
  void it('parses the ONVIF and RFC 2326 forms', () => {
    assert.deepEqual(parseSession('12345678'), { id: '12345678' });
    assert.deepEqual(parseSession('12345678; timeout=60'), { id: '12345678', timeout: 60 });
    assert.deepEqual(parseSession('123124;timeout=60'), { id: '123124', timeout: 60 });
    assert.deepEqual(parseSession('47112344;Timeout=30;x-ext=1'), { id: '47112344', timeout: 30 });
    assert.deepEqual(parseSession('a$-_.+b'), { id: 'a$-_.+b' });
    assert.equal(serializeSession({ id: '12345678', timeout: 60 }), '12345678;timeout=60');
    assert.equal(serializeSession({ id: '12345678' }), '12345678');
  });

  void it('rejects malformed values with BAD_SESSION', () => {
    for (const text of ['', ';timeout=60', 'a b', 'abc;timeout=', 'abc;timeout=x', 'abc;timeout=-1', 'abc;timeout=1;timeout=2', 'a"b', 'x'.repeat(MAX_SESSION_ID_LENGTH + 1)]) {
      throwsCode(() => parseSession(text), 'BAD_SESSION');
    }
    assert.throws(() => serializeSession({ id: 'a;b' }), TypeError);
    assert.throws(() => serializeSession({ id: 'ok', timeout: -1 }), RangeError);
  });

  void it('round-trips and throws only RtspParseError (fuzz)', () => {
    const session = fc
      .record(
        { id: fc.stringMatching(/^[A-Za-z0-9$\-_.+]{1,40}$/), timeout: fc.integer({ min: 0, max: 999_999_999 }) },
        { requiredKeys: ['id'] },
      )
      .map((s) => ({ ...s }));
    fc.assert(fc.property(session, (s) => assert.deepEqual(parseSession(serializeSession(s)), s)));
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        onlyParseErrors(() => assert.deepEqual(parseSession(serializeSession(parseSession(text))), parseSession(text)));
      }),
      { numRuns: 300 },
    );
  });
});

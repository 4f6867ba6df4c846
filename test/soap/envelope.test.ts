import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { envelopeBytes, writeEnvelope } from '../../src/soap/envelope.js';
import { el } from '../../src/xml/write.js';

test('envelopeBytes is exactly the UTF-8 encoding of writeEnvelope, small or large, ASCII or not', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), fc.option(fc.string({ maxLength: 40 })), (text, relates) => {
      const body = el('tds:Model', text.replace(/[\uFFFE\uFFFF]/g, ''));
      const headers = relates === null ? undefined : [el('wsa:RelatesTo', relates)];
      assert.deepEqual(envelopeBytes(body, headers), Buffer.from(writeEnvelope(body, headers), 'utf8'));
    }),
    { numRuns: 300 },
  );
  const big = el('tds:Model', 'é'.repeat(5000) + '😀'.repeat(500));
  assert.deepEqual(envelopeBytes(big), Buffer.from(writeEnvelope(big), 'utf8'));
});

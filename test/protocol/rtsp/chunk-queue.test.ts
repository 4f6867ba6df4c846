import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ChunkQueue } from '../../../src/protocol/rtsp/chunk-queue.js';

void describe('ChunkQueue', () => {
  void it('consume() returns a view when one chunk holds the bytes and a copy across chunks', () => {
    const a = new Uint8Array([1, 2, 3, 4]);
    const b = new Uint8Array([5, 6]);
    const q = new ChunkQueue();
    q.push(a);
    q.push(new Uint8Array(0));
    q.push(b);
    assert.equal(q.length, 6);
    const view = q.consume(2);
    assert.equal(view.buffer, a.buffer);
    assert.deepEqual([...view], [1, 2]);
    const copy = q.consume(3);
    assert.notEqual(copy.buffer, a.buffer);
    assert.deepEqual([...copy], [3, 4, 5]);
    assert.deepEqual([...q.consume(1)], [6]);
    assert.equal(q.length, 0);
    assert.throws(() => q.consume(1), RangeError);
  });

  void it('indexOf and byteAt see one logical byte string', () => {
    const q = new ChunkQueue();
    for (const part of [[9, 9], [9, 10], [9, 10, 9]]) q.push(new Uint8Array(part));
    q.skip(1);
    assert.equal(q.indexOf(10, 0, 100), 2);
    assert.equal(q.indexOf(10, 3, 100), 4);
    assert.equal(q.indexOf(10, 3, 4), -1);
    assert.equal(q.byteAt(4), 10);
    assert.equal(q.byteAt(5), 9);
    assert.throws(() => q.byteAt(6), RangeError);
  });

  void it('behaves like one array under random pushes, skips and consumes', () => {
    const op = fc.oneof(
      fc.record({ push: fc.uint8Array({ maxLength: 20 }) }),
      fc.record({ consume: fc.nat(30) }),
      fc.record({ skip: fc.nat(30) }),
      fc.record({ find: fc.nat(255), from: fc.nat(40), to: fc.nat(60) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const q = new ChunkQueue();
        const model: number[] = [];
        for (const o of ops) {
          if ('push' in o) {
            q.push(o.push);
            model.push(...o.push);
          } else if ('consume' in o) {
            const n = Math.min(o.consume, model.length);
            assert.deepEqual([...q.consume(n)], model.splice(0, n));
          } else if ('skip' in o) {
            const n = Math.min(o.skip, model.length);
            q.skip(n);
            model.splice(0, n);
          } else {
            const end = Math.min(o.to, model.length);
            const i = model.indexOf(o.find, o.from);
            assert.equal(q.indexOf(o.find, o.from, o.to), i >= 0 && i < end ? i : -1);
          }
          assert.equal(q.length, model.length);
        }
      }),
    );
  });
});

/** Two cross-connected in-memory Duplex streams: whatever one writes, the other reads. */
import { Duplex } from 'node:stream';

export function duplexPair(): [Duplex, Duplex] {
  let a: Duplex;
  let b: Duplex;
  const make = (peer: () => Duplex): Duplex =>
    new Duplex({
      read() {},
      write(chunk, _enc, cb) {
        peer().push(chunk);
        cb();
      },
      final(cb) {
        peer().push(null);
        cb();
      },
    });
  a = make(() => b);
  b = make(() => a);
  return [a, b];
}

import { lazyEvent, buildEvent } from '../src/events/message.js';
const topic = { path: [], key: 'k', text: 't', isProperty: true, xmlns: {} };
const mu = () => `heap ${Math.round(process.memoryUsage().heapUsed/1e6)}`;
global.gc!();
const shared = [{ name: 'Offline', value: 'false' }];
const mode = process.argv[2];
console.log('start', mu());
let keep = 0;
for (let i = 0; i < 100000; i++) {
  const data = [{ name: 'Name', value: 'x' }, ...shared];
  let ev;
  if (mode === 'lazy') ev = lazyEvent(topic, new Date(), 'Initialized', [{ name: 'Token', value: `S${i}` }], [], data);
  else if (mode === 'plain') ev = { topic, utcTime: new Date(), op: 'Initialized', source: [{ name: 'Token', value: `S${i}` }], data };
  else if (mode === 'closure') { let m: unknown; ev = { topic, get x() { return (m ??= [i]); } }; }
  else { let m: unknown; ev = { topic, x: () => (m ??= [i]) }; }
  if (ev === undefined) keep++;
}
console.log(mode, mu(), keep);

import { EventBroker } from '../src/events/broker.js';
import { ResourceRegistry } from '../src/resources/registry.js';
const b = new EventBroker();
const r = new ResourceRegistry(b, { now: () => Date.now() });
b.addStateProvider(r);
for (let i = 0; i < 12500; i++) { r.setDevice({ id: `d${i}`, prefix: `S${i}`, location: { lat: 48 + i / 1e5, lon: 2, elevation: 35 }, scopes: [`onvif://www.onvif.org/name/C${i}`], online: true }); for (const k of ['a','b','c','d','e','f','g','h']) r.put('MediaProfile', `S${i}:${k}`, { name: 'Main stream', deviceId: `d${i}` }); }
global.gc!();
const mu = () => `heap ${Math.round(process.memoryUsage().heapUsed/1e6)}`;
console.log('start', mu());
for (let round = 0; round < 3; round++) {
  const c = r.open('subscribe');
  let n = 0;
  while (c.next()) n++;
  console.log(round, n, mu());
}
const it = new Map(Array.from({length: 100000}, (_, i) => [`k${i}`, {i}])).values();
global.gc!();
console.log('map only', mu());
let n=0; for (const x of it) { n += x.i > -1 ? 1 : 0; const o = { a: [1,2,3], b: new Date() }; if (!o) break; }
console.log('map iter', mu());

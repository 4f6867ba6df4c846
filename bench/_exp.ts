import { EventBroker } from '../src/events/broker.js';
import { ACCEPT_ALL } from '../src/events/filters/registry.js';
import { SubscriptionManager } from '../src/events/subscriptions.js';
import { ResourceRegistry } from '../src/resources/registry.js';
import { notificationMessage } from '../src/services/events/notification-xml.js';
import { el } from '../src/xml/write.js';
import { writeEnvelope } from '../src/soap/envelope.js';
const b = new EventBroker();
const r = new ResourceRegistry(b, { now: () => Date.now() });
b.addStateProvider(r);
for (let i = 0; i < 12500; i++) { r.setDevice({ id: `d${i}`, prefix: `S${i}`, location: { lat: 48 + i / 1e5, lon: 2, elevation: 35 }, scopes: [`onvif://www.onvif.org/name/C${i}`], online: true }); for (const k of ['a','b','c','d','e','f','g','h']) r.put('MediaProfile', `S${i}:${k}`, { name: 'Main stream', deviceId: `d${i}` }); }
const m = new SubscriptionManager(b, { now: () => Date.now(), sweepIntervalMs: 0 });
global.gc!();
const mode = process.argv[2];
const mu = () => `heap ${Math.round(process.memoryUsage().heapUsed/1e6)} rss ${Math.round(process.memoryUsage().rss/1e6)} peak ${Math.round(process.resourceUsage().maxRSS/1024)}`;
console.log('start', mu());
const sub = m.createPull({ owner: 'u', filter: ACCEPT_ALL, changedOnly: false, initialTermination: undefined });
let n = 0;
for (;;) {
  const page = await m.pull(sub, 0, 1000);
  if (!page.length) break;
  n += page.length;
  if (mode === 'xml' || mode === 'env') {
    const x = el('tev:PullMessagesResponse', page.map((e) => notificationMessage(e, { producer: 'http://x/onvif/event_service' })));
    if (mode === 'env') { const s = writeEnvelope(x, []); Buffer.byteLength(s); }
  }
}
console.log(n, mu()); global.gc!(); console.log('after gc', mu());

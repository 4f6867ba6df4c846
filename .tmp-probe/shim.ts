const store = new WeakMap<object, Map<unknown, unknown>>();
const R = Reflect as unknown as Record<string, unknown>;
if (typeof R.getMetadata !== 'function') {
  R.defineMetadata = (k: unknown, v: unknown, t: object) => { let m = store.get(t); if (!m) { m = new Map(); store.set(t, m); } m.set(k, v); };
  R.getOwnMetadata = (k: unknown, t: object) => store.get(t)?.get(k);
  R.getMetadata = (k: unknown, t: object) => { for (let o: object | null = t; o; o = Object.getPrototypeOf(o)) { const m = store.get(o); if (m?.has(k)) return m.get(k); } return undefined; };
}
export {};

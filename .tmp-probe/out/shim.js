const store = new WeakMap();
const R = Reflect;
if (typeof R.getMetadata !== 'function') {
    R.defineMetadata = (k, v, t) => { let m = store.get(t); if (!m) {
        m = new Map();
        store.set(t, m);
    } m.set(k, v); };
    R.getOwnMetadata = (k, t) => store.get(t)?.get(k);
    R.getMetadata = (k, t) => { for (let o = t; o; o = Object.getPrototypeOf(o)) {
        const m = store.get(o);
        if (m?.has(k))
            return m.get(k);
    } return undefined; };
}
export {};

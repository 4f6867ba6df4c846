/**
 * @peculiar/x509 registers its algorithms through tsyringe, which refuses to load unless
 * `Reflect.getMetadata` exists (it normally comes from the `reflect-metadata` package, which
 * this project does not depend on). tsyringe only reads constructor parameter metadata, and
 * @peculiar/x509's classes are compiled without `emitDecoratorMetadata`, so a small
 * WeakMap-backed store with the three functions tsyringe calls is enough.
 *
 * Installed only when absent, so a real reflect-metadata loaded earlier wins.
 * Must be imported before '@peculiar/x509' (see x509.ts).
 */
type MetadataStore = WeakMap<object, Map<unknown, unknown>>;

interface ReflectWithMetadata {
  getMetadata?: (key: unknown, target: object) => unknown;
  getOwnMetadata?: (key: unknown, target: object) => unknown;
  defineMetadata?: (key: unknown, value: unknown, target: object) => void;
}

const reflect = Reflect as unknown as ReflectWithMetadata;

if (typeof reflect.getMetadata !== 'function') {
  const store: MetadataStore = new WeakMap();
  reflect.defineMetadata = (key, value, target) => {
    let entries = store.get(target);
    if (!entries) {
      entries = new Map();
      store.set(target, entries);
    }
    entries.set(key, value);
  };
  reflect.getOwnMetadata = (key, target) => store.get(target)?.get(key);
  reflect.getMetadata = (key, target) => {
    // Walks the prototype chain like reflect-metadata's getMetadata.
    for (let current: object | null = target; current !== null; current = Object.getPrototypeOf(current) as object | null) {
      const entries = store.get(current);
      if (entries?.has(key)) return entries.get(key);
    }
    return undefined;
  };
}

export {};

/**
 * Discovery scopes (Core spec "Scopes"): fixed scopes derived from the node's identity and
 * configuration, plus configurable ones persisted in settings. Changes notify listeners
 * (WS-Discovery sends Hello with the new scopes).
 */
import { VigilError } from '../core/errors.js';
import type { SettingsStore } from '../storage/settings.js';

export interface Scope {
  item: string;
  fixed: boolean;
}

export const MAX_SCOPES = 64;

export class ScopeStore {
  readonly #fixed: string[];
  #configurable: string[];
  readonly #store: SettingsStore;
  readonly #listeners: (() => void)[] = [];

  constructor(store: SettingsStore, fixed: string[], defaults: string[]) {
    this.#store = store;
    this.#fixed = fixed;
    this.#configurable = store.get<string[]>('scopes', defaults);
  }

  list(): Scope[] {
    return [...this.#fixed.map((item) => ({ item, fixed: true })), ...this.#configurable.map((item) => ({ item, fixed: false }))];
  }

  items(): string[] {
    return [...this.#fixed, ...this.#configurable];
  }

  onChange(fn: () => void): void {
    this.#listeners.push(fn);
  }

  /** SetScopes: replaces all configurable scopes. */
  set(items: string[]): void {
    for (const i of items) {
      validateScope(i);
      if (this.#fixed.includes(i)) throw new VigilError('ScopeOverwrite', `scope '${i}' is fixed`);
    }
    if (this.#fixed.length + items.length > MAX_SCOPES) throw new VigilError('TooManyScopes', `at most ${MAX_SCOPES} scopes`);
    this.#save([...new Set(items)]);
  }

  add(items: string[]): void {
    for (const i of items) validateScope(i);
    const next = [...new Set([...this.#configurable, ...items.filter((i) => !this.#fixed.includes(i))])];
    if (this.#fixed.length + next.length > MAX_SCOPES) throw new VigilError('TooManyScopes', `at most ${MAX_SCOPES} scopes`);
    this.#save(next);
  }

  /** RemoveScopes: all or nothing; returns the removed items. */
  remove(items: string[]): string[] {
    for (const i of items) {
      if (this.#fixed.includes(i)) throw new VigilError('FixedScope', `scope '${i}' is fixed and cannot be removed`);
      if (!this.#configurable.includes(i)) throw new VigilError('NoScope', `scope '${i}' does not exist`);
    }
    this.#save(this.#configurable.filter((c) => !items.includes(c)));
    return items;
  }

  #save(next: string[]): void {
    this.#configurable = next;
    this.#store.set('scopes', next);
    for (const l of this.#listeners) l();
  }
}

function validateScope(item: string): void {
  if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(item) || item.length > 1024) {
    throw new VigilError('InvalidArgVal', `scope '${item.slice(0, 80)}' is not an absolute URI`);
  }
}

/** "onvif://www.onvif.org/name/My%20Site" style scope with the value percent-encoded. */
export function onvifScope(category: string, value: string): string {
  return `onvif://www.onvif.org/${category}/${encodeURIComponent(value)}`;
}

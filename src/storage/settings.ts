/** Typed key/value settings persisted as JSON (scopes, hostname, clock offset, …). */
import type { Db } from './db.js';

export class SettingsStore {
  readonly #get;
  readonly #set;
  constructor(db: Db) {
    this.#get = db.prepare('SELECT value FROM settings WHERE key = ?');
    this.#set = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  }
  get<T>(key: string, fallback: T): T {
    const row = this.#get.get(key) as { value: string } | undefined;
    if (!row) return fallback;
    try {
      return JSON.parse(row.value) as T;
    } catch {
      return fallback;
    }
  }
  set<T>(key: string, value: T): void {
    this.#set.run(key, JSON.stringify(value));
  }
}

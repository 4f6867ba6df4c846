/**
 * The audit log: one row per authenticated call (and per refused authentication). Rows are
 * queued and written in one transaction per event-loop turn, so auditing costs one fsync-free
 * insert batch rather than a write per request; `flush()` runs on shutdown.
 */
import type { Db } from './db.js';

export interface AuditEntry {
  ts: Date;
  username: string;
  authMethod: string;
  source: string;
  transport: string;
  service: string;
  operation: string;
  tokens: string[];
  outcome: string;
}

export class AuditLog {
  readonly #db: Db;
  readonly #insert;
  #queue: AuditEntry[] = [];
  #scheduled = false;
  readonly #maxQueue = 10_000;

  constructor(db: Db) {
    this.#db = db;
    this.#insert = db.prepare(
      'INSERT INTO audit_log (ts, username, auth_method, source, transport, service, operation, tokens, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  record(e: AuditEntry): void {
    this.#queue.push(e);
    if (this.#queue.length >= this.#maxQueue) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.#scheduled = false;
    if (this.#queue.length === 0 || !this.#db.open) return;
    const batch = this.#queue;
    this.#queue = [];
    this.#db.transaction(() => {
      for (const e of batch) {
        this.#insert.run(e.ts.toISOString(), e.username, e.authMethod, e.source, e.transport, e.service, e.operation, JSON.stringify(e.tokens), e.outcome);
      }
    })();
  }

  recent(limit = 100): AuditEntry[] {
    this.flush();
    const rows = this.#db
      .prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?')
      .all(limit) as Record<string, string>[];
    return rows.map((r) => ({
      ts: new Date(r.ts!),
      username: r.username!,
      authMethod: r.auth_method!,
      source: r.source!,
      transport: r.transport!,
      service: r.service!,
      operation: r.operation!,
      tokens: JSON.parse(r.tokens!) as string[],
      outcome: r.outcome!,
    }));
  }
}

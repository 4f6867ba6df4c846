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

const ROWS_PER_INSERT = 32;

function rowValues(batch: AuditEntry[], from: number, count: number): (string | number)[] {
  const out: (string | number)[] = [];
  for (let i = from; i < from + count; i++) {
    const e = batch[i]!;
    out.push(e.ts.toISOString(), e.username, e.authMethod, e.source, e.transport, e.service, e.operation, JSON.stringify(e.tokens), e.outcome);
  }
  return out;
}

export class AuditLog {
  readonly #db: Db;
  readonly #insert;
  readonly #insertMany;
  #queue: AuditEntry[] = [];
  #scheduled = false;
  readonly #maxQueue = 10_000;

  constructor(db: Db) {
    this.#db = db;
    const insert = (rows: number): string =>
      `INSERT INTO audit_log (ts, username, auth_method, source, transport, service, operation, tokens, outcome) VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`;
    this.#insert = db.prepare(insert(1));
    this.#insertMany = db.prepare(insert(ROWS_PER_INSERT));
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
      // Rows go in groups of ROWS_PER_INSERT through one multi-row INSERT: per-statement
      // overhead, not SQLite's, dominates single-row inserts.
      let i = 0;
      for (; i + ROWS_PER_INSERT <= batch.length; i += ROWS_PER_INSERT) {
        this.#insertMany.run(rowValues(batch, i, ROWS_PER_INSERT));
      }
      for (; i < batch.length; i++) this.#insert.run(rowValues(batch, i, 1));
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

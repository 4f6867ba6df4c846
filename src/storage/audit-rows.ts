/**
 * Audit rows as stored, and the writer that inserts them: shared by the audit writer thread and
 * by the in-thread fallback (in-memory databases, or a writer thread that failed).
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

/** The audit_log columns in insert order: ts, username, auth_method, source, transport, service, operation, tokens, outcome. */
export type AuditRow = [string, string, string, string, string, string, string, string, string];

export function toRow(e: AuditEntry): AuditRow {
  return [e.ts.toISOString(), e.username, e.authMethod, e.source, e.transport, e.service, e.operation, e.tokens.length === 0 ? '[]' : JSON.stringify(e.tokens), e.outcome];
}

const ROWS_PER_INSERT = 32;

export class AuditRowWriter {
  readonly #db: Db;
  readonly #insertOne;
  readonly #insertMany;

  constructor(db: Db) {
    this.#db = db;
    const insert = (rows: number): string =>
      `INSERT INTO audit_log (ts, username, auth_method, source, transport, service, operation, tokens, outcome) VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`;
    this.#insertOne = db.prepare(insert(1));
    this.#insertMany = db.prepare(insert(ROWS_PER_INSERT));
  }

  /** Inserts rows in one transaction. */
  write(rows: readonly AuditRow[]): void {
    this.#db.transaction(() => {
      // Groups of ROWS_PER_INSERT through one multi-row INSERT: per-statement overhead, not
      // SQLite's, dominates single-row inserts.
      let i = 0;
      for (; i + ROWS_PER_INSERT <= rows.length; i += ROWS_PER_INSERT) this.#insertMany.run(rows.slice(i, i + ROWS_PER_INSERT).flat());
      for (; i < rows.length; i++) this.#insertOne.run(rows[i]!);
    })();
  }
}

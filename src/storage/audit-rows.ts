/**
 * Audit rows as stored, and the writer that inserts them: shared by the audit writer thread and
 * by the in-thread fallback (in-memory databases, or a writer thread that failed). Storage is
 * dictionary-encoded (migration 4): each row refers to an actor (who, how, from where) and an
 * action (service, operation, outcome) stored once; `audit_log` is a view in the old shape.
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

/**
 * A row as it travels to the writer: one line of fields separated by FIELD, lines ended by ROW —
 * posting one string per batch to the writer thread costs a fraction of cloning row arrays.
 * Fields: ts (ms since epoch), username, auth method, source, transport, service, operation,
 * tokens (JSON, empty when none), outcome. JSON never contains the separators; the other fields
 * get them replaced (they come from names and addresses, where they never legitimately occur).
 */
const FIELD = '\u0001';
const ROW = '\u0000';
// eslint-disable-next-line no-control-regex -- the separators are control characters on purpose
const HAS_SEPARATOR = /[\u0000\u0001]/;
// eslint-disable-next-line no-control-regex -- as above
const SEPARATORS = /[\u0000\u0001]/g;

export function toLine(e: AuditEntry): string {
  let who = `${e.username}${FIELD}${e.authMethod}${FIELD}${e.source}${FIELD}${e.transport}${FIELD}${e.service}${FIELD}${e.operation}`;
  if (HAS_SEPARATOR.test(who) || HAS_SEPARATOR.test(e.outcome)) {
    const clean = (v: string): string => v.replace(SEPARATORS, '\ufffd');
    who = [e.username, e.authMethod, e.source, e.transport, e.service, e.operation].map(clean).join(FIELD);
    return `${e.ts.getTime()}${FIELD}${who}${FIELD}${e.tokens.length === 0 ? '' : JSON.stringify(e.tokens)}${FIELD}${clean(e.outcome)}${ROW}`;
  }
  return `${e.ts.getTime()}${FIELD}${who}${FIELD}${e.tokens.length === 0 ? '' : JSON.stringify(e.tokens)}${FIELD}${e.outcome}${ROW}`;
}

/** The rows of a batch of lines. */
export function parseLines(text: string): AuditRow[] {
  const rows: AuditRow[] = [];
  let start = 0;
  for (let end = text.indexOf(ROW); end >= 0; start = end + 1, end = text.indexOf(ROW, start)) {
    const f = text.substring(start, end).split(FIELD);
    rows.push([Number(f[0]), f[1]!, f[2]!, f[3]!, f[4]!, f[5]!, f[6]!, f[7] === '' ? null : f[7]!, f[8]!]);
  }
  return rows;
}

/** A parsed row: the fields of a line, ts as a number and tokens null when none. */
export type AuditRow = [number, string, string, string, string, string, string, string | null, string];

const ROWS_PER_INSERT = 32;
/** Dictionary ids remembered per writer; beyond this the cache starts over (ids stay valid). */
const MAX_CACHED_KEYS = 10_000;

export class AuditRowWriter {
  readonly #db: Db;
  readonly #insertOne;
  readonly #insertMany;
  readonly #addActor;
  readonly #findActor;
  readonly #addAction;
  readonly #findAction;
  readonly #actors = new Map<string, number>();
  readonly #actions = new Map<string, number>();

  constructor(db: Db) {
    this.#db = db;
    const insert = (rows: number): string =>
      `INSERT INTO audit_events (ts, actor, action, tokens) VALUES ${Array(rows).fill('(?, ?, ?, ?)').join(', ')}`;
    this.#insertOne = db.prepare(insert(1));
    this.#insertMany = db.prepare(insert(ROWS_PER_INSERT));
    this.#addActor = db.prepare('INSERT INTO audit_actors (username, auth_method, source, transport) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
    this.#findActor = db.prepare('SELECT id FROM audit_actors WHERE username = ? AND auth_method = ? AND source = ? AND transport = ?').pluck();
    this.#addAction = db.prepare('INSERT INTO audit_actions (service, operation, outcome) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.#findAction = db.prepare('SELECT id FROM audit_actions WHERE service = ? AND operation = ? AND outcome = ?').pluck();
  }

  /** Inserts rows in one transaction. */
  write(rows: readonly AuditRow[]): void {
    this.#db.transaction(() => {
      // Groups of ROWS_PER_INSERT through one multi-row INSERT: per-statement overhead, not
      // SQLite's, dominates single-row inserts.
      const values: (number | string | null)[] = [];
      let i = 0;
      for (; i + ROWS_PER_INSERT <= rows.length; i += ROWS_PER_INSERT) {
        values.length = 0;
        for (let k = i; k < i + ROWS_PER_INSERT; k++) this.#push(values, rows[k]!);
        this.#insertMany.run(values);
      }
      for (; i < rows.length; i++) {
        values.length = 0;
        this.#push(values, rows[i]!);
        this.#insertOne.run(values);
      }
    })();
  }

  #push(values: (number | string | null)[], r: AuditRow): void {
    values.push(r[0], this.#actor(r[1], r[2], r[3], r[4]), this.#action(r[5], r[6], r[8]), r[7]);
  }

  #actor(username: string, method: string, source: string, transport: string): number {
    const key = `${username}\u0000${method}\u0000${source}\u0000${transport}`;
    let id = this.#actors.get(key);
    if (id === undefined) {
      this.#addActor.run(username, method, source, transport);
      id = this.#findActor.get(username, method, source, transport) as number;
      if (this.#actors.size >= MAX_CACHED_KEYS) this.#actors.clear();
      this.#actors.set(key, id);
    }
    return id;
  }

  #action(service: string, operation: string, outcome: string): number {
    const key = `${service}\u0000${operation}\u0000${outcome}`;
    let id = this.#actions.get(key);
    if (id === undefined) {
      this.#addAction.run(service, operation, outcome);
      id = this.#findAction.get(service, operation, outcome) as number;
      if (this.#actions.size >= MAX_CACHED_KEYS) this.#actions.clear();
      this.#actions.set(key, id);
    }
    return id;
  }
}

/**
 * Audit rows in transit and the writer that inserts them, shared by the audit writer thread and
 * the in-thread fallback (in-memory databases, or a writer thread that failed).
 *
 * Storage is dictionary-encoded (migration 4): a row refers to an actor (who, how, from where)
 * and an action (service, operation, outcome), each stored once; `audit_log` is a view in the
 * old shape. The request path does the same on its side: `AuditBatcher` gives each actor and
 * action a small number the first time it is seen, so recording a row is three numbers written
 * into typed arrays — no string building, no objects for the garbage collector. Each batch
 * carries the dictionary entries its rows use, so any batch can be written by itself (by the
 * thread, or here if the thread died), whatever happened to the ones before it.
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

/** One batch of rows, as posted to the writer (structured-cloned: typed arrays are one copy each). */
export interface AuditBatch {
  seq: number;
  count: number;
  /** ms since the epoch, per row. */
  ts: Float64Array;
  /** Batcher-local actor and action numbers, per row. */
  actors: Int32Array;
  actions: Int32Array;
  /** [row index, JSON array] for the rows that touched tokens. */
  tokens: [number, string][];
  /** The actors the rows use: [number, username, auth method, source, transport]. */
  actorDefs: [number, string, string, string, string][];
  /** The actions the rows use: [number, service, operation, outcome]. */
  actionDefs: [number, string, string, string][];
}

type ActorDef = AuditBatch['actorDefs'][number];
type ActionDef = AuditBatch['actionDefs'][number];

/** Dictionary entries a batcher keeps before it starts over (many distinct source addresses). */
const MAX_DICTIONARY = 50_000;

/**
 * Dictionary numbers by nested maps, one level per field: each field's string hash is computed
 * once and cached in the string (constants, a socket's address), where a concatenated key would
 * be a new string to flatten and hash on every row.
 */
type Nested<T> = Map<string, T>;

/** Collects rows into batches of at most `capacity`. */
export class AuditBatcher {
  readonly #capacity: number;
  readonly #actors: Nested<Nested<Nested<Nested<ActorDef>>>> = new Map();
  readonly #actions: Nested<Nested<Nested<ActionDef>>> = new Map();
  readonly #actorDefs = new Map<number, ActorDef>();
  readonly #actionDefs = new Map<number, ActionDef>();
  #nextId = 1;
  #batch: AuditBatch;

  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#batch = this.#empty();
  }

  get count(): number {
    return this.#batch.count;
  }

  /** Adds a row; returns true when the batch is full. */
  add(e: AuditEntry): boolean {
    const b = this.#batch;
    const i = b.count++;
    b.ts[i] = e.ts.getTime();
    b.actors[i] = this.#actor(e.username, e.authMethod, e.source, e.transport);
    b.actions[i] = this.#action(e.service, e.operation, e.outcome);
    if (e.tokens.length > 0) b.tokens.push([i, JSON.stringify(e.tokens)]);
    return b.count >= this.#capacity;
  }

  #actor(username: string, method: string, source: string, transport: string): number {
    const l1 = level(this.#actors, username);
    const l2 = level(l1, method);
    const l3 = level(l2, source);
    let def = l3.get(transport);
    if (def === undefined) {
      def = [this.#nextId++, username, method, source, transport];
      l3.set(transport, def);
      this.#actorDefs.set(def[0], def);
    }
    return def[0];
  }

  #action(service: string, operation: string, outcome: string): number {
    const l2 = level(level(this.#actions, service), operation);
    let def = l2.get(outcome);
    if (def === undefined) {
      def = [this.#nextId++, service, operation, outcome];
      l2.set(outcome, def);
      this.#actionDefs.set(def[0], def);
    }
    return def[0];
  }

  /** The rows added so far as batch `seq` (with the definitions they use); the next rows start a new one. */
  take(seq: number): AuditBatch {
    const b = this.#batch;
    b.seq = seq;
    b.ts = b.ts.subarray(0, b.count);
    b.actors = b.actors.subarray(0, b.count);
    b.actions = b.actions.subarray(0, b.count);
    for (const n of new Set(b.actors)) b.actorDefs.push(this.#actorDefs.get(n)!);
    for (const n of new Set(b.actions)) b.actionDefs.push(this.#actionDefs.get(n)!);
    if (this.#actorDefs.size + this.#actionDefs.size > MAX_DICTIONARY) {
      // Bounded memory with many distinct sources: numbering goes on, the dictionary starts over.
      this.#actors.clear();
      this.#actions.clear();
      this.#actorDefs.clear();
      this.#actionDefs.clear();
    }
    this.#batch = this.#empty();
    return b;
  }

  #empty(): AuditBatch {
    const n = this.#capacity;
    return { seq: 0, count: 0, ts: new Float64Array(n), actors: new Int32Array(n), actions: new Int32Array(n), tokens: [], actorDefs: [], actionDefs: [] };
  }
}

function level<T>(map: Nested<Nested<T>>, key: string): Nested<T> {
  let next = map.get(key);
  if (next === undefined) {
    next = new Map();
    map.set(key, next);
  }
  return next;
}

const ROWS_PER_INSERT = 32;

/**
 * Inserts batches into the audit tables, translating batcher numbers into database ids (cached;
 * numbers are never reused, so a cached translation stays right).
 */
export class AuditRowWriter {
  readonly #db: Db;
  readonly #insertOne;
  readonly #insertMany;
  readonly #addActor;
  readonly #findActor;
  readonly #addAction;
  readonly #findAction;
  readonly #actors = new Map<number, number>();
  readonly #actions = new Map<number, number>();

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

  /** Inserts a batch in one transaction (in the order taken, for the ids to be chronological). */
  write(b: AuditBatch): void {
    this.#db.transaction(() => {
      if (this.#actors.size + this.#actions.size > MAX_DICTIONARY) {
        this.#actors.clear();
        this.#actions.clear();
      }
      for (const [n, username, method, source, transport] of b.actorDefs) {
        if (this.#actors.has(n)) continue;
        this.#addActor.run(username, method, source, transport);
        this.#actors.set(n, this.#findActor.get(username, method, source, transport) as number);
      }
      for (const [n, service, operation, outcome] of b.actionDefs) {
        if (this.#actions.has(n)) continue;
        this.#addAction.run(service, operation, outcome);
        this.#actions.set(n, this.#findAction.get(service, operation, outcome) as number);
      }
      const tokens = new Map(b.tokens);
      // Groups of ROWS_PER_INSERT through one multi-row INSERT: per-statement overhead, not
      // SQLite's, dominates single-row inserts.
      const values: (number | string | null)[] = [];
      const push = (i: number): void => {
        values.push(b.ts[i]!, this.#actors.get(b.actors[i]!)!, this.#actions.get(b.actions[i]!)!, tokens.get(i) ?? null);
      };
      let i = 0;
      for (; i + ROWS_PER_INSERT <= b.count; i += ROWS_PER_INSERT) {
        values.length = 0;
        for (let k = i; k < i + ROWS_PER_INSERT; k++) push(k);
        this.#insertMany.run(values);
      }
      for (; i < b.count; i++) {
        values.length = 0;
        push(i);
        this.#insertOne.run(values);
      }
    })();
  }
}

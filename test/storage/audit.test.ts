import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AuditLog, type AuditEntry } from '../../src/storage/audit.js';
import { migrate, openDatabase } from '../../src/storage/db.js';
import { MIGRATIONS } from '../../src/storage/migrations.js';

function entry(i: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    ts: new Date(Date.UTC(2026, 10, 21, 12, 0, 0, i)),
    username: i % 3 === 0 ? 'admin' : 'operator',
    authMethod: i % 2 === 0 ? 'ws-usernametoken' : 'http-digest',
    source: `10.0.0.${i % 5}`,
    transport: 'http',
    service: 'device',
    operation: i % 4 === 0 ? 'GetUsers' : 'GetDeviceInformation',
    tokens: i % 7 === 0 ? [`Profile_${i}`, 'VideoSource_1'] : [],
    outcome: i % 11 === 0 ? 'fault:InvalidArgVal' : 'ok',
    ...over,
  };
}

function tempDb(): { file: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-audit-'));
  return { file: join(dir, 'vigil.db'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('rows recorded on a file database are written by the writer thread, complete and in order, once flush returns', async () => {
  const { file, done } = tempDb();
  const db = openDatabase(file);
  const audit = new AuditLog(db);
  assert.ok(audit.writerThread, 'a file database gets a writer thread');
  const n = 2_500; // more than one batch, so the thread gets several
  for (let i = 0; i < n; i++) audit.record(entry(i));
  const recent = audit.recent(n);
  assert.equal(recent.length, n);
  recent.reverse();
  recent.forEach((r, i) => assert.deepEqual(r, entry(i)));
  // Another connection (another process, say) sees them too: they are committed.
  const other = new Database(file, { readonly: true });
  assert.equal(other.prepare('SELECT COUNT(*) FROM audit_log').pluck().get(), n);
  const actors = new Set(Array.from({ length: n }, (_, i) => entry(i)).map((e) => `${e.username} ${e.authMethod} ${e.source}`));
  assert.equal(other.prepare('SELECT COUNT(*) FROM audit_actors').pluck().get(), actors.size, 'each who is stored once');
  other.close();
  await audit.close();
  db.close();
  done();
});

test('an in-memory database is written on the main thread', () => {
  const db = openDatabase(':memory:');
  const audit = new AuditLog(db);
  assert.equal(audit.writerThread, undefined);
  audit.record(entry(7));
  assert.deepEqual(audit.recent(1), [entry(7)]);
  db.close();
});

test('when the writer thread dies, rows it had not committed and every later row are written on the main thread', async () => {
  const { file, done } = tempDb();
  const db = openDatabase(file);
  const errors: unknown[] = [];
  const audit = new AuditLog(db, { onWriterError: (err) => errors.push(err) });
  for (let i = 0; i < 1_500; i++) audit.record(entry(i)); // one batch posted, the rest queued
  const worker = audit.writerThread!;
  await worker.terminate();
  assert.equal(audit.writerThread, undefined);
  assert.equal(errors.length, 1);
  for (let i = 1_500; i < 2_000; i++) audit.record(entry(i));
  const rows = audit.recent(5_000).reverse();
  assert.equal(rows.length, 2_000, 'no row lost, none written twice');
  rows.forEach((r, i) => assert.deepEqual(r, entry(i)));
  await audit.close();
  db.close();
  done();
});

test('migration 4 keeps every audit row of an older database, readable through the audit_log view', () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  for (const m of MIGRATIONS.filter((x) => x.version <= 3)) {
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, new Date().toISOString());
  }
  const old = db.prepare('INSERT INTO audit_log (ts, username, auth_method, source, transport, service, operation, tokens, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const before = Array.from({ length: 50 }, (_, i) => entry(i));
  for (const e of before) old.run(e.ts.toISOString(), e.username, e.authMethod, e.source, e.transport, e.service, e.operation, JSON.stringify(e.tokens), e.outcome);
  assert.ok(migrate(db) >= 1);
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY id').all() as Record<string, string>[];
  assert.equal(rows.length, before.length);
  rows.forEach((r, i) => {
    const e = before[i]!;
    assert.deepEqual(
      [r.ts, r.username, r.auth_method, r.source, r.transport, r.service, r.operation, JSON.parse(r.tokens!), r.outcome],
      [e.ts.toISOString(), e.username, e.authMethod, e.source, e.transport, e.service, e.operation, e.tokens, e.outcome],
    );
  });
  // New rows continue the same id sequence after the migrated ones.
  const audit = new AuditLog(db);
  audit.record(entry(99));
  assert.deepEqual(audit.recent(1), [entry(99)]);
  assert.equal(db.prepare('SELECT MAX(id) FROM audit_log').pluck().get(), before.length + 1);
  db.close();
});

test('any characters in any field survive exactly', () => {
  const db = openDatabase(':memory:');
  const audit = new AuditLog(db);
  const odd = entry(1, { username: 'a\u0001b\u0000c', source: '::1%eth0', tokens: ['tab\there', 'nl\nthere', '\u0001\u0000', 'ünï', '😀'], operation: 'Get\u00e9' });
  audit.record(odd);
  assert.deepEqual(audit.recent(1), [odd]);
  db.close();
});

test('more distinct actors than the batcher keeps (its dictionary starts over): every row still right', async () => {
  const { file, done } = tempDb();
  const db = openDatabase(file);
  const audit = new AuditLog(db);
  const n = 60_000;
  const at = (i: number): AuditEntry => entry(i, { source: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, ts: new Date(1_700_000_000_000 + i) });
  for (let i = 0; i < n; i++) audit.record(at(i));
  const rows = audit.recent(n).reverse();
  assert.equal(rows.length, n);
  for (let i = 0; i < n; i += 997) assert.deepEqual(rows[i], at(i));
  assert.deepEqual(rows[n - 1], at(n - 1));
  await audit.close();
  db.close();
  done();
});

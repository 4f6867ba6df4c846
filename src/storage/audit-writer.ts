/**
 * The audit writer thread: inserts the audit rows the main thread sends, on its own connection to
 * the node's database (WAL lets it write while the main thread reads). After each batch it
 * publishes the batch's sequence number in shared memory, which is how `AuditLog.flush()` on the
 * main thread knows when everything it recorded is on disk.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { AuditRowWriter, type AuditBatch } from './audit-rows.js';

export interface AuditWriterData {
  file: string;
  /** Int32Array over this: [0] = sequence number of the last committed batch. */
  committed: SharedArrayBuffer;
}

const { file, committed } = workerData as AuditWriterData;
const done = new Int32Array(committed);
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
const writer = new AuditRowWriter(db);

parentPort!.on('message', (batch: AuditBatch) => {
  // An error here ends the thread; the main thread then writes everything not yet committed itself.
  writer.write(batch);
  Atomics.store(done, 0, batch.seq);
  Atomics.notify(done, 0);
});

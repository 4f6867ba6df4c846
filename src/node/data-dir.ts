/** The node's data directory: database, sealing key, PKI. Created on first start (mode 0700). */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretBox } from '../security/secrets.js';

export interface DataDir {
  root: string;
  dbFile: string;
  pkiDir: string;
  created: boolean;
}

export function prepareDataDir(root: string): DataDir {
  const created = !existsSync(root);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const pkiDir = join(root, 'pki');
  mkdirSync(pkiDir, { recursive: true, mode: 0o700 });
  return { root, dbFile: join(root, 'vigil.db'), pkiDir, created };
}

/** Loads the password-sealing key, creating it atomically on first use. */
export function loadSecretBox(dir: DataDir): SecretBox {
  const file = join(dir.root, 'secret.key');
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, SecretBox.generateKey().toString('base64'), { mode: 0o600 });
    renameSync(tmp, file);
  }
  chmodSync(file, 0o600);
  return new SecretBox(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
}

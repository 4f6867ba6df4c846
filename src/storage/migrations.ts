/** Schema migrations, applied in order once each. Never edit a released migration: add one. */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'users, settings, audit log',
    sql: `
      CREATE TABLE users (
        username TEXT PRIMARY KEY,
        level TEXT NOT NULL CHECK (level IN ('Administrator','Operator','User')),
        password_sealed TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ts TEXT NOT NULL,
        username TEXT NOT NULL,
        auth_method TEXT NOT NULL,
        source TEXT NOT NULL,
        transport TEXT NOT NULL,
        service TEXT NOT NULL,
        operation TEXT NOT NULL,
        tokens TEXT NOT NULL,
        outcome TEXT NOT NULL
      );
      CREATE INDEX audit_log_ts ON audit_log (ts);
    `,
  },
  {
    version: 2,
    description: 'client certificate subject to user mapping',
    sql: `
      CREATE TABLE cert_users (
        subject TEXT PRIMARY KEY,
        username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE
      );
    `,
  },
  {
    version: 3,
    description: 'remote token prefixes and device-token mappings (IEC 62676-2-33 §6)',
    sql: `
      CREATE TABLE device_prefixes (
        device_id TEXT PRIMARY KEY,
        prefix TEXT NOT NULL UNIQUE
      );
      CREATE TABLE token_map (
        device_id TEXT NOT NULL,
        device_token TEXT NOT NULL,
        local_token TEXT NOT NULL,
        PRIMARY KEY (device_id, device_token),
        UNIQUE (device_id, local_token)
      );
    `,
  },
];

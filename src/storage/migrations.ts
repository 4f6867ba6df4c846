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
  {
    version: 4,
    description: 'audit log dictionary-encoded (audit_events + audit_actors + audit_actions), audit_log becomes a view',
    // Who (user, method, source, transport) and what (service, operation, outcome) repeat across
    // millions of rows: stored once each, an audit row is five numbers and the touched tokens,
    // which makes an insert about three times cheaper. The view keeps the old shape for readers.
    sql: `
      CREATE TABLE audit_actors (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL,
        auth_method TEXT NOT NULL,
        source TEXT NOT NULL,
        transport TEXT NOT NULL,
        UNIQUE (username, auth_method, source, transport)
      );
      CREATE TABLE audit_actions (
        id INTEGER PRIMARY KEY,
        service TEXT NOT NULL,
        operation TEXT NOT NULL,
        outcome TEXT NOT NULL,
        UNIQUE (service, operation, outcome)
      );
      CREATE TABLE audit_events (
        id INTEGER PRIMARY KEY,
        ts INTEGER NOT NULL, -- milliseconds since 1970-01-01 UTC
        actor INTEGER NOT NULL REFERENCES audit_actors (id),
        action INTEGER NOT NULL REFERENCES audit_actions (id),
        tokens TEXT -- JSON array of the tokens touched; NULL when none
      );
      CREATE INDEX audit_events_ts ON audit_events (ts);
      INSERT INTO audit_actors (username, auth_method, source, transport)
        SELECT DISTINCT username, auth_method, source, transport FROM audit_log;
      INSERT INTO audit_actions (service, operation, outcome)
        SELECT DISTINCT service, operation, outcome FROM audit_log;
      INSERT INTO audit_events (id, ts, actor, action, tokens)
        SELECT l.id, CAST(ROUND((julianday(l.ts) - 2440587.5) * 86400000.0) AS INTEGER), a.id, c.id, NULLIF(l.tokens, '[]')
        FROM audit_log l
        JOIN audit_actors a ON a.username = l.username AND a.auth_method = l.auth_method AND a.source = l.source AND a.transport = l.transport
        JOIN audit_actions c ON c.service = l.service AND c.operation = l.operation AND c.outcome = l.outcome
        ORDER BY l.id;
      DROP TABLE audit_log;
      CREATE VIEW audit_log AS
        SELECT e.id AS id,
               strftime('%Y-%m-%dT%H:%M:%fZ', e.ts / 1000.0, 'unixepoch') AS ts,
               a.username AS username, a.auth_method AS auth_method, a.source AS source, a.transport AS transport,
               c.service AS service, c.operation AS operation, COALESCE(e.tokens, '[]') AS tokens, c.outcome AS outcome
        FROM audit_events e
        JOIN audit_actors a ON a.id = e.actor
        JOIN audit_actions c ON c.id = e.action;
    `,
  },
];

/**
 * Users of the node: persisted in SQLite, passwords sealed (see security/secrets.ts), with an
 * in-memory map kept in step so authentication never touches the database.
 */
import type { Db } from './db.js';
import type { SecretBox } from '../security/secrets.js';
import type { UserLevel } from '../security/access.js';
import { VigilError } from '../core/errors.js';

export interface User {
  username: string;
  level: Exclude<UserLevel, 'Anonymous'>;
}

export const USER_LIMITS = {
  maxUsers: 32,
  maxUsernameLength: 32,
  minPasswordLength: 8,
  maxPasswordLength: 64,
} as const;

interface Cached extends User {
  password: string;
}

export class UserStore {
  readonly #db: Db;
  readonly #box: SecretBox;
  readonly #cache = new Map<string, Cached>();

  constructor(db: Db, box: SecretBox) {
    this.#db = db;
    this.#box = box;
    const rows = db.prepare('SELECT username, level, password_sealed FROM users').all() as {
      username: string;
      level: User['level'];
      password_sealed: string;
    }[];
    for (const r of rows) this.#cache.set(r.username, { username: r.username, level: r.level, password: box.open(r.password_sealed) });
  }

  list(): User[] {
    return [...this.#cache.values()].map(({ username, level }) => ({ username, level }));
  }

  get(username: string): User | undefined {
    const u = this.#cache.get(username);
    return u && { username: u.username, level: u.level };
  }

  passwordOf(username: string): string | undefined {
    return this.#cache.get(username)?.password;
  }

  count(): number {
    return this.#cache.size;
  }

  /** Validates a whole batch first, then writes it in one transaction (CreateUsers is atomic). */
  create(users: { username: string; password: string; level: UserLevel }[]): void {
    if (this.#cache.size + users.length > USER_LIMITS.maxUsers) {
      throw new VigilError('MaxUsers', `at most ${USER_LIMITS.maxUsers} users are supported`);
    }
    const seen = new Set<string>();
    for (const u of users) {
      validateUsername(u.username);
      if (this.#cache.has(u.username) || seen.has(u.username)) throw new VigilError('UsernameClash', `user '${u.username}' already exists`);
      seen.add(u.username);
      if (u.level === 'Anonymous') throw new VigilError('AnonymousNotAllowed', 'users cannot be created at the Anonymous level');
      validatePassword(u.password);
    }
    const now = new Date().toISOString();
    const insert = this.#db.prepare('INSERT INTO users (username, level, password_sealed, created_at, updated_at) VALUES (?, ?, ?, ?, ?)');
    this.#db.transaction(() => {
      for (const u of users) insert.run(u.username, u.level, this.#box.seal(u.password), now, now);
    })();
    for (const u of users) this.#cache.set(u.username, { username: u.username, level: u.level as User['level'], password: u.password });
  }

  /** SetUser: level and, when given, password; the last Administrator cannot be demoted. */
  update(changes: { username: string; password: string | undefined; level: UserLevel }[]): void {
    for (const c of changes) {
      if (!c.username) throw new VigilError('UsernameMissing', 'Username is empty');
      const cur = this.#cache.get(c.username);
      if (!cur) throw new VigilError('UsernameMissing', `no user '${c.username}'`);
      if (c.level === 'Anonymous') throw new VigilError('AnonymousNotAllowed', 'users cannot be set to the Anonymous level');
      if (c.password !== undefined) validatePassword(c.password);
    }
    const admins = new Set([...this.#cache.values()].filter((u) => u.level === 'Administrator').map((u) => u.username));
    for (const c of changes) if (c.level !== 'Administrator') admins.delete(c.username);
    if (admins.size === 0) throw new VigilError('FixedUser', 'the last Administrator cannot be demoted');
    const now = new Date().toISOString();
    const upd = this.#db.prepare('UPDATE users SET level = ?, password_sealed = COALESCE(?, password_sealed), updated_at = ? WHERE username = ?');
    this.#db.transaction(() => {
      for (const c of changes) upd.run(c.level, c.password === undefined ? null : this.#box.seal(c.password), now, c.username);
    })();
    for (const c of changes) {
      const cur = this.#cache.get(c.username)!;
      cur.level = c.level as User['level'];
      if (c.password !== undefined) cur.password = c.password;
    }
  }

  delete(usernames: string[]): void {
    for (const name of usernames) {
      if (!this.#cache.has(name)) throw new VigilError('UsernameMissing', `no user '${name}'`);
    }
    const remainingAdmins = [...this.#cache.values()].filter((u) => u.level === 'Administrator' && !usernames.includes(u.username));
    if (remainingAdmins.length === 0) throw new VigilError('FixedUser', 'the last Administrator cannot be deleted');
    const del = this.#db.prepare('DELETE FROM users WHERE username = ?');
    this.#db.transaction(() => {
      for (const name of usernames) del.run(name);
    })();
    for (const name of usernames) this.#cache.delete(name);
  }

  /** Maps a client-certificate subject to a user (mTLS identity). */
  mapCertificateSubject(subject: string, username: string): void {
    if (!this.#cache.has(username)) throw new VigilError('UsernameMissing', `no user '${username}'`);
    this.#db.prepare('INSERT INTO cert_users (subject, username) VALUES (?, ?) ON CONFLICT(subject) DO UPDATE SET username = excluded.username').run(subject, username);
  }

  /** The user a certificate subject maps to: an explicit mapping, else a user named like its CN. */
  userForCertificate(subject: string, commonName: string | undefined): User | undefined {
    const row = this.#db.prepare('SELECT username FROM cert_users WHERE subject = ?').get(subject) as { username: string } | undefined;
    if (row) return this.get(row.username);
    return commonName ? this.get(commonName) : undefined;
  }
}

export function validateUsername(name: string): void {
  if (!name) throw new VigilError('UsernameMissing', 'Username is empty');
  if (name.length > USER_LIMITS.maxUsernameLength) {
    throw new VigilError('UsernameTooLong', `Username longer than ${USER_LIMITS.maxUsernameLength} characters`);
  }
  // ':' would make HTTP Digest's "user:realm:password" ambiguous; controls are never legitimate.
  if (/[:\p{Cc}]/u.test(name)) throw new VigilError('InvalidArgVal', 'Username contains ":" or control characters');
}

export function validatePassword(pw: string): void {
  if (pw.length > USER_LIMITS.maxPasswordLength) {
    throw new VigilError('PasswordTooLong', `Password longer than ${USER_LIMITS.maxPasswordLength} characters`);
  }
  if (pw.length < USER_LIMITS.minPasswordLength) {
    throw new VigilError('PasswordTooWeak', `Password shorter than ${USER_LIMITS.minPasswordLength} characters`);
  }
}

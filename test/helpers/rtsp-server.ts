/**
 * A standalone RTSP server for tests (no HTTP, no SOAP): an in-memory database with users, the
 * node's Authenticator and AuditLog, the RtspServer on 127.0.0.1 ephemeral ports, and a static
 * live directory. Options reach the hub and the server, so tests can shrink queues and timeouts.
 */
import pino from 'pino';
import { Authenticator } from '../../src/security/authenticator.js';
import { SecretBox } from '../../src/security/secrets.js';
import { AuditLog } from '../../src/storage/audit.js';
import { openDatabase } from '../../src/storage/db.js';
import { UserStore } from '../../src/storage/users.js';
import type { LiveSource } from '../../src/media/live.js';
import { RtspServer, type RtspServerOptions } from '../../src/northbound/rtsp/server.js';
import { StaticDirectory } from './live-source.js';

export const VIEWER = { username: 'viewer', password: 'Viewer-pass-1' };
export const ADMIN_USER = { username: 'admin', password: 'Admin-pass-1' };

export interface TestRtspServer {
  server: RtspServer;
  port: number;
  audit: AuditLog;
  users: UserStore;
  url(token: string, query?: string): string;
  stop(): Promise<void>;
}

export async function startRtspServer(sources: Record<string, LiveSource>, opts: Partial<RtspServerOptions> = {}): Promise<TestRtspServer> {
  const db = openDatabase(':memory:');
  const users = new UserStore(db, new SecretBox(SecretBox.generateKey()));
  users.create([
    { ...ADMIN_USER, level: 'Administrator' },
    { ...VIEWER, level: 'User' },
  ]);
  const audit = new AuditLog(db);
  const authenticator = new Authenticator(users, { realm: 'vigil', throttle: { maxFailures: 1000 } });
  const server = new RtspServer({
    authenticator,
    audit,
    log: pino({ level: process.env.VIGIL_TEST_LOG ? 'debug' : 'silent' }),
    multicastInterface: '127.0.0.1',
    ...opts,
  });
  server.setDirectory(new StaticDirectory(sources));
  await server.listen({ host: '127.0.0.1', port: 0 });
  const port = server.port!;
  return {
    server,
    port,
    audit,
    users,
    url: (token, query) => `rtsp://127.0.0.1:${port}/live/${token}${query ? `?${query}` : ''}`,
    async stop() {
      await server.close();
      audit.flush();
      db.close();
    },
  };
}

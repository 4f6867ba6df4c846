/**
 * The node's control socket: a Unix domain socket `control.sock` in the data directory, through
 * which `vigil cameras …` reaches the running node. Who may use it is decided by the file
 * system: the data directory is mode 0700 and the socket 0600, so only the node's own user (and
 * root) can connect — the same people who can read its database and keys anyway. Nothing is
 * exposed on the network and no password is involved.
 *
 * Protocol: one JSON request line, one JSON response line, then the node closes the
 * connection. Requests are at most 64 KiB and must arrive within 5 s.
 */
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';

export const CONTROL_SOCKET = 'control.sock';
const MAX_REQUEST = 64 * 1024;
const REQUEST_TIMEOUT_MS = 5000;

export function controlSocketPath(dataDir: string): string {
  return join(dataDir, CONTROL_SOCKET);
}

/** Whether something answers on the socket (a node still running on this data dir). */
function inUse(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface ControlServer {
  readonly path: string;
  close(): Promise<void>;
}

/** Listens on `<dataDir>/control.sock`; `handle` answers each decoded request. */
export async function listenControl(dataDir: string, handle: (req: unknown) => unknown): Promise<ControlServer> {
  const path = controlSocketPath(dataDir);
  if (existsSync(path)) {
    if (await inUse(path)) throw new Error(`another node is using ${path}`);
    unlinkSync(path); // left behind by a node that did not stop cleanly
  }
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy());
    let buf = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) {
        if (buf.length > MAX_REQUEST) socket.end(`${JSON.stringify({ ok: false, error: 'request too large' })}\n`);
        return;
      }
      socket.removeAllListeners('data');
      let reply: unknown;
      try {
        reply = handle(JSON.parse(buf.slice(0, nl)));
      } catch (err) {
        reply = { ok: false, error: err instanceof SyntaxError ? 'request is not JSON' : `failed: ${(err as Error).message}` };
      }
      socket.end(`${JSON.stringify(reply)}\n`);
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(path, 0o600);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The client side (`vigil cameras`): sends one request, resolves with the decoded response. */
export function controlRequest(dataDir: string, req: unknown, timeoutMs = 10_000): Promise<unknown> {
  const path = controlSocketPath(dataDir);
  return new Promise((resolve, reject) => {
    const s = createConnection(path);
    let buf = '';
    s.setEncoding('utf8');
    s.setTimeout(timeoutMs, () => s.destroy(new Error(`no answer from ${path} within ${timeoutMs} ms`)));
    s.once('connect', () => s.write(`${JSON.stringify(req)}\n`));
    s.on('data', (c: string) => (buf += c));
    s.once('end', () => {
      try {
        resolve(JSON.parse(buf));
      } catch {
        reject(new Error(`unreadable answer from ${path}`));
      }
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') reject(new Error(`no node is running on this data directory (${path} ${err.code === 'ENOENT' ? 'does not exist' : 'refuses connections'})`));
      else reject(err);
    });
  });
}

/**
 * `vigil serve`: runs a node until SIGINT/SIGTERM; SystemReboot restarts it in-process; SIGHUP
 * re-reads the configuration file and applies its `cameras:` list (node/camera-control.ts).
 */
import pino from 'pino';
import { ConfigError, loadConfig } from '../config/load.js';
import type { VigilConfig } from '../config/schema.js';
import { VigilNode } from '../node/node.js';

export interface ServeFlags {
  config?: string;
  data?: string;
  httpPort?: string;
  httpsPort?: string;
  rtspPort?: string;
  listen?: string;
}

function portFlag(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`--${name} must be a port number 0-65535, got '${v}'`);
  return n;
}

export function configFromFlags(flags: ServeFlags): VigilConfig {
  return loadConfig(flags.config, {
    dataDir: flags.data,
    listen: flags.listen,
    http: flags.httpPort !== undefined ? { port: portFlag('http-port', flags.httpPort) } : undefined,
    https: flags.httpsPort !== undefined ? { port: portFlag('https-port', flags.httpsPort) } : undefined,
    rtsp: flags.rtspPort !== undefined ? { port: portFlag('rtsp-port', flags.rtspPort) } : undefined,
  });
}

export async function serve(flags: ServeFlags): Promise<void> {
  let config = configFromFlags(flags);
  const log = pino({ level: config.log.level, base: { app: 'vigil' } }, pino.destination(2));
  // Signal handlers come first: anyone who sees the "ready" banner may signal at once (stdout to
  // a pipe is synchronous on Linux, so the reader can act before the next line here runs).
  let node: VigilNode | undefined;
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    // During start-up there is nothing to stop yet; the start path checks `stopping`.
    if (!node) return;
    node.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => {
    if (!node) return;
    try {
      const next = configFromFlags(flags);
      const diff = node.cameras.applyConfig(next.cameras);
      // Only `cameras:` applies now; a SystemReboot restarts with the cameras as reloaded.
      config = { ...config, cameras: next.cameras };
      log.info({ signal: 'SIGHUP', ...diff }, 'configuration reloaded: cameras applied');
    } catch (err) {
      // A broken file must not take the node down: it keeps running with what it has.
      log.error({ err: err instanceof ConfigError ? err.message : err }, 'configuration reload failed; cameras unchanged');
    }
  });

  node = await VigilNode.start(config, log, { adminPassword: process.env.VIGIL_ADMIN_PASSWORD });
  if (stopping) {
    await node.stop();
    process.exit(0);
  }
  announce(node);

  const arm = (n: VigilNode): void =>
    n.onReboot(() => {
      log.info('SystemReboot: restarting node');
      n.stop()
        .then(() => VigilNode.start(config, log, {}))
        .then((next) => {
          node = next;
          arm(next);
          announce(next);
        })
        .catch((err: unknown) => {
          log.fatal({ err }, 'restart failed');
          process.exit(1);
        });
    });
  arm(node);
}

function announce(node: VigilNode): void {
  const lines = ['Vigil is ready.'];
  for (const u of node.urls()) lines.push(`  device service: ${u}`);
  if (node.rtspPort !== undefined) {
    const host = new URL(node.urls()[0] ?? 'http://localhost').hostname;
    lines.push(`  live streams: rtsp://${host}:${node.rtspPort}/live/<profile token> (${node.media.cameras().length} cameras; Media2 GetStreamUri gives each URI)`);
  }
  if (node.firstStart) {
    lines.push('', `  First start: created user '${node.firstStart.username}' (Administrator).`);
    if (node.firstStart.generated) {
      lines.push(`  Generated password: ${node.firstStart.password}`);
      lines.push('  It is shown only this once. Set VIGIL_ADMIN_PASSWORD on first start to choose it.');
    } else {
      lines.push('  Password: the value of VIGIL_ADMIN_PASSWORD.');
    }
  }
  lines.push(`  data directory: ${node.config.dataDir}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

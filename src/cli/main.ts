/** The `vigil` command line. */
import { Command } from 'commander';
import { ConfigError } from '../config/load.js';
import { serve } from './serve.js';
import { registerCertsCommand } from './certs.js';
import { registerCamerasCommand } from './cameras.js';
import { VERSION } from '../node/node.js';

const program = new Command();
program.name('vigil').description('Vigil video surveillance system (IEC 62676-2 / ONVIF)').version(VERSION);

program
  .command('serve')
  .description('run a Vigil node')
  .option('-c, --config <file>', 'configuration file (YAML or JSON)')
  .option('-d, --data <dir>', 'data directory (default ./data)')
  .option('--http-port <port>', 'HTTP port (default 8080)')
  .option('--https-port <port>', 'HTTPS port (default 8443)')
  .option('--rtsp-port <port>', 'RTSP port (default 8554)')
  .option('--listen <addr>', 'address to listen on (default 0.0.0.0)')
  .action(async (flags) => {
    await serve(flags);
  });

registerCertsCommand(program);
registerCamerasCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`vigil: ${err.message}\n`);
    process.exit(2);
  }
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') {
    process.stderr.write(`vigil: a port is already in use (${e.message}); choose another with --http-port/--https-port or stop the other program\n`);
    process.exit(2);
  }
  if (e.code === 'EACCES') {
    process.stderr.write(`vigil: permission denied: ${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`vigil: ${e.message ?? String(err)}\n`);
  process.exit(1);
});

/**
 * `vigil cameras add|remove|offline|online|list`: changes the cameras of a running node through
 * its control socket (`<data dir>/control.sock`, see node/control-socket.ts). The data directory
 * comes from --data, else the configuration file's `dataDir`, else ./data. Changes are run-time
 * only; put cameras in the configuration file (and send the node SIGHUP) to keep them.
 */
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/load.js';
import type { CameraSummary, ControlResponse } from '../node/camera-control.js';
import { controlRequest } from '../node/control-socket.js';

interface Where {
  data?: string;
  config?: string;
}

function dataDir(o: Where): string {
  if (o.data) return o.data;
  return loadConfig(o.config, {}).dataDir;
}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`--${name} must be a number, got '${v}'`);
  return n;
}

function print(cams: CameraSummary[]): void {
  for (const c of cams) {
    const where = c.location ? `${c.location.lat},${c.location.lon}${c.location.elevation !== undefined ? `,${c.location.elevation}` : ''}` : '-';
    process.stdout.write(`${c.id}\t${c.prefix}\t${c.online ? 'online' : 'offline'}\t${where}\t${c.source}\t${c.name}\n`);
  }
}

async function send(o: Where, req: unknown): Promise<void> {
  const res = (await controlRequest(dataDir(o), req)) as ControlResponse;
  if (!res.ok) {
    process.stderr.write(`vigil: ${res.error}\n`);
    process.exitCode = 1;
    return;
  }
  print(res.cameras);
}

export function registerCamerasCommand(program: Command): void {
  const cameras = program.command('cameras').description("change a running node's cameras (through <data>/control.sock)");
  const where = (c: Command): Command => c.option('-d, --data <dir>', 'data directory of the running node').option('-c, --config <file>', 'its configuration file (for dataDir)');

  where(cameras.command('list').description('list the cameras: id, prefix, state, location, origin, name')).action((o: Where) => send(o, { op: 'list' }));

  where(
    cameras
      .command('add')
      .description('add simulated camera(s)')
      .requiredOption('--name <name>', 'camera name')
      .option('--prefix <prefix>', 'token prefix (with --count, the number is appended)')
      .option('--lat <deg>', 'latitude (WGS 84)')
      .option('--lon <deg>', 'longitude (WGS 84)')
      .option('--elevation <m>', 'metres above sea level')
      .option('--count <n>', 'that many alike cameras')
      .option('--scene <1-4>', 'test pattern')
      .option('--motion <mode>', 'always | streaming | off')
      .option('--ptz', 'PTZ-capable')
      .option('--offline', 'start offline'),
  ).action((o: Where & Record<string, string | boolean | undefined>) => {
    const lat = num('lat', o.lat as string | undefined);
    const lon = num('lon', o.lon as string | undefined);
    if ((lat === undefined) !== (lon === undefined)) throw new ConfigError('--lat and --lon go together');
    const camera = {
      name: o.name,
      prefix: o.prefix,
      location: lat === undefined ? undefined : { lat, lon, elevation: num('elevation', o.elevation as string | undefined) },
      count: num('count', o.count as string | undefined),
      scene: num('scene', o.scene as string | undefined),
      motion: o.motion,
      ptz: o.ptz === true ? true : undefined,
      online: o.offline === true ? false : undefined,
    };
    return send(o, { op: 'add', camera: JSON.parse(JSON.stringify(camera)) as unknown });
  });

  for (const op of ['remove', 'offline', 'online'] as const) {
    where(cameras.command(`${op} <camera>`).description(`${op === 'remove' ? 'remove' : `take ${op}`} a camera (id, token prefix or name)`)).action(
      (camera: string, o: Where) => send(o, { op, camera }),
    );
  }
}

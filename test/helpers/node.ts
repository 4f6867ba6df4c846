/** Starts a real Vigil node for a test: temporary data dir, ephemeral ports, loopback only. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseConfig } from '../../src/config/load.js';
import { VigilNode } from '../../src/node/node.js';

export const ADMIN = { username: 'admin', password: 'Adm1n-test-password' };

export interface TestNode {
  node: VigilNode;
  dataDir: string;
  http: string;
  https: string;
  device: string;
  stop(): Promise<void>;
}

export async function startTestNode(overrides: Record<string, unknown> = {}, dataDir?: string): Promise<TestNode> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'vigil-test-'));
  const config = parseConfig({
    dataDir: dir,
    listen: '127.0.0.1',
    http: { port: 0 },
    https: { port: 0 },
    rtsp: { port: 0 },
    discovery: { enabled: false },
    log: { level: process.env.VIGIL_TEST_LOG ? 'debug' : 'silent' },
    ...overrides,
  });
  const node = await VigilNode.start(config, pino({ level: config.log.level }), { adminPassword: ADMIN.password });
  const http = `http://127.0.0.1:${node.httpPort}`;
  return {
    node,
    dataDir: dir,
    http,
    https: `https://127.0.0.1:${node.httpsPort}`,
    device: `${http}/onvif/device_service`,
    async stop() {
      await node.stop();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

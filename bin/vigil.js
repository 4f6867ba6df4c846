#!/usr/bin/env node
// The `vigil` executable: runs the compiled CLI (npm run build produces dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('vigil: not built yet. Run `npm ci && npm run build` in the repository first.');
  process.exit(2);
}
await import(entry.href);

/**
 * Starting worker threads from modules that run either compiled (dist/*.js) or from TypeScript
 * sources under tsx (the test suite). A worker does not inherit tsx's loader, so from sources the
 * worker first registers it, then imports the .ts entry.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * `from` is the calling module's import.meta.url; `entry` the worker module's name without
 * extension, relative to it ("./audit-writer").
 */
export function startWorker(from: string, entry: string, options: WorkerOptions = {}): Worker {
  if (from.endsWith('.ts')) {
    const url = new URL(`${entry}.ts`, from).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url)}); });`;
    return new Worker(code, { ...options, eval: true });
  }
  return new Worker(new URL(`${entry}.js`, from), options);
}

/**
 * Shared helpers for the pki tests: running openssl, temporary directories.
 * (Not a test file itself: the name does not end in .test.ts.)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, feeding `input` on stdin, never rejecting on a non-zero exit. */
export function run(command: string, args: string[], input = ''): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => undefined); // the peer may exit before reading everything
    child.stdin.end(input);
  });
}

/**
 * Runs a command and keeps its stdin open until stdout matches `until` (then closes stdin, which
 * makes `openssl s_client` shut the connection down cleanly) or the process exits on its own.
 * `safetyMs` only guards against a hung child; no assertion depends on it.
 */
export function runUntil(command: string, args: string[], input: string, until: RegExp, safetyMs = 30_000): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const safety = setTimeout(() => child.kill('SIGKILL'), safetyMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (until.test(stdout)) child.stdin.end();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      clearTimeout(safety);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(safety);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.write(input);
  });
}

export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-pki-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes name → contents into dir and returns name → path. */
export async function writeFiles(dir: string, files: Record<string, string | Uint8Array>): Promise<Record<string, string>> {
  const paths: Record<string, string> = {};
  for (const [name, contents] of Object.entries(files)) {
    paths[name] = join(dir, name);
    await writeFile(paths[name], contents);
  }
  return paths;
}

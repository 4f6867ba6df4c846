/** Loading configuration from a file (YAML or JSON) plus overrides, with readable errors. */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigSchema, type VigilConfig } from './schema.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Plain = Record<string, unknown>;

function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge where `over` wins; arrays are replaced, not concatenated. */
export function mergeConfig(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlain(v) && isPlain(out[k]) ? mergeConfig(out[k] as Plain, v) : v;
  }
  return out;
}

export function parseConfig(raw: unknown, source = 'configuration'): VigilConfig {
  const result = ConfigSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => {
    const where = i.path.length ? i.path.join('.') : '(top level)';
    return `  - ${where}: ${i.message}`;
  });
  throw new ConfigError(`${source} is invalid:\n${lines.join('\n')}`);
}

export function readConfigFile(file: string): Plain {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let raw: unknown;
  try {
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  if (raw === null || raw === undefined) return {};
  if (!isPlain(raw)) throw new ConfigError(`config file ${file} must contain a mapping at the top level`);
  return raw;
}

export function loadConfig(file: string | undefined, overrides: Plain): VigilConfig {
  const base = file ? readConfigFile(file) : {};
  return parseConfig(mergeConfig(base, overrides), file ?? 'configuration');
}

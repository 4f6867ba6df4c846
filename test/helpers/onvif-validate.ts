/**
 * Validates SOAP 1.2 envelopes (or bare ONVIF elements) against the ONVIF schemas vendored in
 * vendor/onvif, offline, with libxml2's xmllint. Schema compilation is the slow part, so many
 * documents are validated in one xmllint run: tests collect samples and validate them together.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const VENDOR = resolve(import.meta.dirname, '../../vendor/onvif');

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

/** A patched private copy of the schemas (wildcards made deterministic), cached by content hash. */
function schemaDir(): string {
  const files = ['xsd', 'wsdl', 'external'].flatMap((d) => listFiles(join(VENDOR, d))).sort();
  const h = createHash('sha256');
  for (const f of files) h.update(readFileSync(f));
  h.update(readFileSync(join(VENDOR, 'catalog.xml')));
  const dir = join(tmpdir(), `vigil-onvif-schemas-${h.digest('hex').slice(0, 16)}`);
  if (existsSync(join(dir, '.ready'))) return dir;
  const tmp = mkdtempSync(join(tmpdir(), 'vigil-onvif-'));
  for (const d of ['xsd', 'wsdl', 'external', 'catalog.xml']) cpSync(join(VENDOR, d), join(tmp, d), { recursive: true });
  for (const f of listFiles(tmp)) {
    if (!/\.(xsd|wsdl)$/.test(f)) continue;
    const text = readFileSync(f, 'utf8');
    if (text.includes('namespace="##targetNamespace"')) writeFileSync(f, text.replaceAll('namespace="##targetNamespace"', 'namespace="##other"'));
  }
  writeFileSync(join(tmp, '.ready'), '');
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

export interface ValidationResult {
  name: string;
  valid: boolean;
  errors: string[];
}

/** Validates documents; `body` mode validates bare elements (all.xsd) instead of envelopes. */
export async function validateOnvif(docs: { name: string; xml: string }[], mode: 'envelope' | 'body' = 'envelope'): Promise<ValidationResult[]> {
  if (docs.length === 0) return [];
  const dir = schemaDir();
  const work = mkdtempSync(join(tmpdir(), 'vigil-validate-'));
  const files = docs.map((d, i) => {
    const f = join(work, `${String(i).padStart(5, '0')}.xml`);
    writeFileSync(f, d.xml);
    return f;
  });
  const schema = join(dir, 'xsd', mode === 'envelope' ? 'envelope.xsd' : 'all.xsd');
  const output = await new Promise<string>((resolveOut, reject) => {
    execFile(
      'xmllint',
      ['--noout', '--nonet', '--schema', schema, ...files],
      { env: { ...process.env, XML_CATALOG_FILES: join(dir, 'catalog.xml') }, maxBuffer: 64 * 1024 * 1024 },
      (err, _stdout, stderr) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') reject(new Error('xmllint not found: apt-get install libxml2-utils'));
        else resolveOut(stderr);
      },
    );
  });
  rmSync(work, { recursive: true, force: true });
  const lines = output.split('\n').filter((l) => l && !l.includes('parser warning'));
  return docs.map((d, i) => {
    const f = files[i]!;
    const mine = lines.filter((l) => l.startsWith(f));
    const valid = mine.some((l) => l === `${f} validates`);
    return { name: d.name, valid, errors: mine.filter((l) => !l.endsWith(' validates')).map((l) => l.replace(f, d.name)) };
  });
}

/** Collects samples during a test file and asserts, at the end, that every one is schema-valid. */
export class OnvifSamples {
  readonly #docs: { name: string; xml: string }[] = [];
  add(name: string, xml: string): void {
    this.#docs.push({ name, xml });
  }
  get size(): number {
    return this.#docs.length;
  }
  async assertAllValid(): Promise<number> {
    const results = await validateOnvif(this.#docs);
    const bad = results.filter((r) => !r.valid);
    if (bad.length) {
      const report = bad.map((b) => `${b.name}:\n  ${b.errors.slice(0, 6).join('\n  ')}`).join('\n');
      throw new Error(`${bad.length} of ${results.length} SOAP messages do not validate against the ONVIF schemas:\n${report}`);
    }
    return results.length;
  }
}


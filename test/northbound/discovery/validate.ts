/**
 * Schema validation of WS-Discovery envelopes with xmllint, offline: the SOAP 1.2 envelope,
 * WS-Addressing 2004/08 and WS-Discovery schemas from /work/shared/onvif/external. Header and
 * Body contents are validated laxly, i.e. every element with a declaration (all d: and wsa: ones) is checked.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NS } from '../../../src/xml/ns.js';

const ONVIF = '/work/shared/onvif';

/** xmllint's report: '<name>.xml validates' or errors, one line each (parser warnings dropped). */
export async function validateDiscovery(docs: Record<string, string>): Promise<string> {
  const ext = `${ONVIF}/external`;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-wsd-'));
  try {
    // The addressing schema is imported first, from its local copy, so ws-discovery.xsd's remote
    // schemaLocation for it is skipped (xmllint runs with --nonet).
    writeFileSync(
      join(dir, 'driver.xsd'),
      `<?xml version="1.0"?><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:vigil:test:wsd">
        <xs:import namespace="${NS.wsa2004}" schemaLocation="file://${ext}/addressing"/>
        <xs:import namespace="${NS.d}" schemaLocation="file://${ext}/ws-discovery.xsd"/>
        <xs:import namespace="${NS.env}" schemaLocation="file://${ext}/soap12-envelope.xsd"/>
      </xs:schema>`,
    );
    const files = Object.entries(docs).map(([name, xml]) => {
      const f = join(dir, `${name}.xml`);
      writeFileSync(f, xml);
      return f;
    });
    return await new Promise<string>((resolve, reject) => {
      execFile(
        'xmllint',
        ['--noout', '--nonet', '--schema', join(dir, 'driver.xsd'), ...files],
        { env: { ...process.env, XML_CATALOG_FILES: `${ONVIF}/catalog.xml` } },
        (err, _out, stderr) => {
          if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') reject(new Error('xmllint not installed'));
          else resolve(stderr.split('\n').filter((l) => l && !l.includes('parser warning')).map((l) => l.replace(`${dir}/`, '')).join('\n'));
        },
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}


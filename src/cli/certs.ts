/**
 * `vigil certs`: certificates for giving others access. By default it works on the node's own CA
 * in <data>/pki (the CA the node trusts for client certificates), so
 *   vigil certs client --cn police-operator-1 --p12-password …
 * yields a certificate + PKCS#12 an authority can import; the CN must name a Vigil user.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../config/load.js';
import { createCa, issueClientCert, issueServerCert } from '../security/pki/issue.js';
import { toPkcs12 } from '../security/pki/pkcs12.js';
import { describeCertificate } from '../security/pki/describe.js';

interface CaFlags {
  ca?: string;
  data?: string;
}

function caDir(flags: CaFlags): string {
  return flags.ca ?? join(flags.data ?? './data', 'pki');
}

function loadCa(dir: string): { certPem: string; keyPem: string } {
  const cert = join(dir, 'ca.pem');
  const key = join(dir, 'ca.key');
  if (!existsSync(cert) || !existsSync(key)) {
    throw new ConfigError(`no CA in ${dir} (expected ca.pem and ca.key). Start the node once, or create one with 'vigil certs ca --out ${dir}'`);
  }
  return { certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8') };
}

function write(dir: string, name: string, data: string | Buffer, secret: boolean): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, name);
  if (existsSync(file)) throw new ConfigError(`${file} already exists; remove it or choose another --out`);
  writeFileSync(file, data, { mode: secret ? 0o600 : 0o644 });
  return file;
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

export function registerCertsCommand(program: Command): void {
  const certs = program.command('certs').description('create a CA, server certificates and client certificates (PEM, PKCS#12)');

  certs
    .command('ca')
    .description('create a new certificate authority')
    .requiredOption('--out <dir>', 'directory to write ca.pem and ca.key')
    .option('--cn <name>', 'CA common name', 'Vigil CA')
    .option('--org <name>', 'organization')
    .option('--days <n>', 'validity in days', '3650')
    .action(async (f: { out: string; cn: string; org?: string; days: string }) => {
      const ca = await createCa({ commonName: f.cn, ...(f.org ? { organization: f.org } : {}), validityDays: Number(f.days) });
      const files = [write(f.out, 'ca.pem', ca.certPem, false), write(f.out, 'ca.key', ca.keyPem, true)];
      report(files, ca.certPem);
    });

  certs
    .command('server')
    .description('issue a TLS server certificate signed by the CA')
    .requiredOption('--cn <name>', 'common name (usually the host name)')
    .option('--dns <name>', 'DNS subject alternative name (repeatable)', collect, [])
    .option('--ip <addr>', 'IP subject alternative name (repeatable)', collect, [])
    .option('--ca <dir>', 'CA directory (default <data>/pki)')
    .option('-d, --data <dir>', 'node data directory (default ./data)')
    .requiredOption('--out <dir>', 'directory to write <cn>.pem and <cn>.key')
    .option('--days <n>', 'validity in days', '397')
    .action(async (f: CaFlags & { cn: string; dns: string[]; ip: string[]; out: string; days: string }) => {
      const ca = loadCa(caDir(f));
      const dns = f.dns.length ? f.dns : [f.cn];
      const leaf = await issueServerCert(ca, { commonName: f.cn, dnsNames: dns, ipAddresses: f.ip, validityDays: Number(f.days) });
      const files = [write(f.out, `${f.cn}.pem`, leaf.chainPem, false), write(f.out, `${f.cn}.key`, leaf.keyPem, true)];
      report(files, leaf.certPem);
    });

  certs
    .command('client')
    .description('issue a client certificate (mTLS) with a PKCS#12 bundle; its CN must be a Vigil user name')
    .requiredOption('--cn <name>', 'common name = the Vigil user this certificate authenticates as')
    .option('--org <name>', 'organization (e.g. the authority)')
    .option('--ca <dir>', 'CA directory (default <data>/pki)')
    .option('-d, --data <dir>', 'node data directory (default ./data)')
    .requiredOption('--out <dir>', 'directory to write <cn>.pem, <cn>.key and <cn>.p12')
    .option('--p12-password <pw>', 'password protecting the .p12 (or env VIGIL_P12_PASSWORD)')
    .option('--days <n>', 'validity in days', '397')
    .action(async (f: CaFlags & { cn: string; org?: string; out: string; p12Password?: string; days: string }) => {
      const password = f.p12Password ?? process.env.VIGIL_P12_PASSWORD;
      if (!password) throw new ConfigError('a PKCS#12 password is required: --p12-password or VIGIL_P12_PASSWORD');
      const ca = loadCa(caDir(f));
      const leaf = await issueClientCert(ca, { commonName: f.cn, ...(f.org ? { organization: f.org } : {}), validityDays: Number(f.days) });
      const p12 = toPkcs12({ certPem: leaf.certPem, keyPem: leaf.keyPem, caCertPem: ca.certPem, password, friendlyName: f.cn });
      const files = [
        write(f.out, `${f.cn}.pem`, leaf.certPem, false),
        write(f.out, `${f.cn}.key`, leaf.keyPem, true),
        write(f.out, `${f.cn}.p12`, p12, true),
      ];
      report(files, leaf.certPem);
    });
}

function report(files: string[], certPem: string): void {
  const d = describeCertificate(certPem);
  process.stdout.write(
    [`subject: ${d.subject}`, `issuer: ${d.issuer}`, `valid until: ${d.notAfter.toISOString()}`, `sha256: ${d.fingerprintSha256}`, ...files.map((f) => `wrote ${f}`)].join('\n') + '\n',
  );
}

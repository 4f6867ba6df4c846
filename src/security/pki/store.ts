/**
 * The node's own PKI on disk: a local CA and the TLS server certificate it signs. The only part of
 * the certificate module that touches the filesystem.
 *
 *   dir/ca.pem      CA certificate (0644)      dir/server.pem  server certificate (0644)
 *   dir/ca.key      CA private key (0600)      dir/server.key  server private key (0600)
 *
 * Every file is replaced atomically (temp file, fsync, rename), so a crash never leaves a torn
 * PEM. The CA is never replaced automatically: clients trust it, so a half-present or unusable
 * CA is an error for the operator. The server certificate is disposable and is reissued (with a
 * fresh key) whenever it is missing, broken, not from this CA, close to expiry or missing a name.
 * Concurrent first runs from two processes are not coordinated.
 */
import { randomBytes, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseCertificate, subjectAltNamesOf, type SubjectAltNames } from './describe.js';
import { PkiError } from './errors.js';
import { canonicalIpAddress } from './ip.js';
import { createCa, issueServerCert, verifyCa, type CertificateAndKey } from './issue.js';
import { normalizeDnsName } from './names.js';
import { pemDecodeFirst, readP256PrivateKey } from './pem.js';

export const NODE_PKI_FILES = { caCert: 'ca.pem', caKey: 'ca.key', serverCert: 'server.pem', serverKey: 'server.key' } as const;
/** Reissue the server certificate when it has less than this left. */
export const SERVER_RENEW_BEFORE_DAYS = 30;
const DAY_MS = 86_400_000;
const PRIVATE_MODE = 0o600;
const PUBLIC_MODE = 0o644;

export interface NodePkiOptions {
  /** DNS names the server certificate must cover; the first is also its commonName. */
  hostnames: string[];
  /** IP addresses the server certificate must cover. */
  ips: string[];
  /** Only used when the CA is created. Default "Vigil Local CA <random hex>" (unique per node). */
  caCommonName?: string;
  /** Only used when the CA is created. */
  organization?: string;
}

/** Why the server certificate was (re)issued on this call; null when the stored one was kept. */
export type ServerIssueReason = 'missing' | 'unreadable' | 'key-mismatch' | 'other-issuer' | 'not-yet-valid' | 'expiring' | 'names-changed';

export interface NodePki {
  caCertPem: string;
  caKeyPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  /** True when this call created the CA (first run). */
  created: boolean;
  serverIssued: ServerIssueReason | null;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Write to a temp file in the same directory, flush, then rename over the target. */
async function writeFileAtomic(path: string, contents: string, mode: number): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(contents, 'utf8');
      await handle.chmod(mode); // the umask may have narrowed it; make it exact
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  // Persist the rename itself; directories cannot be opened for sync on every platform.
  const directory = await open(dirname(path), 'r').catch(() => undefined);
  if (directory) {
    await directory.sync().catch(() => undefined);
    await directory.close();
  }
}

/** Keys readable by group or others (e.g. copied in by hand) are narrowed back to 0600. */
async function tightenKeyMode(path: string): Promise<void> {
  if (process.platform === 'win32') return;
  const { mode } = await stat(path);
  if ((mode & 0o077) !== 0) await chmod(path, PRIVATE_MODE);
}

function serverIssueReason(
  ca: CertificateAndKey,
  certPem: string | undefined,
  keyPem: string | undefined,
  hostnames: string[],
  ips: string[],
  now: number,
): ServerIssueReason | null {
  if (certPem === undefined || keyPem === undefined) return 'missing';
  let server: NodeX509Certificate;
  let caCertificate: NodeX509Certificate;
  let sans: SubjectAltNames;
  try {
    server = new NodeX509Certificate(pemDecodeFirst(certPem, 'CERTIFICATE'));
    caCertificate = new NodeX509Certificate(pemDecodeFirst(ca.certPem, 'CERTIFICATE'));
    sans = subjectAltNamesOf(parseCertificate(certPem));
    if (!server.checkPrivateKey(readP256PrivateKey(keyPem))) return 'key-mismatch';
  } catch {
    return 'unreadable';
  }
  if (!server.checkIssued(caCertificate) || !server.verify(caCertificate.publicKey)) return 'other-issuer';
  const notBefore = Date.parse(server.validFrom);
  const notAfter = Date.parse(server.validTo);
  const caNotAfter = Date.parse(caCertificate.validTo);
  if (!(notBefore <= now)) return 'not-yet-valid'; // e.g. the clock moved back since it was issued
  // Reissuing only helps if the CA outlives the current certificate (leaves are capped at the CA's end).
  if (notAfter - now < SERVER_RENEW_BEFORE_DAYS * DAY_MS && notAfter < caNotAfter) return 'expiring';
  const covered = hostnames.every((name) => sans.dnsNames.includes(name)) && ips.every((ip) => sans.ipAddresses.includes(ip));
  return covered ? null : 'names-changed';
}

/**
 * Loads the node's CA and server certificate from `dir`, creating or reissuing what is needed.
 * See the file comment for the rules.
 */
export async function ensureNodePki(dir: string, options: NodePkiOptions): Promise<NodePki> {
  if (!Array.isArray(options.hostnames) || !Array.isArray(options.ips)) {
    throw new PkiError('PKI_INVALID_OPTIONS', 'hostnames and ips must be arrays');
  }
  // Validate before touching the disk.
  const hostnames = [...new Set(options.hostnames.map(normalizeDnsName))];
  const ips = [...new Set(options.ips.map(canonicalIpAddress))];
  if (hostnames.length === 0 && ips.length === 0) throw new PkiError('PKI_INVALID_OPTIONS', 'at least one hostname or IP address is required');

  const path = (name: keyof typeof NODE_PKI_FILES): string => join(dir, NODE_PKI_FILES[name]);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const [caCertPem, caKeyPem, serverCertPem, serverKeyPem] = await Promise.all([
    readOptional(path('caCert')),
    readOptional(path('caKey')),
    readOptional(path('serverCert')),
    readOptional(path('serverKey')),
  ]);

  let ca: CertificateAndKey;
  let created = false;
  if (caCertPem === undefined && caKeyPem === undefined) {
    ca = await createCa({
      commonName: options.caCommonName ?? `Vigil Local CA ${randomBytes(4).toString('hex')}`,
      ...(options.organization !== undefined ? { organization: options.organization } : {}),
    });
    // Key first: a crash in between leaves "key without certificate", reported as incomplete.
    await writeFileAtomic(path('caKey'), ca.keyPem, PRIVATE_MODE);
    await writeFileAtomic(path('caCert'), ca.certPem, PUBLIC_MODE);
    created = true;
  } else if (caCertPem === undefined || caKeyPem === undefined) {
    const missing = caCertPem === undefined ? NODE_PKI_FILES.caCert : NODE_PKI_FILES.caKey;
    throw new PkiError('PKI_STORE_INCOMPLETE', `${join(dir, missing)} is missing while its partner exists; restore it, or remove both to create a new CA`);
  } else {
    ca = { certPem: caCertPem, keyPem: caKeyPem };
    try {
      await verifyCa(ca);
    } catch (error) {
      if (error instanceof PkiError && error.code === 'PKI_CA_EXPIRED') throw error;
      throw new PkiError('PKI_STORE_CORRUPT', `the CA in ${dir} is unusable: ${(error as Error).message}`, { cause: error });
    }
    await tightenKeyMode(path('caKey'));
  }

  const reason = serverIssueReason(ca, serverCertPem, serverKeyPem, hostnames, ips, Date.now());
  if (reason === null && serverCertPem !== undefined && serverKeyPem !== undefined) {
    await tightenKeyMode(path('serverKey'));
    return { caCertPem: ca.certPem, caKeyPem: ca.keyPem, serverCertPem, serverKeyPem, created, serverIssued: null };
  }
  const server = await issueServerCert(ca, {
    commonName: hostnames[0] ?? ips[0] ?? 'vigil',
    dnsNames: hostnames,
    ipAddresses: ips,
  });
  // Key first: a crash in between leaves a mismatched pair, which the next call reissues.
  await writeFileAtomic(path('serverKey'), server.keyPem, PRIVATE_MODE);
  await writeFileAtomic(path('serverCert'), server.certPem, PUBLIC_MODE);
  return {
    caCertPem: ca.certPem,
    caKeyPem: ca.keyPem,
    serverCertPem: server.certPem,
    serverKeyPem: server.keyPem,
    created,
    serverIssued: reason ?? 'missing',
  };
}

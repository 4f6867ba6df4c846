/**
 * Issuing certificates: a self-signed ECDSA P-256 CA, and server (TLS serverAuth) and client
 * (TLS clientAuth) leaves signed by it. Pure computation — no filesystem (see store.ts).
 */
import { randomBytes, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { GeneralName, id_ce_subjectAltName, SubjectAlternativeName } from '@peculiar/asn1-x509';
import { parseCertificate } from './describe.js';
import { PkiError } from './errors.js';
import { parseIpAddress, peculiarIpText } from './ip.js';
import { buildName, normalizeDnsName } from './names.js';
import { generateP256KeyPair, importSigningKey, pemEncode, readP256PrivateKey, type GeneratedKeyPair } from './pem.js';
import { x509 } from './x509.js';

const DAY_MS = 86_400_000;
/** Leaves start an hour in the past so peers with slightly slow clocks accept them at once. */
const BACKDATE_MS = 3_600_000;
const MAX_VALIDITY_DAYS = 36_500;
export const DEFAULT_CA_VALIDITY_DAYS = 3650;
/** 397 days: the longest lifetime browsers accept for a TLS server certificate. */
export const DEFAULT_LEAF_VALIDITY_DAYS = 397;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' };

/** A certificate with its private key, both PEM (key is unencrypted PKCS#8). */
export interface CertificateAndKey {
  certPem: string;
  keyPem: string;
}

export interface CaOptions {
  commonName: string;
  organization?: string;
  validityDays?: number;
}

export interface ServerCertOptions {
  commonName: string;
  /** dNSName SAN entries; "*.example" wildcards allowed. */
  dnsNames: string[];
  /** iPAddress SAN entries, IPv4 or IPv6 literals. */
  ipAddresses: string[];
  validityDays?: number;
}

export interface ClientCertOptions {
  commonName: string;
  organization?: string;
  validityDays?: number;
}

export interface IssuedServerCertificate extends CertificateAndKey {
  /** certPem followed by the CA certificate: what a TLS server sends as its chain. */
  chainPem: string;
}

function validityDays(value: number | undefined, fallback: number): number {
  const days = value ?? fallback;
  if (!Number.isInteger(days) || days < 1 || days > MAX_VALIDITY_DAYS) {
    throw new PkiError('PKI_INVALID_OPTIONS', `validityDays must be an integer from 1 to ${MAX_VALIDITY_DAYS}`);
  }
  return days;
}

/** X.509 times have whole seconds; truncating here keeps the stored and in-memory dates equal. */
function wholeSeconds(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}

/** 16 random bytes, top bit clear (positive) and next bit set (no leading zero byte, so exactly 16 octets). */
function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

export async function createCa(options: CaOptions): Promise<CertificateAndKey> {
  const days = validityDays(options.validityDays, DEFAULT_CA_VALIDITY_DAYS);
  const name = buildName({ commonName: options.commonName, organization: options.organization });
  const keys = await generateP256KeyPair();
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialHex(),
    name,
    notBefore: wholeSeconds(now - BACKDATE_MS),
    notAfter: wholeSeconds(now + days * DAY_MS),
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      // pathLength 0: this CA signs end-entity certificates only.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: pemEncode('CERTIFICATE', certificate.rawData), keyPem: keys.privateKeyPem };
}

interface LoadedCa {
  certificate: x509.X509Certificate;
  signingKey: Awaited<ReturnType<typeof importSigningKey>>;
  certPem: string;
}

/** Checks that `ca` is a usable, currently valid CA whose key matches its certificate. */
export async function verifyCa(ca: CertificateAndKey): Promise<void> {
  await loadCa(ca, Date.now());
}

async function loadCa(ca: CertificateAndKey, now: number): Promise<LoadedCa> {
  const certificate = parseCertificate(ca.certPem);
  if (!certificate.getExtension(x509.BasicConstraintsExtension)?.ca) {
    throw new PkiError('PKI_NOT_A_CA', `${certificate.subject} is not a CA certificate (basicConstraints CA:TRUE missing)`);
  }
  if (now < certificate.notBefore.getTime() || now >= certificate.notAfter.getTime()) {
    throw new PkiError('PKI_CA_EXPIRED', `CA ${certificate.subject} is valid only from ${certificate.notBefore.toISOString()} to ${certificate.notAfter.toISOString()}`);
  }
  const keyObject = readP256PrivateKey(ca.keyPem);
  if (!new NodeX509Certificate(new Uint8Array(certificate.rawData)).checkPrivateKey(keyObject)) {
    throw new PkiError('PKI_KEY_MISMATCH', 'the CA private key does not belong to the CA certificate');
  }
  return { certificate, signingKey: await importSigningKey(ca.keyPem), certPem: pemEncode('CERTIFICATE', certificate.rawData) };
}

interface LeafProfile {
  commonName: string;
  organization?: string | undefined;
  days: number;
  usage: x509.ExtendedKeyUsage;
  subjectAltName?: x509.Extension;
}

async function issueLeaf(ca: CertificateAndKey, profile: LeafProfile): Promise<{ certificate: x509.X509Certificate; keys: GeneratedKeyPair; caCertPem: string }> {
  const now = Date.now();
  const issuer = await loadCa(ca, now);
  const subject = buildName({ commonName: profile.commonName, organization: profile.organization });
  const keys = await generateP256KeyPair();
  // Use the CA's own key identifier so the AKI always matches its SKI byte for byte.
  const caKeyId = issuer.certificate.getExtension(x509.SubjectKeyIdentifierExtension);
  const authorityKeyId = caKeyId
    ? new x509.AuthorityKeyIdentifierExtension(caKeyId.keyId, false)
    : await x509.AuthorityKeyIdentifierExtension.create(issuer.certificate.publicKey, false);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([profile.usage], false),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    authorityKeyId,
  ];
  if (profile.subjectAltName) extensions.push(profile.subjectAltName);
  // A leaf must not outlive its issuer: verifiers reject the chain once the CA expires anyway.
  const notAfter = Math.min(now + profile.days * DAY_MS, issuer.certificate.notAfter.getTime());
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    subject,
    issuer: issuer.certificate.subjectName,
    notBefore: wholeSeconds(Math.max(now - BACKDATE_MS, issuer.certificate.notBefore.getTime())),
    notAfter: wholeSeconds(notAfter),
    publicKey: keys.publicKey,
    signingKey: issuer.signingKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions,
  });
  return { certificate, keys, caCertPem: issuer.certPem };
}

function subjectAltNameExtension(dnsNames: string[], ipAddresses: string[]): x509.Extension {
  if (!Array.isArray(dnsNames) || !Array.isArray(ipAddresses)) {
    throw new PkiError('PKI_INVALID_OPTIONS', 'dnsNames and ipAddresses must be arrays');
  }
  const names = [
    ...[...new Set(dnsNames.map(normalizeDnsName))].map((dNSName) => new GeneralName({ dNSName })),
    ...[...new Set(ipAddresses.map((ip) => peculiarIpText(parseIpAddress(ip))))].map((iPAddress) => new GeneralName({ iPAddress })),
  ];
  if (names.length === 0) throw new PkiError('PKI_INVALID_OPTIONS', 'a server certificate needs at least one DNS name or IP address');
  return new x509.Extension(id_ce_subjectAltName, false, AsnConvert.serialize(new SubjectAlternativeName(names)));
}

export async function issueServerCert(ca: CertificateAndKey, options: ServerCertOptions): Promise<IssuedServerCertificate> {
  const subjectAltName = subjectAltNameExtension(options.dnsNames, options.ipAddresses);
  const { certificate, keys, caCertPem } = await issueLeaf(ca, {
    commonName: options.commonName,
    days: validityDays(options.validityDays, DEFAULT_LEAF_VALIDITY_DAYS),
    usage: x509.ExtendedKeyUsage.serverAuth,
    subjectAltName,
  });
  const certPem = pemEncode('CERTIFICATE', certificate.rawData);
  return { certPem, keyPem: keys.privateKeyPem, chainPem: certPem + caCertPem };
}

export async function issueClientCert(ca: CertificateAndKey, options: ClientCertOptions): Promise<CertificateAndKey> {
  const { certificate, keys } = await issueLeaf(ca, {
    commonName: options.commonName,
    organization: options.organization,
    days: validityDays(options.validityDays, DEFAULT_LEAF_VALIDITY_DAYS),
    usage: x509.ExtendedKeyUsage.clientAuth,
  });
  return { certPem: pemEncode('CERTIFICATE', certificate.rawData), keyPem: keys.privateKeyPem };
}

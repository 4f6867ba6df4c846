/**
 * Reading certificates: parsing PEM/DER (with typed errors), a flat description for logs and
 * APIs, and the subjectAltName entries this module cares about (DNS and IP).
 */
import { createHash, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { id_ce_subjectAltName, SubjectAlternativeName } from '@peculiar/asn1-x509';
import { PkiError } from './errors.js';
import { canonicalIpAddress } from './ip.js';
import { commonNameOf } from './names.js';
import { pemDecodeFirst } from './pem.js';
import { x509 } from './x509.js';

/** Anything describeCertificate / subjectCommonName accept. */
export type CertificateInput = string | Uint8Array | x509.X509Certificate | NodeX509Certificate;

export interface SubjectAltNames {
  /** dNSName entries, lower-cased. */
  dnsNames: string[];
  /** iPAddress entries in canonical text form (see ip.ts). */
  ipAddresses: string[];
}

export interface CertificateDescription {
  /** RFC 4514-style string, e.g. "CN=Vigil CA, O=Example". */
  subject: string;
  issuer: string;
  /** Lower-case hex without leading zero bytes. */
  serial: string;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 over the DER, upper-case hex pairs separated by ':' (Node's fingerprint256 format). */
  fingerprintSha256: string;
  sans: SubjectAltNames;
}

/** Parses a certificate from PEM (the first CERTIFICATE block), DER, or either X509Certificate class. */
export function parseCertificate(input: CertificateInput): x509.X509Certificate {
  if (input instanceof x509.X509Certificate) return input;
  let der: Uint8Array;
  if (input instanceof NodeX509Certificate) der = input.raw;
  else if (typeof input === 'string') der = pemDecodeFirst(input, 'CERTIFICATE');
  else if (input instanceof Uint8Array) der = input;
  else throw new PkiError('PKI_INVALID_CERTIFICATE', 'expected a PEM string, DER bytes or an X509Certificate');
  try {
    const certificate = new x509.X509Certificate(der);
    // Touch the lazily decoded fields so a malformed certificate fails here, not later.
    void certificate.notBefore;
    void certificate.notAfter;
    void certificate.subject;
    void certificate.issuer;
    void certificate.extensions;
    return certificate;
  } catch (cause) {
    throw new PkiError('PKI_INVALID_CERTIFICATE', 'data does not decode as an X.509 certificate', { cause });
  }
}

/**
 * DNS and IP subjectAltName entries; other name forms are ignored. Read from the ASN.1 directly
 * because @peculiar/x509's GeneralName wrapper throws on forms it cannot print (otherName...).
 */
export function subjectAltNamesOf(certificate: x509.X509Certificate): SubjectAltNames {
  const sans: SubjectAltNames = { dnsNames: [], ipAddresses: [] };
  const extension = certificate.extensions.find((candidate) => candidate.type === id_ce_subjectAltName);
  if (!extension) return sans;
  let names: SubjectAlternativeName;
  try {
    names = AsnConvert.parse(extension.value, SubjectAlternativeName);
  } catch (cause) {
    throw new PkiError('PKI_INVALID_CERTIFICATE', 'subjectAltName extension does not decode', { cause });
  }
  for (const name of names) {
    if (name.dNSName !== undefined) sans.dnsNames.push(name.dNSName.toLowerCase());
    if (name.iPAddress !== undefined) {
      try {
        sans.ipAddresses.push(canonicalIpAddress(name.iPAddress));
      } catch {
        // Not a single address (e.g. a name-constraint style "addr/prefix"): not ours to report.
      }
    }
  }
  return sans;
}

function colonHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

export function describeCertificate(input: CertificateInput): CertificateDescription {
  const certificate = parseCertificate(input);
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    serial: certificate.serialNumber,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    fingerprintSha256: colonHex(createHash('sha256').update(new Uint8Array(certificate.rawData)).digest()),
    sans: subjectAltNamesOf(certificate),
  };
}

/** The subject's commonName, or undefined when the subject has none. */
export function subjectCommonName(input: CertificateInput): string | undefined {
  return commonNameOf(parseCertificate(input));
}

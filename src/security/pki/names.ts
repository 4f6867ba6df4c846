/**
 * Distinguished names and DNS names for the certificates this module issues.
 *
 * Names are built from asn1-x509 objects rather than @peculiar/x509's string/JSON name parser,
 * which interprets escapes and "#hex" inside values (a CN of "x\\y" came out as "xy"); values
 * are written verbatim as UTF8String (RFC 5280 4.1.2.4).
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { AttributeTypeAndValue, AttributeValue, Certificate, Name as AsnName, RelativeDistinguishedName } from '@peculiar/asn1-x509';
import { PkiError } from './errors.js';
import { x509 } from './x509.js';

const OID_COMMON_NAME = '2.5.4.3';
const OID_ORGANIZATION = '2.5.4.10';
/** RFC 5280 Appendix A upper bounds. */
const MAX_COMMON_NAME = 64;
const MAX_ORGANIZATION = 64;
const MAX_DNS_NAME = 253;

export interface SubjectFields {
  commonName: string;
  organization?: string | undefined;
}

function checkValue(label: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || value.length === 0) throw new PkiError('PKI_INVALID_NAME', `${label} must be a non-empty string`);
  if (value.length > max) throw new PkiError('PKI_INVALID_NAME', `${label} is longer than ${max} characters`);
  // Control characters have no business in a name and confuse log output and UIs.
  if (/\p{Cc}/u.test(value)) throw new PkiError('PKI_INVALID_NAME', `${label} contains control characters`);
  return value;
}

function rdn(type: string, value: string): RelativeDistinguishedName {
  return new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })]);
}

/** Builds "O=..., CN=..." (issuer-to-subject order, CN last) as an x509.Name. */
export function buildName(fields: SubjectFields): x509.Name {
  const commonName = checkValue('commonName', fields.commonName, MAX_COMMON_NAME);
  const rdns: RelativeDistinguishedName[] = [];
  if (fields.organization !== undefined) rdns.push(rdn(OID_ORGANIZATION, checkValue('organization', fields.organization, MAX_ORGANIZATION)));
  rdns.push(rdn(OID_COMMON_NAME, commonName));
  return new x509.Name(AsnConvert.serialize(new AsnName(rdns)));
}

/** The subject's first commonName value, read from the ASN.1 (no string round trip), or undefined. */
export function commonNameOf(certificate: x509.X509Certificate): string | undefined {
  const subject = AsnConvert.parse(certificate.rawData, Certificate).tbsCertificate.subject;
  for (const relative of subject) {
    for (const attribute of relative) {
      if (attribute.type === OID_COMMON_NAME) return attribute.value.toString();
    }
  }
  return undefined;
}

/**
 * Validates a DNS name for a dNSName SAN: LDH labels (underscores tolerated, as some LAN names
 * use them), optional leading "*." wildcard, ASCII only (IDNs must arrive as punycode).
 * Returns the lower-cased name so comparisons are case-insensitive like TLS hostname checks.
 */
export function normalizeDnsName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) throw new PkiError('PKI_INVALID_NAME', 'a DNS name must be a non-empty string');
  const lower = name.toLowerCase().replace(/\.$/, '');
  if (lower.length === 0 || lower.length > MAX_DNS_NAME) throw new PkiError('PKI_INVALID_NAME', `DNS name ${JSON.stringify(name)} has a bad length`);
  const labels = lower.split('.');
  labels.forEach((label, index) => {
    if (index === 0 && label === '*' && labels.length > 1) return;
    if (!/^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/.test(label)) {
      throw new PkiError('PKI_INVALID_NAME', `DNS name ${JSON.stringify(name)} has an invalid label ${JSON.stringify(label)}`);
    }
  });
  return lower;
}

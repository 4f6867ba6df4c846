/**
 * Certificates for Vigil: a local ECDSA P-256 CA, TLS server and client certificates signed by
 * it, PKCS#12 export, certificate description, and the node's on-disk PKI (pki/store.ts, the
 * only part that uses the filesystem).
 */
export { PkiError, type PkiErrorCode } from './pki/errors.js';
export {
  createCa,
  issueServerCert,
  issueClientCert,
  verifyCa,
  DEFAULT_CA_VALIDITY_DAYS,
  DEFAULT_LEAF_VALIDITY_DAYS,
  type CaOptions,
  type CertificateAndKey,
  type ClientCertOptions,
  type IssuedServerCertificate,
  type ServerCertOptions,
} from './pki/issue.js';
export { toPkcs12, pkcs12Kdf, bmpPassword, PKCS12_ITERATIONS, PKCS12_KDF_ID, type Pkcs12Options, type Pkcs12KdfHash } from './pki/pkcs12.js';
export {
  describeCertificate,
  subjectCommonName,
  parseCertificate,
  subjectAltNamesOf,
  type CertificateDescription,
  type CertificateInput,
  type SubjectAltNames,
} from './pki/describe.js';
export { parseIpAddress, formatIpAddress, canonicalIpAddress } from './pki/ip.js';
export { normalizeDnsName } from './pki/names.js';
export { ensureNodePki, NODE_PKI_FILES, SERVER_RENEW_BEFORE_DAYS, type NodePki, type NodePkiOptions, type ServerIssueReason } from './pki/store.js';

/**
 * One error type for the certificate module, with a stable `code` callers can switch on
 * (the message is for humans and may change).
 */
export type PkiErrorCode =
  | 'PKI_INVALID_OPTIONS' // a caller-supplied option is out of range or malformed
  | 'PKI_INVALID_NAME' // a DNS name or distinguished-name value is unusable
  | 'PKI_INVALID_IP' // an IP address literal does not parse
  | 'PKI_INVALID_PEM' // no PEM block of the expected type, or bad base64
  | 'PKI_INVALID_CERTIFICATE' // the DER does not decode as an X.509 certificate
  | 'PKI_INVALID_KEY' // the private key does not decode
  | 'PKI_UNSUPPORTED_KEY' // the key decodes but is not ECDSA P-256
  | 'PKI_KEY_MISMATCH' // the private key does not belong to the certificate
  | 'PKI_NOT_A_CA' // the issuing certificate lacks basicConstraints CA:TRUE
  | 'PKI_CA_EXPIRED' // the issuing certificate is outside its validity period
  | 'PKI_STORE_INCOMPLETE' // only one half of the stored CA (certificate or key) exists
  | 'PKI_STORE_CORRUPT'; // stored CA files exist but do not form a usable CA

export class PkiError extends Error {
  override readonly name = 'PkiError';
  readonly code: PkiErrorCode;

  constructor(code: PkiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A certificate signing request the CA will not accept. `field` names what is wrong
 * ('pem', 'signature', 'publicKey', 'subject.CN', 'subject.OU', 'subject.organizationIdentifier',
 * 'subjectAltName', …); the message says what was found and what is expected.
 * The directory turns it into HTTP 400.
 */
export class CsrError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'CsrError';
    this.field = field;
  }
}

/** A distinguished name string that is not valid RFC 4514. */
export class DnParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DnParseError';
  }
}

/** A CRL that cannot be parsed. */
export class CrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CrlError';
  }
}

/** Input that is not a single well-formed X.509 certificate. */
export class CertificateParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateParseError';
  }
}

/** OCSP failure: `status` is the OCSPResponseStatus a responder answers with, or what a client met. */
export class OcspError extends Error {
  constructor(
    readonly status:
      | 'malformedRequest'
      | 'internalError'
      | 'tryLater'
      | 'unauthorized'
      | 'badResponse'
      | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'OcspError';
  }
}

import { fromDer } from './asn1.js';
import { certificateNames } from './certificate-names.js';
import { CertificateParseError } from './errors.js';
import { toDerBytes } from './parse-certificate.js';
import type { DnAttribute } from './types.js';
import { decodeName } from './x509-name.js';

/**
 * The subject of one X.509 certificate (PEM or DER), attributes in ASN.1 order, read as
 * `parseCertificate(...).subject` reads it, without parsing the rest: the DER is walked
 * (Certificate → TBSCertificate → version, serialNumber, signature, issuer, validity, subject,
 * each with its tag checked and lengths inside their parents) and only the subject Name is
 * decoded. For a TPP that needs its transport certificate's subject DN per registration, a full
 * parse (extensions, qcStatements, fingerprints, the public key) cost ten times as much.
 * Throws CertificateParseError.
 */
export function certificateSubject(pemOrDer: string | Buffer): DnAttribute[] {
  const der = toDerBytes(pemOrDer);
  let name: Buffer;
  try {
    name = certificateNames(der).subject;
  } catch (err) {
    throw new CertificateParseError(`not an X.509 certificate: ${(err as Error).message}`);
  }
  try {
    return decodeName(fromDer(name), 'subject');
  } catch (err) {
    throw new CertificateParseError(`malformed certificate: ${(err as Error).message}`);
  }
}

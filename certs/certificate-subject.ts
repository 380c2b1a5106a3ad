import { fromDer, readTlv } from './asn1.js';
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
    name = subjectDer(der);
  } catch (err) {
    throw new CertificateParseError(`not an X.509 certificate: ${(err as Error).message}`);
  }
  try {
    return decodeName(fromDer(name), 'subject');
  } catch (err) {
    throw new CertificateParseError(`malformed certificate: ${(err as Error).message}`);
  }
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const VERSION = 0xa0; // [0] EXPLICIT

function subjectDer(der: Buffer): Buffer {
  const cert = expect(der, 0, SEQUENCE, 'Certificate', der.length);
  if (cert.end !== der.length) throw new Error('bytes after the certificate');
  const tbs = expect(der, cert.contentStart, SEQUENCE, 'TBSCertificate', cert.end);
  let pos = tbs.contentStart;
  if (der[pos] === VERSION) pos = expect(der, pos, VERSION, 'version', tbs.end).end;
  pos = expect(der, pos, INTEGER, 'serialNumber', tbs.end).end;
  pos = expect(der, pos, SEQUENCE, 'signature', tbs.end).end;
  pos = expect(der, pos, SEQUENCE, 'issuer', tbs.end).end;
  pos = expect(der, pos, SEQUENCE, 'validity', tbs.end).end;
  const subject = expect(der, pos, SEQUENCE, 'subject', tbs.end);
  // the subjectPublicKeyInfo must follow inside the TBSCertificate
  expect(der, subject.end, SEQUENCE, 'subjectPublicKeyInfo', tbs.end);
  return der.subarray(subject.start, subject.end);
}

function expect(der: Buffer, offset: number, tag: number, what: string, limit: number) {
  if (offset >= limit) throw new Error(`${what}: missing`);
  const tlv = readTlv(der, offset);
  if (tlv.tag !== tag) throw new Error(`${what}: unexpected tag 0x${tlv.tag.toString(16)}`);
  if (tlv.end > limit) throw new Error(`${what}: runs past its parent`);
  return tlv;
}

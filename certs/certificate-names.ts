import { readTlv } from './asn1.js';

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const VERSION = 0xa0; // [0] EXPLICIT

/**
 * The DER of a certificate's issuer and subject Names, found by walking the DER (Certificate →
 * TBSCertificate → version, serialNumber, signature, issuer, validity, subject, each with its
 * tag checked and its length inside its parent) without decoding anything else. Throws an Error
 * naming the part that is missing or malformed.
 */
export function certificateNames(der: Buffer): { issuer: Buffer; subject: Buffer } {
  const cert = expect(der, 0, SEQUENCE, 'Certificate', der.length);
  if (cert.end !== der.length) throw new Error('bytes after the certificate');
  const tbs = expect(der, cert.contentStart, SEQUENCE, 'TBSCertificate', cert.end);
  let pos = tbs.contentStart;
  if (der[pos] === VERSION) pos = expect(der, pos, VERSION, 'version', tbs.end).end;
  pos = expect(der, pos, INTEGER, 'serialNumber', tbs.end).end;
  pos = expect(der, pos, SEQUENCE, 'signature', tbs.end).end;
  const issuer = expect(der, pos, SEQUENCE, 'issuer', tbs.end);
  pos = expect(der, issuer.end, SEQUENCE, 'validity', tbs.end).end;
  const subject = expect(der, pos, SEQUENCE, 'subject', tbs.end);
  // the subjectPublicKeyInfo must follow inside the TBSCertificate
  expect(der, subject.end, SEQUENCE, 'subjectPublicKeyInfo', tbs.end);
  return {
    issuer: der.subarray(issuer.start, issuer.end),
    subject: der.subarray(subject.start, subject.end),
  };
}

function expect(der: Buffer, offset: number, tag: number, what: string, limit: number) {
  if (offset >= limit) throw new Error(`${what}: missing`);
  const tlv = readTlv(der, offset);
  if (tlv.tag !== tag) throw new Error(`${what}: unexpected tag 0x${tlv.tag.toString(16)}`);
  if (tlv.end > limit) throw new Error(`${what}: runs past its parent`);
  return tlv;
}

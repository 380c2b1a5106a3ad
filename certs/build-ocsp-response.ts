import { createHash, type KeyObject, sign, type X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import {
  type Asn1,
  bitString,
  explicit,
  implicitConstructed,
  implicitPrimitive,
  octets,
  oid,
  seq,
  toDer,
  wrapDer,
} from './asn1.js';
import { encodeCertId } from './encode-cert-id.js';
import { issuerHashInputs, type OcspCertId } from './ocsp-cert-id.js';
import { OID } from './oids.js';
import { sha256WithRsaAlgorithm, signSha256WithRsa } from './sign.js';
import type { CertificateAuthority } from './types.js';

export type OcspCertStatus =
  | { status: 'good' }
  | { status: 'revoked'; revokedAt: Date }
  | { status: 'unknown' };

export interface OcspAnswer {
  certId: OcspCertId;
  status: OcspCertStatus;
}

/** OCSPResponseStatus values (RFC 6960 §4.2.1). */
const RESPONSE_STATUS = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  unauthorized: 6,
} as const;

const generalizedTime = (d: Date): Asn1 =>
  forge.asn1.create(
    forge.asn1.Class.UNIVERSAL,
    forge.asn1.Type.GENERALIZEDTIME,
    false,
    forge.asn1.dateToGeneralizedTime(new Date(Math.floor(d.getTime() / 1000) * 1000)),
  );

const enumerated = (n: number): Buffer => Buffer.from([0x0a, 0x01, n]);

function certStatus(s: OcspCertStatus): Asn1 {
  if (s.status === 'good') return implicitPrimitive(0, Buffer.alloc(0));
  if (s.status === 'unknown') return implicitPrimitive(2, Buffer.alloc(0));
  return implicitConstructed(1, [generalizedTime(s.revokedAt)]);
}

/** BasicOCSPResponse signed by a delegated responder: { tbs, sha256WithRSA, signature, certs [0] { its certificate } }. */
function signedByDelegate(tbs: Buffer, signer: OcspSigner): Buffer {
  if (signer.key.type !== 'private' || signer.key.asymmetricKeyType !== 'rsa')
    throw new TypeError('the OCSP signing key must be an RSA private key');
  const signature = sign('sha256', tbs, signer.key);
  return wrapDer(0x30, [
    tbs,
    toDer(sha256WithRsaAlgorithm()),
    toDer(bitString(signature)),
    wrapDer(0xa0, [wrapDer(0x30, [signer.cert.raw])]),
  ]);
}

/** An OCSPResponse with an error status and no responseBytes. */
export function ocspErrorResponse(status: Exclude<keyof typeof RESPONSE_STATUS, 'successful'>): Buffer {
  return wrapDer(0x30, [enumerated(RESPONSE_STATUS[status])]);
}

/** A delegated OCSP responder (RFC 6960 §4.2.2.2): its RSA key and its certificate, issued by the CA. */
export interface OcspSigner {
  key: KeyObject;
  cert: X509Certificate;
}

/**
 * A successful OCSPResponse (RFC 6960 §4.2.1): a BasicOCSPResponse signed
 * (sha256WithRSAEncryption, node:crypto) by the delegated `signer` — its
 * certificate then travels in `certs` — or else by the issuing CA itself;
 * the responder identified by the SHA-1 hash of the signing key, one
 * SingleResponse per CertID with thisUpdate = now (answers are produced per
 * request, so a revocation shows at once; no nextUpdate), and the request's
 * nonce echoed.
 */
export function buildOcspResponse(
  ca: CertificateAuthority,
  answers: OcspAnswer[],
  opts: { nonce?: Buffer; now?: Date; signer?: OcspSigner } = {},
): Buffer {
  const now = opts.now ?? new Date();
  const responderCert = opts.signer?.cert ?? ca.issuer.cert;
  const keyHash = createHash('sha1').update(issuerHashInputs(responderCert).keyBits).digest();
  const responses = answers.map((a) =>
    seq([encodeCertId(a.certId), certStatus(a.status), generalizedTime(now)]),
  );
  const data: Asn1[] = [explicit(2, octets(keyHash)), generalizedTime(now), seq(responses)];
  if (opts.nonce) {
    data.push(explicit(1, seq([seq([oid(OID.ocspNonce), octets(opts.nonce)])])));
  }
  const tbs = toDer(seq(data));
  const basic = opts.signer ? signedByDelegate(tbs, opts.signer) : signSha256WithRsa(tbs, ca.issuingKey);
  const responseBytes = seq([oid(OID.ocspBasic), octets(basic)]);
  return wrapDer(0x30, [enumerated(RESPONSE_STATUS.successful), toDer(explicit(0, responseBytes))]);
}

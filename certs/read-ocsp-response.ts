import { createHash, type KeyObject, X509Certificate } from 'node:crypto';
import {
  type Asn1,
  buf,
  CLASS_CONTEXT,
  children,
  fromDer,
  primitiveBytes,
  rawChildren,
  readBitString,
  readIntegerHex,
  readOctets,
  readOid,
  readTime,
  toDer,
} from './asn1.js';
import type { OcspCertStatus } from './build-ocsp-response.js';
import { OcspError } from './errors.js';
import { issuerHashInputs, type OcspCertId, sameCertId } from './ocsp-cert-id.js';
import { OID } from './oids.js';
import { verifySignature } from './verify-signature.js';

const TAG_ENUMERATED = 10;

const STATUS_NAMES: Record<number, OcspError['status']> = {
  1: 'malformedRequest',
  2: 'internalError',
  3: 'tryLater',
  6: 'unauthorized',
};

export interface OcspResult {
  status: OcspCertStatus;
  thisUpdate: Date;
  nextUpdate?: Date;
  producedAt: Date;
}

export interface ReadOcspResponseOptions {
  /** The certificate asked about must be in the answer. */
  certId: OcspCertId;
  /** The issuing CA: it signs the answer, or issued the delegated OCSP signing certificate that did. */
  issuer: X509Certificate;
  /** When given, the answer must echo it. */
  nonce?: Buffer;
  now?: Date;
  /** Tolerance for thisUpdate in the future / nextUpdate in the past, seconds. Default 300. */
  skewSeconds?: number;
}

function cid(node: Asn1): OcspCertId {
  const [alg, nameHash, keyHash, serial] = children(node, 'CertID');
  const algOid = readOid(children(alg, 'hashAlgorithm')[0], 'hashAlgorithm');
  const hash = algOid === OID.sha1 ? 'sha1' : algOid === OID.sha256 ? 'sha256' : undefined;
  if (!hash) throw new OcspError('badResponse', `CertID hash ${algOid} is not supported`);
  return {
    hash,
    issuerNameHash: readOctets(nameHash, 'issuerNameHash'),
    issuerKeyHash: readOctets(keyHash, 'issuerKeyHash'),
    serialHex: readIntegerHex(serial, 'serialNumber'),
  };
}

function certStatus(node: Asn1): OcspCertStatus {
  if (node.tagClass !== CLASS_CONTEXT)
    throw new OcspError('badResponse', 'certStatus: expected a [n] choice');
  if (node.type === 0) return { status: 'good' };
  if (node.type === 2) return { status: 'unknown' };
  if (node.type === 1 && Array.isArray(node.value))
    return { status: 'revoked', revokedAt: readTime(node.value[0], 'revocationTime') };
  throw new OcspError('badResponse', 'certStatus: unknown choice');
}

/** The key that signed the answer: the issuer's own (byKey/byName), or a delegated signer it issued. */
function signerKey(responderId: Asn1, certs: Asn1 | undefined, issuer: X509Certificate): KeyObject {
  const issuerKeyHash = createHash('sha1').update(issuerHashInputs(issuer).keyBits).digest();
  if (responderId.type === 2 && Array.isArray(responderId.value)) {
    const byKey = readOctets(responderId.value[0], 'responderID byKey');
    if (byKey.equals(issuerKeyHash)) return issuer.publicKey;
  }
  if (!certs || !Array.isArray(certs.value)) return issuer.publicKey; // the signature check decides
  const [first] = children(certs.value[0], 'certs');
  if (!first) throw new OcspError('badResponse', 'no responder certificate');
  const delegated = new X509Certificate(toDer(first));
  if (!delegated.checkIssued(issuer) || !delegated.verify(issuer.publicKey))
    throw new OcspError('badResponse', 'the responder certificate was not issued by the CA');
  if (!(delegated.keyUsage ?? []).includes(OID.ocspSigning))
    throw new OcspError('badResponse', 'the responder certificate lacks the OCSPSigning purpose');
  return delegated.publicKey;
}

/**
 * Reads and verifies an OCSPResponse (RFC 6960 §4.2): successful, a
 * BasicOCSPResponse whose signature verifies with the issuer's key (or a
 * delegated OCSP signer the issuer certified), an answer for `certId`,
 * the nonce echoed when one was sent, and current thisUpdate/nextUpdate.
 * Throws OcspError otherwise.
 */
export function readOcspResponse(der: Buffer, opts: ReadOcspResponseOptions): OcspResult {
  try {
    const [statusNode, bytesNode] = children(fromDer(der), 'OCSPResponse');
    const status = buf(primitiveBytes(statusNode, 'responseStatus'))[0];
    if (statusNode.type !== TAG_ENUMERATED)
      throw new OcspError('badResponse', 'responseStatus: expected ENUMERATED');
    if (status !== 0) {
      const name = STATUS_NAMES[status] ?? 'badResponse';
      throw new OcspError(name, `the responder answered ${name}`);
    }
    if (!bytesNode || !Array.isArray(bytesNode.value)) throw new OcspError('badResponse', 'no responseBytes');
    const [typeNode, responseNode] = children(bytesNode.value[0], 'ResponseBytes');
    if (readOid(typeNode, 'responseType') !== OID.ocspBasic)
      throw new OcspError('badResponse', 'responseType is not id-pkix-ocsp-basic');
    const basicDer = readOctets(responseNode, 'response');
    const [tbs, sigAlg, sig, certs] = children(fromDer(basicDer), 'BasicOCSPResponse');
    const [tbsDer] = rawChildren(basicDer, 1);
    const fields = children(tbs, 'ResponseData');
    let i = 0;
    if (fields[0]?.tagClass === CLASS_CONTEXT && fields[0].type === 0) i = 1; // version
    const responderId = fields[i];
    const producedAt = readTime(fields[i + 1], 'producedAt');
    const responses = children(fields[i + 2], 'responses');
    const key = signerKey(responderId, certs, opts.issuer);
    if (!verifySignature(sigAlg, tbsDer, readBitString(sig, 'signature').bytes, key))
      throw new OcspError('badResponse', 'the OCSP response signature does not verify');
    if (opts.nonce) {
      const extField = fields[i + 3];
      let echoed: Buffer | undefined;
      if (extField?.tagClass === CLASS_CONTEXT && extField.type === 1 && Array.isArray(extField.value)) {
        for (const ext of children(extField.value[0], 'responseExtensions')) {
          const parts = children(ext, 'Extension');
          if (readOid(parts[0], 'extnID') === OID.ocspNonce)
            echoed = readOctets(parts[parts.length - 1], 'nonce');
        }
      }
      if (!echoed?.equals(opts.nonce))
        throw new OcspError('badResponse', 'the OCSP response does not echo the nonce');
    }
    for (const single of responses) {
      const [idNode, statusChoice, thisUpdateNode, ...rest] = children(single, 'SingleResponse');
      if (!sameCertId(cid(idNode), opts.certId)) continue;
      const thisUpdate = readTime(thisUpdateNode, 'thisUpdate');
      const next = rest.find((n) => n.tagClass === CLASS_CONTEXT && n.type === 0);
      const nextUpdate =
        next && Array.isArray(next.value) ? readTime(next.value[0], 'nextUpdate') : undefined;
      const now = (opts.now ?? new Date()).getTime();
      const skew = (opts.skewSeconds ?? 300) * 1000;
      if (thisUpdate.getTime() > now + skew)
        throw new OcspError('badResponse', 'thisUpdate is in the future');
      if (nextUpdate && nextUpdate.getTime() < now - skew)
        throw new OcspError('badResponse', 'the answer is stale');
      return {
        status: certStatus(statusChoice),
        thisUpdate,
        producedAt,
        ...(nextUpdate ? { nextUpdate } : {}),
      };
    }
    throw new OcspError('badResponse', 'the OCSP response has no answer for this certificate');
  } catch (err) {
    if (err instanceof OcspError) throw err;
    throw new OcspError('badResponse', `not an OCSP response: ${(err as Error).message}`);
  }
}

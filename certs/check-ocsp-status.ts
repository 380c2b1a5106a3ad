import { X509Certificate } from 'node:crypto';
import { buildOcspRequest } from './build-ocsp-request.js';
import { OcspError } from './errors.js';
import { pemBlocks } from './pem.js';
import { type OcspResult, readOcspResponse } from './read-ocsp-response.js';

/** How the caller fetches a URL (bounded in time and size); the PKI code never opens a connection itself. */
export type OcspGet = (url: string) => Promise<{ status: number; body: Buffer }>;

export interface CheckOcspStatusOptions {
  /** Trusted CA certificates (PEM bundle): the leaf's issuer is found among them. */
  caBundlePem: string;
  get: OcspGet;
  /** Ask this responder instead of the one in the certificate's Authority Information Access. */
  responderUrl?: string;
  now?: Date;
}

/** The OCSP responder URL of a certificate's Authority Information Access, if it names one. */
export function ocspUrlOf(cert: X509Certificate): string | undefined {
  const m = /OCSP - URI:(\S+)/.exec(cert.infoAccess ?? '');
  return m?.[1];
}

/**
 * Asks an OCSP responder (RFC 6960, GET form of A.1) about one certificate
 * and verifies the answer: signed by the issuer or its delegated signer,
 * for this certificate, echoing the nonce. Throws OcspError — `unavailable`
 * when the responder cannot be reached or answers other than 200.
 */
export async function checkOcspStatus(leafDer: Buffer, opts: CheckOcspStatusOptions): Promise<OcspResult> {
  const leaf = new X509Certificate(leafDer);
  const issuer = pemBlocks(opts.caBundlePem, false)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => new X509Certificate(b.der))
    .find((c) => leaf.checkIssued(c) && leaf.verify(c.publicKey));
  if (!issuer) throw new OcspError('badResponse', 'the certificate was not issued by a trusted CA');
  const url = opts.responderUrl ?? ocspUrlOf(leaf);
  if (!url) throw new OcspError('unavailable', 'the certificate names no OCSP responder');
  const request = buildOcspRequest(leaf, issuer);
  let res: { status: number; body: Buffer };
  try {
    res = await opts.get(`${url.replace(/\/+$/, '')}/${encodeURIComponent(request.der.toString('base64'))}`);
  } catch (err) {
    throw new OcspError('unavailable', `OCSP responder ${url}: ${(err as Error).message}`);
  }
  if (res.status !== 200) throw new OcspError('unavailable', `OCSP responder ${url} answered ${res.status}`);
  return readOcspResponse(res.body, {
    certId: request.certId,
    issuer,
    nonce: request.nonce,
    ...(opts.now ? { now: opts.now } : {}),
  });
}

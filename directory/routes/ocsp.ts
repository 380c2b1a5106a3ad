import type { Request, Response } from 'express';
import {
  buildOcspResponse,
  certIdFor,
  type OcspAnswer,
  type OcspCertId,
  OcspError,
  ocspErrorResponse,
  readOcspRequest,
} from '../../certs/index.js';
import type { DirectoryContext } from '../context.js';

export const OCSP_MEDIA = { request: 'application/ocsp-request', response: 'application/ocsp-response' };
/** Largest OCSP request accepted: POST body, or decoded GET path (RFC 6960 A.1). */
export const OCSP_MAX_REQUEST_BYTES = 4096;

/** good / revoked / unknown for one CertID, from the directory's certificate records as they are now. */
function answer(ctx: DirectoryContext, id: OcspCertId): OcspAnswer {
  const ours = certIdFor(ctx.ca.issuer.cert, id.serialHex, id.hash);
  if (!ours.issuerNameHash.equals(id.issuerNameHash) || !ours.issuerKeyHash.equals(id.issuerKeyHash))
    return { certId: id, status: { status: 'unknown' } };
  const record = ctx.repo.certificateBySerial(id.serialHex);
  if (!record) return { certId: id, status: { status: 'unknown' } };
  if (record.status === 'Revoked')
    return {
      certId: id,
      status: { status: 'revoked', revokedAt: new Date(record.revokedAt ?? record.createdAt) },
    };
  return { certId: id, status: { status: 'good' } };
}

async function respond(ctx: DirectoryContext, res: Response, der: Buffer | undefined): Promise<void> {
  let body: Buffer;
  if (!der || der.length === 0 || der.length > OCSP_MAX_REQUEST_BYTES) {
    body = ocspErrorResponse('malformedRequest');
  } else {
    try {
      const request = readOcspRequest(der);
      const signer = await ctx.ocspSigner.current().catch((err: unknown) => {
        ctx.logger.error('ocsp signer unavailable', { reason: (err as Error).message });
        throw new OcspError('internalError', 'the OCSP signing certificate is unavailable');
      });
      body = buildOcspResponse(
        ctx.ca,
        request.certIds.map((id) => answer(ctx, id)),
        { now: ctx.now(), signer, ...(request.nonce ? { nonce: request.nonce } : {}) },
      );
    } catch (err) {
      if (!(err instanceof OcspError)) throw err;
      ctx.logger.debug('ocsp request refused', { reason: err.message });
      body = ocspErrorResponse(err.status === 'internalError' ? 'internalError' : 'malformedRequest');
    }
  }
  res.status(200).set('Cache-Control', 'no-store').type(OCSP_MEDIA.response).send(body);
}

/** POST /ocsp with an application/ocsp-request body (RFC 6960 A.1). */
export function ocspPost(ctx: DirectoryContext) {
  return (req: Request, res: Response): Promise<void> => respond(ctx, res, req.rawBody);
}

/** GET /ocsp/{base64 of the DER request, URL-encoded} (RFC 6960 A.1). */
export function ocspGet(ctx: DirectoryContext) {
  return (req: Request, res: Response): Promise<void> => {
    const encoded = String(req.params.request ?? '');
    const der =
      encoded.length <= (OCSP_MAX_REQUEST_BYTES * 4) / 3 + 8 && /^[A-Za-z0-9+/=_-]+$/.test(encoded)
        ? Buffer.from(encoded, 'base64')
        : undefined;
    return respond(ctx, res, der);
  };
}

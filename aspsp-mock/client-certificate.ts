import type { Request } from 'express';
import type { CertificateInfo } from '../certs/index.js';
import { peerCertificateDer } from '../lib/http/index.js';
import { type CertificateCheck, type Checklist, failCertificate, passCertificate } from './checklist.js';
import type { BankContext } from './context.js';
import { InvalidClient } from './errors.js';
import type { ClientCertificateCheck } from './trust/directory-trust.js';

/**
 * The DER of the client certificate: from the TLS session (default), or —
 * when the bank sits behind a TLS-terminating gateway — from the configured
 * header holding the URL-encoded PEM (as nginx's $ssl_client_escaped_cert).
 */
export function presentedCertificate(ctx: BankContext, req: Request): Buffer | undefined {
  if (ctx.mtlsHeader) {
    const raw = req.headers[ctx.mtlsHeader.toLowerCase()];
    if (typeof raw !== 'string' || raw === '') return undefined;
    let pem: string;
    try {
      pem = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    const b64 = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem)?.[1];
    return b64 ? Buffer.from(b64.replace(/\s+/g, ''), 'base64') : undefined;
  }
  return peerCertificateDer(req);
}

/**
 * The one revocation check of the bank: the certificate chains to the
 * directory CA, is valid at the time of the call and is not on the directory's
 * CRL (refetched after the profile's `crlCacheSeconds`). Every
 * certificate-authenticated route — token, register, management, resources —
 * goes through here, so another revocation source (OCSP) plugs in at one place.
 * The clock is read after the CRL arrived; its freshness is judged with the
 * profile's clock-skew tolerance.
 */
export function checkClientCertificate(ctx: BankContext, der: Buffer): Promise<ClientCertificateCheck> {
  return ctx.trust.checkClientCertificate(der, () => ctx.now(), ctx.settings.clockSkewSeconds);
}

/** 401 invalid_client for a TLS client certificate that is missing (`reason` "missing") or refused (the check's reason). */
export class ClientCertificateRefused extends InvalidClient {
  constructor(
    readonly reason: string,
    description: string,
  ) {
    super(description);
  }
}

/** Step: a client certificate is required, chains to the directory CA, is valid now and not revoked. */
export async function requireClientCertificate(ctx: BankContext, req: Request): Promise<CertificateInfo> {
  const der = presentedCertificate(ctx, req);
  if (!der) throw new ClientCertificateRefused('missing', 'a client certificate (mutual TLS) is required');
  const check = await checkClientCertificate(ctx, der);
  if (!check.ok)
    throw new ClientCertificateRefused(
      check.reason,
      `client certificate rejected (${check.reason}): ${check.message}`,
    );
  return check.info;
}

/** `requireClientCertificate` with its outcome split into the certificate's own checks on `checks`. */
export async function requireCheckedCertificate(
  ctx: BankContext,
  req: Request,
  checks: Checklist<CertificateCheck>,
): Promise<CertificateInfo> {
  try {
    const cert = await requireClientCertificate(ctx, req);
    passCertificate(checks);
    return cert;
  } catch (err) {
    if (err instanceof ClientCertificateRefused) failCertificate(checks, err.reason, err);
    else checks.fail('certificate-presented', err);
    throw err;
  }
}

import type { Dispatcher } from 'undici';
import { checkOcspStatus, OcspError } from '../../certs/index.js';
import { boundedGet } from '../../lib/http/index.js';

export type OcspVerdict =
  | { kind: 'good' }
  | { kind: 'revoked'; message: string }
  | { kind: 'unknown'; message: string }
  | { kind: 'unavailable'; message: string };

/** Time and size limits of one OCSP exchange. */
export const OCSP_TIMEOUT_MS = 3_000;
export const OCSP_MAX_BYTES = 64 * 1024;

/**
 * Revocation by OCSP for the bank (switch revocationCheck): asks the
 * directory's own responder — never a URL taken from a client's certificate —
 * with a fresh nonce, on every check, so a revocation shows at once.
 */
export async function ocspVerdict(
  der: Buffer,
  opts: { directoryUrl: string; caBundlePem: string; dispatcher: Dispatcher; now: Date },
): Promise<OcspVerdict> {
  try {
    const result = await checkOcspStatus(der, {
      caBundlePem: opts.caBundlePem,
      responderUrl: `${opts.directoryUrl}/ocsp`,
      now: opts.now,
      get: (url) =>
        boundedGet(url, {
          dispatcher: opts.dispatcher,
          timeoutMs: OCSP_TIMEOUT_MS,
          maxBytes: OCSP_MAX_BYTES,
        }),
    });
    if (result.status.status === 'good') return { kind: 'good' };
    if (result.status.status === 'revoked')
      return {
        kind: 'revoked',
        message: `the OCSP responder says the certificate was revoked at ${result.status.revokedAt.toISOString()}`,
      };
    return { kind: 'unknown', message: 'the OCSP responder does not know the certificate' };
  } catch (err) {
    if (err instanceof OcspError)
      return { kind: 'unavailable', message: `revocation status unavailable: ${err.message}` };
    throw err;
  }
}

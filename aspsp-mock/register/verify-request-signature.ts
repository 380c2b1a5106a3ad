import type { ProtectedHeaderParameters } from 'jose';
import type { BankContext } from '../context.js';
import { InvalidClientMetadata, InvalidSoftwareStatement } from '../errors.js';
import { JwksError } from '../trust/jwks-fetcher.js';
import { KEY_CARRYING_HEADERS, readCompactJws, signatureVerifies } from './jws.js';
import type { SsaClaims } from './verify-ssa.js';

/** The request's protected header, with the alg and kid it names. */
export interface RequestHeader {
  alg: string;
  kid: string;
  header: ProtectedHeaderParameters;
}

/** Step: the request header is acceptable (alg, no embedded key, no crit, kid) before anything is fetched. */
export function checkRequestHeader(ctx: BankContext, jws: string): RequestHeader {
  const header = readCompactJws(jws);
  if (!header) throw new InvalidClientMetadata('request body is not a signed JWT (compact JWS)');
  const alg = String(header.alg);
  if (alg === 'none' || !ctx.settings.signingAlgs.includes(alg as never)) {
    throw new InvalidClientMetadata(
      `request signing alg '${alg}' is not accepted (${ctx.settings.signingAlgs.join(', ')})`,
    );
  }
  for (const h of KEY_CARRYING_HEADERS) {
    if (h in header)
      throw new InvalidClientMetadata(
        `request header must not carry '${h}'; the key comes from software_jwks_endpoint`,
      );
  }
  // RFC 7515 §4.1.11: a JWS whose crit lists an extension the recipient does not understand is
  // invalid; the bank understands none. Said here, before the signature, which is never checked.
  if (header.crit !== undefined)
    throw new InvalidClientMetadata(
      "request header must not have 'crit': this bank supports no critical header extension (RFC 7515 §4.1.11)",
    );
  if (typeof header.kid !== 'string' || header.kid === '')
    throw new InvalidClientMetadata('request header has no kid');
  return { alg, kid: header.kid, header };
}

/** Step: the request is signed by a `sig` key published at the SSA's software_jwks_endpoint. */
export async function verifyRequestSignature(
  ctx: BankContext,
  jws: string,
  header: RequestHeader,
  ssa: SsaClaims,
): Promise<void> {
  let key: Awaited<ReturnType<BankContext['jwks']['key']>>;
  try {
    key = await ctx.jwks.key(
      ssa.software_jwks_endpoint,
      header.kid,
      'sig',
      ctx.settings.trustModel === 'eidas',
    );
  } catch (err) {
    if (err instanceof JwksError && err.kind === 'unknown_kid') {
      throw new InvalidClientMetadata(
        `request signed with kid '${header.kid}', which is not in the software JWKS`,
      );
    }
    if (err instanceof JwksError && err.kind === 'untrusted_host') {
      throw new InvalidSoftwareStatement(`software_jwks_endpoint: ${err.message}`);
    }
    throw new InvalidSoftwareStatement(`software_jwks_endpoint: ${(err as Error).message}`);
  }
  if (!(await signatureVerifies(jws, key.key, [header.alg], header.header))) {
    throw new InvalidClientMetadata(`request signature does not verify with key '${header.kid}'`);
  }
}

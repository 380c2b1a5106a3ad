import { decodeJwt } from 'jose';

/**
 * The keystore prefix the SSA points at: `software_jwks_endpoint` without its
 * `/{org_id}/{software_id}.jwks` tail (e.g. https://keystore.openbankingtest.org.uk, or
 * https://localhost:8443/keystore for obmock). Undefined when the SSA does not say.
 */
export function keystoreUrlFromSsa(ssa: string): string | undefined {
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(ssa);
  } catch {
    return undefined;
  }
  const endpoint = claims.software_jwks_endpoint;
  if (typeof endpoint !== 'string') return undefined;
  const tail = `/${String(claims.org_id)}/${String(claims.software_id)}.jwks`;
  return endpoint.endsWith(tail) ? endpoint.slice(0, -tail.length) : undefined;
}

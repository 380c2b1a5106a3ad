import { type BankContext, nowSeconds } from '../context.js';
import { InvalidSoftwareStatement, UnapprovedSoftwareStatement } from '../errors.js';
import { JwksError } from '../trust/jwks-fetcher.js';
import { readCompactJws, signatureVerifies, unverifiedPayload } from './jws.js';
import { rememberedStatement, rememberStatement, verifiedWith } from './remembered-statements.js';

/** The SSA claims the bank relies on, after verification. */
export interface SsaClaims extends Record<string, unknown> {
  software_id: string;
  org_id: string;
  software_jwks_endpoint: string;
  software_redirect_uris: string[];
  software_roles: string[];
  org_status: string;
}

const REQUIRED_STRINGS = ['software_id', 'org_id', 'software_jwks_endpoint', 'org_status'] as const;

/**
 * Verifies the software statement: signed (PS256/ES256) by a key in the
 * directory's keystore, issued by OpenBanking Ltd, fresh, complete, and for an
 * Active organisation. A statement that verified before with the same key
 * object is neither verified nor decoded again (remembered-statements.ts);
 * its alg, kid and key are looked at, and its claims checked, on every call.
 * The claims returned may be shared with other requests: frozen.
 */
export async function verifySsa(ctx: BankContext, ssa: unknown): Promise<SsaClaims> {
  if (typeof ssa !== 'string' || ssa === '')
    throw new InvalidSoftwareStatement('software_statement is required');
  const known = rememberedStatement(ssa);
  const header = known?.header ?? readCompactJws(ssa);
  if (!header) throw new InvalidSoftwareStatement('software_statement is not a signed JWT');
  const alg = String(header.alg);
  if (alg === 'none' || !ctx.settings.signingAlgs.includes(alg as never)) {
    throw new InvalidSoftwareStatement(
      `software_statement alg '${alg}' is not accepted (${ctx.settings.signingAlgs.join(', ')})`,
    );
  }
  if (typeof header.kid !== 'string')
    throw new InvalidSoftwareStatement('software_statement header has no kid');
  let key: Awaited<ReturnType<BankContext['jwks']['key']>>;
  try {
    key = await ctx.jwks.key(ctx.trust.ssaJwksUrl, header.kid, 'sig');
  } catch (err) {
    if (err instanceof JwksError && err.kind === 'unknown_kid') {
      throw new InvalidSoftwareStatement(
        `software_statement kid '${header.kid}' is not a directory signing key`,
      );
    }
    throw new InvalidSoftwareStatement(`cannot verify software_statement: ${(err as Error).message}`);
  }
  let verified = known && verifiedWith(known, key.key) ? known : undefined;
  if (!verified) {
    if (!(await signatureVerifies(ssa, key.key, [alg], header))) {
      throw new InvalidSoftwareStatement(
        'software_statement signature does not verify with the directory key',
      );
    }
    const decoded = unverifiedPayload(ssa);
    if (!decoded) throw new InvalidSoftwareStatement('software_statement payload is not a JSON object');
    verified = rememberStatement(ssa, key.key, header, decoded);
  }
  const claims = verified.claims;
  if (claims.iss !== 'OpenBanking Ltd')
    throw new InvalidSoftwareStatement(`software_statement iss must be 'OpenBanking Ltd'`);
  const now = nowSeconds(ctx);
  const skew = ctx.settings.clockSkewSeconds;
  if (typeof claims.iat !== 'number')
    throw new InvalidSoftwareStatement('software_statement iat is required');
  if (claims.iat > now + skew) throw new InvalidSoftwareStatement('software_statement iat is in the future');
  if (now - claims.iat > ctx.settings.ssaMaxAgeSeconds) {
    throw new InvalidSoftwareStatement(
      `software_statement is too old (issued ${now - claims.iat} s ago; at most ${ctx.settings.ssaMaxAgeSeconds} s accepted)`,
    );
  }
  if (typeof claims.exp === 'number' && now > claims.exp + skew)
    throw new InvalidSoftwareStatement('software_statement has expired');
  for (const name of REQUIRED_STRINGS) {
    if (typeof claims[name] !== 'string' || claims[name] === '') {
      throw new InvalidSoftwareStatement(`software_statement ${name} is required`);
    }
  }
  for (const name of ['software_redirect_uris', 'software_roles'] as const) {
    const v = claims[name];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      throw new InvalidSoftwareStatement(`software_statement ${name} must be an array of strings`);
    }
  }
  if (claims.org_status !== 'Active') {
    throw new UnapprovedSoftwareStatement(
      `organisation ${String(claims.org_id)} is ${String(claims.org_status)}, not Active`,
    );
  }
  return claims as SsaClaims;
}

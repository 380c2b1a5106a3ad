import { type CertificateInfo, parseCertificate } from '../../certs/index.js';
import { redirectUriProblem } from '../../lib/redirect-uri.js';
import { checkClientCertificate } from '../client-certificate.js';
import { type BankContext, nowSeconds } from '../context.js';
import { InvalidSoftwareStatement, UnapprovedSoftwareStatement } from '../errors.js';
import { JwksError } from '../trust/jwks-fetcher.js';
import { statementRoles } from './eidas-roles.js';
import { readCompactJws, signatureVerifies, unverifiedPayload } from './jws.js';
import { checkAudience } from './validate-claims.js';
import type { SsaClaims } from './verify-ssa.js';

const PSD2_TO_ROLE: Record<string, string> = {
  PSP_AI: 'AISP',
  PSP_PI: 'PISP',
  PSP_IC: 'CBPII',
  PSP_AS: 'ASPSP',
};

const organisationIdentifier = (cert: CertificateInfo): string[] =>
  cert.subject.filter((a) => a.name === 'organizationIdentifier').map((a) => a.value);

/**
 * eIDAS trust model: the software statement is signed by the TPP's own QSeal
 * key, published at its (TPP-hosted) software_jwks_endpoint. `iss` is the
 * TPP's organisation identifier and must be the organizationIdentifier of the
 * QWAC presented over mTLS; a JWK carrying x5c must chain to the directory CA
 * (acting as the test QTSP) and name the same organisation.
 */
export async function verifyEidasStatement(
  ctx: BankContext,
  statement: unknown,
  cert: CertificateInfo,
): Promise<SsaClaims> {
  if (typeof statement !== 'string' || statement === '')
    throw new InvalidSoftwareStatement('software_statement is required');
  const header = readCompactJws(statement);
  const claims = unverifiedPayload(statement);
  if (!header || !claims) throw new InvalidSoftwareStatement('software_statement is not a signed JWT');
  const alg = String(header.alg);
  if (alg === 'none' || !ctx.settings.signingAlgs.includes(alg as never)) {
    throw new InvalidSoftwareStatement(
      `software_statement alg '${alg}' is not accepted (${ctx.settings.signingAlgs.join(', ')})`,
    );
  }
  for (const name of ['iss', 'software_id', 'software_jwks_endpoint'] as const) {
    if (typeof claims[name] !== 'string' || claims[name] === '')
      throw new InvalidSoftwareStatement(`software_statement ${name} is required`);
  }
  const iss = claims.iss as string;
  const certOi = organisationIdentifier(cert);
  if (!certOi.includes(iss)) {
    throw new UnapprovedSoftwareStatement(
      `software_statement iss '${iss}' is not the client certificate's organizationIdentifier (${certOi.join(', ') || 'none'})`,
    );
  }
  let found: Awaited<ReturnType<BankContext['jwks']['key']>>;
  try {
    found = await ctx.jwks.key(
      claims.software_jwks_endpoint as string,
      typeof header.kid === 'string' ? header.kid : undefined,
      'sig',
      true,
    );
  } catch (err) {
    if (err instanceof JwksError && err.kind === 'unknown_kid') {
      throw new InvalidSoftwareStatement(
        `software_statement kid '${String(header.kid)}' is not in software_jwks_endpoint`,
      );
    }
    throw new InvalidSoftwareStatement(`software_jwks_endpoint: ${(err as Error).message}`);
  }
  const x5c = found.jwk.x5c;
  if (x5c !== undefined) {
    if (!Array.isArray(x5c) || typeof x5c[0] !== 'string')
      throw new InvalidSoftwareStatement('software statement key: x5c is malformed');
    const der = Buffer.from(x5c[0], 'base64');
    const check = await checkClientCertificate(ctx, der);
    if (!check.ok)
      throw new InvalidSoftwareStatement(
        `software statement key certificate rejected (${check.reason}): ${check.message}`,
      );
    const info = parseCertificate(der);
    if (!organisationIdentifier(info).includes(iss)) {
      throw new InvalidSoftwareStatement(`software statement key certificate does not belong to '${iss}'`);
    }
    const certN = info.publicKey.export({ format: 'jwk' }).n;
    if (certN !== found.jwk.n)
      throw new InvalidSoftwareStatement('software statement key does not match its x5c certificate');
  }
  if (!(await signatureVerifies(statement, found.key, [alg]))) {
    throw new InvalidSoftwareStatement(
      'software_statement signature does not verify with the key at software_jwks_endpoint',
    );
  }
  if (claims.aud !== undefined) {
    try {
      checkAudience(ctx, claims);
    } catch (err) {
      throw new InvalidSoftwareStatement(`software_statement ${(err as Error).message}`);
    }
  }
  const now = nowSeconds(ctx);
  const skew = ctx.settings.clockSkewSeconds;
  if (typeof claims.iat === 'number') {
    if (claims.iat > now + skew)
      throw new InvalidSoftwareStatement('software_statement iat is in the future');
    if (now - claims.iat > ctx.settings.ssaMaxAgeSeconds)
      throw new InvalidSoftwareStatement('software_statement is too old');
  }
  if (typeof claims.exp === 'number' && now > claims.exp + skew)
    throw new InvalidSoftwareStatement('software_statement has expired');
  const redirects = claims.software_redirect_uris;
  if (Array.isArray(redirects)) {
    redirects.forEach((r, i) => {
      const problem = typeof r === 'string' ? redirectUriProblem(r) : 'must be a string';
      if (problem) throw new InvalidSoftwareStatement(`software_redirect_uris[${i}] ${problem}`);
    });
  }
  const roles = statementRoles(claims) ?? cert.psd2Roles.map((r) => PSD2_TO_ROLE[r]).filter(Boolean);
  // Switch eidasScope: `roles` turns the walkthrough's role objects into software_roles (and the
  // registered scope, see registration); `echo-statement` keeps them as the statement's `scope`.
  const { scope: _roleObjects, ...rest } = claims;
  return {
    ...(ctx.settings.eidasScope === 'echo-statement' ? claims : rest),
    software_id: claims.software_id as string,
    org_id: iss,
    organisation_identifier: iss,
    software_jwks_endpoint: claims.software_jwks_endpoint as string,
    software_redirect_uris: Array.isArray(redirects)
      ? redirects.filter((r): r is string => typeof r === 'string')
      : [],
    software_roles: roles,
    org_status: 'Active',
  };
}

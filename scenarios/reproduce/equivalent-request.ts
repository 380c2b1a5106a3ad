import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { dnToString, parseCertificate, parseDn } from '../../certs/index.js';
import type { DnAttribute } from '../../certs/types.js';
import { signRegistrationJwt, type TppMaterial } from '../../tpp-client/index.js';
import type { Substitutions } from './compare-answers.js';
import type { FailedRequest } from './read-exchange.js';

/** What the real request names, read from it and from the real discovery document. */
export interface RealIdentities {
  issuer?: string;
  orgId?: string;
  tokenEndpoint?: string;
  registrationEndpoint?: string;
  softwareId?: string;
  tppOrgId?: string;
  ssaIat?: number;
  roles?: string[];
  redirectUris?: string[];
  dn?: { claim: string; value: string; attrs?: DnAttribute[]; rendering: 'name' | 'oid' | 'hex' };
}

/** The sandbox's counterparts. */
export interface SandboxIdentities {
  issuer: string;
  orgId: string;
  registrationEndpoint: string;
  material: TppMaterial;
  /** The SSA to put in the request (possibly dated like the real one). */
  ssa: string;
}

const DN_CLAIMS = ['tls_client_auth_subject_dn', 'tls_client_auth_dn'];

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;

function dnRendering(dn: string): 'name' | 'oid' | 'hex' {
  if (/(^|,)\s*2\.5\.4\.97=#/.test(dn)) return 'hex';
  if (/(^|,)\s*2\.5\.4\.97=/.test(dn)) return 'oid';
  return 'name';
}

/** Reads the identities of the real exchange: the bank's from discovery, the TPP's from the request and its SSA. */
export function realIdentities(request: FailedRequest, discovery: Record<string, unknown>): RealIdentities {
  const c = request.claims;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  let ssa: Record<string, unknown> = {};
  if (typeof c.software_statement === 'string') {
    try {
      ssa = decodeJwt(c.software_statement);
    } catch {
      ssa = {};
    }
  }
  const dnClaim = DN_CLAIMS.find((k) => typeof c[k] === 'string');
  let dn: RealIdentities['dn'];
  if (dnClaim) {
    const value = c[dnClaim] as string;
    let attrs: DnAttribute[] | undefined;
    try {
      attrs = parseDn(value);
    } catch {
      attrs = undefined;
    }
    dn = { claim: dnClaim, value, attrs, rendering: dnRendering(value) };
  }
  // Real banks rarely publish their OB organisation id: an aud shaped like one is taken for it,
  // as the OB spec tells TPPs to send it.
  const aud = typeof c.aud === 'string' ? c.aud : undefined;
  const orgIdFromAud =
    aud && /^[0-9A-Za-z]{15,22}$/.test(aud) && aud !== str(ssa.software_id) ? aud : undefined;
  return {
    issuer: str(discovery.issuer),
    orgId: str(discovery.ob_organisation_id) ?? orgIdFromAud,
    tokenEndpoint: str(discovery.token_endpoint),
    registrationEndpoint: str(discovery.registration_endpoint),
    softwareId: str(ssa.software_id) ?? str(c.software_id),
    tppOrgId: str(ssa.org_id),
    ssaIat: typeof ssa.iat === 'number' ? ssa.iat : undefined,
    roles: strings(ssa.software_roles),
    redirectUris: strings(ssa.software_redirect_uris) ?? strings(c.redirect_uris),
    dn,
  };
}

/**
 * The sandbox DN written the way the real one was: same organizationIdentifier rendering,
 * same separator (`,` or `, `), same order (most specific first, or `C=` first).
 */
export function dnLike(subject: DnAttribute[], real: NonNullable<RealIdentities['dn']>): string {
  const parts = dnToString(subject, { oiForm: real.rendering }).split(/(?<!\\),/);
  const ordered = /^\s*C=/i.test(real.value) ? parts.reverse() : parts;
  return ordered.join(/,\s+/.test(real.value) ? ', ' : ',');
}

/** The sandbox transport certificate's subject. */
export function sandboxSubject(material: TppMaterial): DnAttribute[] {
  return parseCertificate(material.transport.certPem).subject;
}

/** Real value → sandbox value, for each identity the request may carry. */
function identityMap(real: RealIdentities, sb: SandboxIdentities): [string | undefined, string][] {
  const trim = (u?: string) => u?.replace(/\/+$/, '');
  return [
    [trim(real.issuer), sb.issuer],
    [real.issuer, sb.issuer],
    [real.orgId, sb.orgId],
    [real.tokenEndpoint, `${sb.issuer}/token`],
    [real.registrationEndpoint, sb.registrationEndpoint],
    [real.softwareId, sb.material.softwareStatementId],
    [real.tppOrgId, sb.material.organisationId],
  ];
}

function mapValue(v: unknown, map: [string | undefined, string][]): unknown {
  if (Array.isArray(v)) return v.map((x) => mapValue(x, map));
  if (typeof v !== 'string') return v;
  return map.find(([r]) => r !== undefined && r === v)?.[1] ?? v;
}

/** Placeholders for what differs between the real exchange and the replay, for comparing descriptions. */
export function substitutions(
  real: RealIdentities,
  sb: SandboxIdentities,
): { real: Substitutions; sandbox: Substitutions } {
  const names: [string | undefined, string, string][] = [
    [real.registrationEndpoint, sb.registrationEndpoint, '<registration-endpoint>'],
    [real.tokenEndpoint, `${sb.issuer}/token`, '<token-endpoint>'],
    [real.issuer?.replace(/\/+$/, ''), sb.issuer, '<issuer>'],
    [real.orgId, sb.orgId, '<bank-org-id>'],
    [real.softwareId, sb.material.softwareStatementId, '<software-id>'],
    [real.tppOrgId, sb.material.organisationId, '<tpp-org-id>'],
  ];
  const out = { real: [] as Substitutions, sandbox: [] as Substitutions };
  for (const [r, s, p] of names) {
    if (r) out.real.push([r, p]);
    out.sandbox.push([s, p]);
  }
  const subject = sandboxSubject(sb.material);
  for (const form of ['name', 'oid', 'hex'] as const) {
    out.sandbox.push([dnToString(subject, { oiForm: form }), `<dn-${form}>`]);
    if (real.dn?.attrs) out.real.push([dnToString(real.dn.attrs, { oiForm: form }), `<dn-${form}>`]);
  }
  if (real.dn) out.real.push([real.dn.value, `<dn-${real.dn.rendering}>`]);
  return out;
}

export interface EquivalentRequest {
  body: string;
  mediaType: string;
  claims: Record<string, unknown>;
  /** Ways the replay necessarily differs from the real request. */
  notes: string[];
}

/**
 * The real request with the sandbox's identities: the same claims, with iss/software_id,
 * software_statement, aud, the subject DN (same claim name, same rendering) and the times
 * (same lifetime, issued now) swapped for the sandbox TPP's and bank's; re-signed with the
 * sandbox TPP's key using the same alg when it can, sent with the same media type.
 */
export async function equivalentRequest(
  request: FailedRequest,
  real: RealIdentities,
  sb: SandboxIdentities,
  now: number,
): Promise<EquivalentRequest> {
  const map = identityMap(real, sb);
  const notes: string[] = [];
  const claims: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(request.claims)) claims[k] = mapValue(v, map);
  if (typeof request.claims.software_statement === 'string') claims.software_statement = sb.ssa;
  if (real.dn) {
    claims[real.dn.claim] = dnLike(sandboxSubject(sb.material), real.dn);
    if (!real.dn.attrs)
      notes.push(`${real.dn.claim} was not a readable DN; sent the sandbox certificate's DN`);
  }
  if (typeof request.claims.iat === 'number') {
    const iat = request.claims.iat;
    claims.iat = now;
    if (typeof request.claims.exp === 'number') claims.exp = now + (request.claims.exp - iat);
    if (typeof request.claims.nbf === 'number') claims.nbf = now + (request.claims.nbf - iat);
  }
  if (typeof request.claims.jti === 'string' && /^[0-9a-f-]{36}$/i.test(request.claims.jti))
    claims.jti = randomUUID();
  if (request.format === 'json')
    return { body: JSON.stringify(claims), mediaType: request.mediaType, claims, notes };
  const wanted = String(request.header?.alg ?? 'PS256');
  const alg = wanted === 'RS256' || wanted === 'PS256' ? wanted : 'PS256';
  if (alg !== wanted)
    notes.push(`signed with PS256: the sandbox TPP's key is RSA (the real request used ${wanted})`);
  for (const h of ['x5c', 'x5u', 'jwk', 'jku']) {
    if (request.header && h in request.header)
      notes.push(`the real request header carried '${h}'; the replay does not`);
  }
  const body = await signRegistrationJwt(claims, sb.material.signing.keyPem, {
    alg,
    kid: sb.material.signing.kid,
    allowRs256: true,
    ...(typeof request.header?.typ === 'string' ? { typ: request.header.typ } : {}),
  });
  return { body, mediaType: request.mediaType, claims, notes };
}

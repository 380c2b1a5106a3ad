import type { BankContext } from '../context.js';
import type { ClientRecord } from '../model.js';

/** JWT registered claims of the SSA that are not client metadata. */
const NOT_FLATTENED = new Set(['iss', 'iat', 'exp', 'nbf', 'jti', 'aud', 'sub']);

export function flattenSsa(ssa: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(ssa)) {
    if (NOT_FLATTENED.has(k)) continue;
    // a claim named __proto__ stays a claim (as Object.fromEntries would keep it), never the prototype
    if (k === '__proto__')
      Object.defineProperty(out, k, { value: ssa[k], enumerable: true, writable: true, configurable: true });
    else out[k] = ssa[k];
  }
  return out;
}

export interface IssuedCredentials {
  secret?: string;
  registrationAccessToken?: string;
}

/**
 * The registration response: SSA claims flattened, then the registered
 * metadata, shaped by the bank's response switches (scope form, timestamp
 * unit and type).
 */
export function clientView(
  ctx: BankContext,
  client: ClientRecord,
  issued: IssuedCredentials = {},
): Record<string, unknown> {
  const s = ctx.settings;
  const time = (seconds: number): number | string => {
    const value = s.clientIdIssuedAtUnit === 'milliseconds' ? seconds * 1000 : seconds;
    return s.timestampFormat === 'string' ? String(value) : value;
  };
  const scope = client.metadata.scope;
  const scopes = Array.isArray(scope)
    ? scope
    : typeof scope === 'string'
      ? scope.split(' ').filter(Boolean)
      : [];
  return {
    ...client.ssaClaims,
    ...client.metadata,
    ...(scope === undefined ? {} : { scope: s.scopeFormat === 'array' ? scopes : scopes.join(' ') }),
    client_id: client.client_id,
    ...(issued.secret
      ? { client_secret: issued.secret, client_secret_expires_at: s.timestampFormat === 'string' ? '0' : 0 }
      : {}),
    client_id_issued_at: time(client.client_id_issued_at),
    ...(s.managementAuth === 'registration-access-token'
      ? {
          registration_client_uri: `${ctx.issuer}${s.registrationPath}/${client.client_id}`,
          ...(issued.registrationAccessToken
            ? { registration_access_token: issued.registrationAccessToken }
            : {}),
        }
      : {}),
  };
}

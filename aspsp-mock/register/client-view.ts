import type { BankContext } from '../context.js';
import type { ClientRecord } from '../model.js';

/** JWT registered claims of the SSA that are not client metadata. */
const NOT_FLATTENED = new Set(['iss', 'iat', 'exp', 'nbf', 'jti', 'aud', 'sub']);

/**
 * Sets `out[key] = value` as an object literal or a spread would: a key named
 * `__proto__` becomes an own property, never the object's prototype.
 */
function put(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/** Copies the own enumerable properties of `from` onto `out`, in their order, as `{ ...out, ...from }` would. */
function copyOnto(out: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const k of Object.keys(from)) put(out, k, from[k]);
}

/**
 * The SSA's claims without the JWT registered ones, in their order. Every key
 * is defined (not assigned): V8 keeps an object built by assignment of more than
 * ≈16 computed keys as a hash table (dictionary mode), slower to read, copy and
 * serialise on every registration that shares it (the remembered statement's
 * flattened claims are in each client record and answer); defined keys keep it
 * a fast object. Built once per remembered statement.
 */
export function flattenSsa(ssa: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(ssa))
    if (!NOT_FLATTENED.has(k))
      Object.defineProperty(out, k, { value: ssa[k], enumerable: true, writable: true, configurable: true });
  return out;
}

export interface IssuedCredentials {
  secret?: string;
  registrationAccessToken?: string;
}

/**
 * The registration response: SSA claims flattened, then the registered
 * metadata, shaped by the bank's response switches (scope form, timestamp
 * unit and type). Built by assignment, key by key, in the order (and with the
 * result) of `{ ...ssaClaims, ...metadata, scope, client_id, … }`: V8's object
 * spread of two ≈20-key objects with shared keys cost several times as much
 * on the registration's hot path.
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
  const out: Record<string, unknown> = {};
  copyOnto(out, client.ssaClaims);
  copyOnto(out, client.metadata);
  const scope = client.metadata.scope;
  if (scope !== undefined) {
    const scopes = Array.isArray(scope)
      ? scope
      : typeof scope === 'string'
        ? scope.split(' ').filter(Boolean)
        : [];
    out.scope = s.scopeFormat === 'array' ? scopes : scopes.join(' ');
  }
  out.client_id = client.client_id;
  if (issued.secret) {
    out.client_secret = issued.secret;
    out.client_secret_expires_at = s.timestampFormat === 'string' ? '0' : 0;
  }
  out.client_id_issued_at = time(client.client_id_issued_at);
  if (s.managementAuth === 'registration-access-token') {
    out.registration_client_uri = `${ctx.issuer}${s.registrationPath}/${client.client_id}`;
    if (issued.registrationAccessToken) out.registration_access_token = issued.registrationAccessToken;
  }
  return out;
}

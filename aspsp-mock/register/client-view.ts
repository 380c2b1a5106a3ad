import type { ClientRecord } from '../model.js';

/** JWT registered claims of the SSA that are not client metadata. */
const NOT_FLATTENED = new Set(['iss', 'iat', 'exp', 'nbf', 'jti', 'aud', 'sub']);

export function flattenSsa(ssa: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(ssa).filter(([k]) => !NOT_FLATTENED.has(k)));
}

/** The registration response: SSA claims flattened, then the registered metadata. */
export function clientView(client: ClientRecord, secret?: string): Record<string, unknown> {
  return {
    ...client.ssaClaims,
    ...client.metadata,
    client_id: client.client_id,
    ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
    client_id_issued_at: client.client_id_issued_at,
  };
}

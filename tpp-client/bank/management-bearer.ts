import type { BankConnection, BankFailure, RegisteredClient } from '../types.js';
import { type GetTokenOptions, getToken } from './get-token.js';

export type ManagementBearerResult = { ok: true; token: string } | BankFailure;

/**
 * The bearer a TPP manages its registration with (RFC 7592 §2, OB DCR): the registration access
 * token when the bank issued one, else a client-credentials token of that client (`scope` when
 * the bank wants one for management). The token endpoint's failure is returned as it is.
 */
export async function managementBearer(
  bank: BankConnection,
  client: RegisteredClient,
  opts: Pick<GetTokenOptions, 'signing' | 'scope' | 'retry'> = {},
): Promise<ManagementBearerResult> {
  if (typeof client.registration_access_token === 'string')
    return { ok: true, token: client.registration_access_token };
  const res = await getToken(bank, client, { retry: false, ...opts });
  return res.ok ? { ok: true, token: res.token.access_token } : res;
}

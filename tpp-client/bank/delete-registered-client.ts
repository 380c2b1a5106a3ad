import type { BankConnection, BankFailure, BankSuccess, RegisteredClient } from '../types.js';
import { deleteRegistration } from './delete-registration.js';
import type { GetTokenOptions } from './get-token.js';
import { managementBearer } from './management-bearer.js';
import { registrationClientUri, registrationClientUriRefusal } from './registration-client-uri-refusal.js';

export type DeleteRegisteredClientResult = BankSuccess | (BankFailure & { step: 'token' | 'delete' });

/**
 * Deletes a registration as the TPP that made it (RFC 7592 §2.3, OB DCR `DELETE
 * /register/{ClientId}`): with `managementBearer`'s token, at the bank's `registration_client_uri`
 * when it gave an https one the name rule allows, else at `{registration_endpoint}/{ClientId}`.
 * A failure says which step failed: the token or the DELETE. One attempt unless `retry` says.
 */
export async function deleteRegisteredClient(
  bank: BankConnection,
  client: RegisteredClient,
  opts: Pick<GetTokenOptions, 'signing' | 'scope' | 'retry'> = {},
): Promise<DeleteRegisteredClientResult> {
  const bearer = await managementBearer(bank, client, opts);
  if (!bearer.ok) return { ...bearer, step: 'token' };
  const uri = client.registration_client_uri;
  const own =
    registrationClientUriRefusal(uri, bank.discovery) === undefined ? registrationClientUri(uri) : undefined;
  const res = await deleteRegistration(bank, client.client_id, bearer.token, {
    retry: opts.retry ?? false,
    ...(own ? { url: own } : {}),
  });
  return res.ok ? res : { ...res, step: 'delete' };
}

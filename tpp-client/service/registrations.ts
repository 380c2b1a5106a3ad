import type { Store } from '../../lib/store/index.js';
import { registeredClientProblem } from '../bank/registered-client-rules.js';

/** One registration the TPP service made at a bank. Stored in the TPP's data dir (0600 files). */
export interface TppRegistration {
  id: string;
  bank: string;
  discovery: string;
  clientId: string;
  tokenEndpointAuthMethod: string;
  status: number;
  registeredAt: string;
  clientSecret?: string;
  registrationAccessToken?: string;
}

/**
 * Why a stored registration could not have been stored today: the values a bank handed back
 * (client_id, client_secret, registration access token, auth method) checked against the rules a
 * registration answer must keep (`registeredClientProblem`); undefined when it keeps them.
 */
export function storedRegistrationProblem(r: TppRegistration): string | undefined {
  return registeredClientProblem({
    client_id: r.clientId,
    token_endpoint_auth_method: r.tokenEndpointAuthMethod,
    ...(r.clientSecret !== undefined ? { client_secret: r.clientSecret } : {}),
    ...(r.registrationAccessToken !== undefined
      ? { registration_access_token: r.registrationAccessToken }
      : {}),
  });
}

export class RegistrationStore {
  constructor(private readonly store: Store) {}
  list(): TppRegistration[] {
    return this.store
      .list<TppRegistration>('registrations')
      .sort((a, b) => a.registeredAt.localeCompare(b.registeredAt));
  }
  put(r: TppRegistration): Promise<void> {
    return this.store.put('registrations', r.id, r);
  }
  /**
   * Deletes the registrations a data dir kept from before the answer's values were checked
   * (megabyte client ids, escape sequences, markup: a hostile bank's, never a usable
   * registration) and returns how many. Run once when the service starts.
   */
  async dropUnusable(): Promise<number> {
    const unusable = this.store
      .list<TppRegistration>('registrations')
      .filter((r) => storedRegistrationProblem(r) !== undefined);
    for (const r of unusable) await this.store.delete('registrations', r.id);
    return unusable.length;
  }
}

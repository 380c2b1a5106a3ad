import type { Store } from '../../lib/store/index.js';

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
}

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../lib/store/memory-store.js';
import {
  RegistrationStore,
  storedRegistrationProblem,
  type TppRegistration,
} from '../../tpp-client/service/registrations.js';

// A data dir written before the TPP service checked a bank's registration answer may hold
// whatever a hostile bank returned as a client_id (a 900 KB string, escape sequences, markup).
// The service deletes those records when it starts; the usable ones stay.

const base: TppRegistration = {
  id: 'ok',
  bank: 'default',
  discovery: 'https://bank.example/.well-known/openid-configuration',
  clientId: 'c1a2b3',
  tokenEndpointAuthMethod: 'tls_client_auth',
  status: 201,
  registeredAt: '2026-11-01T00:00:00.000Z',
};

const rows: [string, Partial<TppRegistration>, string | undefined][] = [
  ['a usable registration', {}, undefined],
  [
    'a secret and a registration access token',
    { clientSecret: 's e c r e t', registrationAccessToken: 'a.b.c' },
    undefined,
  ],
  ['a 900 KB client_id', { clientId: 'x'.repeat(900_000) }, 'client_id is 900000 characters long'],
  ['escape sequences in the client_id', { clientId: 'id\u001b]0;PWNED\u0007' }, 'client_id holds characters'],
  [
    'markup with a line break in the secret',
    { clientSecret: '<script>\n</script>' },
    'client_secret holds characters',
  ],
  [
    'a space in the registration access token',
    { registrationAccessToken: 'a b' },
    'registration_access_token holds',
  ],
  [
    'an auth method of 200 characters',
    { tokenEndpointAuthMethod: 'm'.repeat(200) },
    'token_endpoint_auth_method is 200',
  ],
];

describe('storedRegistrationProblem', () => {
  it.each(rows)('%s', (_what, change, problem) => {
    const found = storedRegistrationProblem({ ...base, ...change });
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

describe('RegistrationStore.dropUnusable', () => {
  it('deletes exactly the unusable records and keeps the rest', async () => {
    const store = new MemoryStore(['registrations']);
    const registrations = new RegistrationStore(store);
    for (const [i, [, change]] of rows.entries())
      await registrations.put({
        ...base,
        ...change,
        id: `r${i}`,
        registeredAt: `2026-11-0${i + 1}T00:00:00.000Z`,
      });

    expect(await registrations.dropUnusable()).toBe(5);
    expect(registrations.list().map((r) => r.id)).toEqual(['r0', 'r1']);
    expect(await registrations.dropUnusable()).toBe(0);
  });
});

/**
 * Using obmock from your own test suite (vitest here; jest is the same):
 * a private directory + bank on free ports, a TPP onboarded for you, and the
 * TPP library to register and get a token. This file runs in obmock's CI.
 */

import { type Sandbox, startSandbox, TppClient } from 'obmock';
import { afterAll, beforeAll, expect, it } from 'vitest';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox(); // one strict OB v3.3 bank: sandbox.banks[0]
}, 60_000);
afterAll(() => sandbox.stop());

it('registers a TPP at the sandbox bank and gets a token', async () => {
  const material = await sandbox.createTpp(); // organisation, software statement, certificates, SSA
  const tpp = new TppClient(material);
  try {
    const bank = await tpp.discover(sandbox.banks[0].discovery);
    const request = await tpp.registrationRequest(bank, { redirectUris: ['https://tpp.example.com/cb'] });
    const registered = await tpp.register(bank, request);
    expect(registered.ok && registered.status).toBe(201);
    if (!registered.ok) return;
    const token = await tpp.getToken(bank, registered.client, { scope: 'accounts' });
    expect(token.ok && token.token.token_type).toBe('Bearer');
  } finally {
    await tpp.close();
  }
});

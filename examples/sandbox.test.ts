/**
 * Using obmock from your own test suite (vitest here; jest is the same): a
 * private directory + bank on free ports, a TPP onboarded for you, and the TPP
 * library to register. The README shows the part between the doc-example
 * markers verbatim, and a test checks the two are the same.
 */
import { expect, it } from 'vitest';

it('registers a TPP at a sandbox bank that answers like a legacy bank', async () => {
  // doc-example:start
  const { startSandbox, TppClient } = await import('obmock');

  const sandbox = await startSandbox({ banks: ['bank=legacy-response-shapes'] });
  const tpp = new TppClient(await sandbox.createTpp());
  const bank = await tpp.discover(sandbox.banks[0].discovery);
  const res = await tpp.register(bank, await tpp.registrationRequest(bank));
  // doc-example:end
  try {
    expect(res.ok && res.status).toBe(201);
  } finally {
    await tpp.close();
    await sandbox.stop();
  }
});

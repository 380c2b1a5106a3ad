import { startSandbox, TppClient } from 'obmock';
import { expect, it } from 'vitest';

it('registers at a sandbox bank that answers like a legacy bank', async () => {
  const sandbox = await startSandbox({ banks: ['bank=legacy-response-shapes'] });
  const tpp = new TppClient(await sandbox.createTpp()); // organisation, software statement, certificates, SSA
  const bank = await tpp.discover(sandbox.banks[0].discovery);
  const res = await tpp.register(bank, await tpp.registrationRequest(bank));
  expect(res.ok && res.client.client_id).toEqual(expect.any(String)); // this bank answers 200, not 201
  await tpp.close();
  await sandbox.stop();
});

import { startSandbox } from 'obmock';
import { expect, it } from 'vitest';

it('registers at a picky bank that first answers 429', async () => {
  const sandbox = await startSandbox({ banks: ['picky=jose-only-issuer-aud'] });
  sandbox.faults.add(
    { kind: 'rate_limit', endpoints: ['register'], count: 1, retryAfterSeconds: 1 },
    'picky',
  );
  // One call: a fresh TPP registers the way the bank's profile wants; the library retries the 429.
  const { result } = await sandbox.registerAt('picky');
  expect(result.ok && result.status).toBe(201);
  expect(sandbox.faults.list('picky')[0]).toMatchObject({ applied: 1, remaining: 0 });
  await sandbox.stop();
});

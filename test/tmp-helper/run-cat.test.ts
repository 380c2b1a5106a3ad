import { it } from 'vitest';
import { shippedProfileNames } from '../../aspsp-mock/index.js';
import { CATALOGUE, runCatalogue, startSandbox } from '../../scenarios/index.js';

it('prints', async () => {
  let t0 = Date.now();
  const sandbox = await startSandbox({ profileBanks: shippedProfileNames(), keyPoolSize: 8 });
  console.log('sandbox start', Date.now() - t0);
  t0 = Date.now();
  const target = await sandbox.target();
  console.log('target', Date.now() - t0);
  const s = await runCatalogue(CATALOGUE, target);
  console.log(
    'run',
    s.durationMs,
    'passed',
    s.passed,
    'failed',
    s.failed,
    'skipped',
    s.skipped,
    'total',
    CATALOGUE.length,
  );
  for (const r of s.results)
    if (r.outcome !== 'passed' || r.durationMs > 1500)
      console.log(r.outcome, r.id, r.durationMs, r.reason ?? '');
  await sandbox.stop();
}, 180_000);

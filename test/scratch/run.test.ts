import { it } from 'vitest';
import { shippedProfileNames } from '../../aspsp-mock/index.js';
import { CATALOGUE, runCatalogue, startSandbox } from '../../scenarios/index.js';
import { consoleSummary } from '../../scenarios/reporters/index.js';
it('run', async () => {
  const sandbox = await startSandbox({ profileBanks: shippedProfileNames(), keyPoolSize: 8, keyCacheDir: '.obmock/key-cache' });
  const s = await runCatalogue(CATALOGUE, await sandbox.target(), { onLearned: (l) => console.log(l.join('\n')) });
  console.log(consoleSummary(s));
  for (const r of s.results.filter((x) => x.outcome !== 'passed')) console.log(r.outcome, r.id, r.reason);
  await sandbox.stop();
}, 300_000);

import {
  CERTIFICATES_PER_STATEMENT,
  csrJobs,
  measureIssuance,
  statementsForIssuance,
} from '../lib/issuance.js';
import { prepopulateCertificates } from '../lib/prepopulate.js';
import { describeLoad } from '../lib/rate.js';
import { withDirectory } from '../lib/session.js';
import { withTempDir } from '../lib/temp-dir.js';
import type { Figure } from '../lib/types.js';

/** Certificates already in the store for the second phase. */
const STORED_CERTIFICATES = 10_000;

/**
 * How much a full store slows issuance down. Phase 1 issues into an empty
 * store; then, with the directory stopped, the store is topped up to 10,000
 * certificates (clones of the real ones just issued, on clones of their
 * software statements, at most CERTIFICATES_PER_STATEMENT each, as the
 * directory's 20-active-certificates limit leaves them); phase 2 restarts the
 * directory and issues again, the same number to the same number of fresh
 * software statements created in phase 1.
 */
export const storeWriteAmplification: Figure = {
  name: 'store_write_amplification',
  unit: 'ops/s',
  description: `issuance rate with ${STORED_CERTIFICATES.toLocaleString('en-GB')} certificates stored (at most ${CERTIFICATES_PER_STATEMENT} per software statement)`,
  floorDescription: 'issuance rate on an empty store, same number of software statements, same run',
  target: 0.5,
  async run(ctx) {
    const keys = await ctx.keys();
    const perPhase = ctx.warmup + ctx.ops;
    return withTempDir('obmock-bench-', async (dataDir) => {
      ctx.log('  phase 1: empty store');
      const { empty, phase2Jobs, statements } = await withDirectory(ctx, dataDir, async (dir, pool) => {
        const first = await statementsForIssuance(pool, dir.adminToken, perPhase, 'Bench TPP');
        const second = await statementsForIssuance(pool, dir.adminToken, perPhase, 'Bench TPP phase 2');
        return {
          empty: await measureIssuance(pool, csrJobs(first, keys), ctx, dir.pid),
          phase2Jobs: csrJobs(second, keys),
          statements: first.length,
        };
      });
      ctx.log(`  prepopulating ${STORED_CERTIFICATES} certificates`);
      const filled = await prepopulateCertificates(dataDir, STORED_CERTIFICATES, {
        perStatement: CERTIFICATES_PER_STATEMENT,
      });
      ctx.log(`  phase 2: ${filled.existing + filled.added} certificates stored`);
      const full = await withDirectory(ctx, dataDir, (dir, pool) =>
        measureIssuance(pool, phase2Jobs, ctx, dir.pid),
      );
      return {
        value: full.opsPerSec,
        floor: empty.opsPerSec,
        notes: [
          `each phase: ${perPhase} issuances over ${statements} fresh software statements`,
          `empty store: ${describeLoad(empty)}`,
          `${filled.existing + filled.added} stored (${filled.existing} issued in phase 1 + ${filled.added} clones, ${filled.organisations} organisations, ${filled.softwareStatements} software statements): ${describeLoad(full)}`,
        ],
      };
    });
  },
};

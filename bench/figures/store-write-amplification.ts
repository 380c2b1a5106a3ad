import { createSoftwareStatements } from '../lib/directory-api.js';
import { csrJobs, measureIssuance } from '../lib/issuance.js';
import { prepopulateCertificates } from '../lib/prepopulate.js';
import { describeLoad } from '../lib/rate.js';
import { withDirectory } from '../lib/session.js';
import { withTempDir } from '../lib/temp-dir.js';
import type { Figure } from '../lib/types.js';

/** Certificates already in the store for the second phase. */
const STORED_CERTIFICATES = 10_000;
const ORGANISATIONS = 4;
const STATEMENTS_PER_ORGANISATION = 2;

/**
 * How much a full store slows issuance down. Phase 1 issues into an empty
 * store; then, with the directory stopped, the store is topped up to 10,000
 * certificates (clones of the real ones just issued, over the same
 * organisations and software statements); phase 2 issues again after a restart.
 */
export const storeWriteAmplification: Figure = {
  name: 'store_write_amplification',
  unit: 'ops/s',
  description: `issuance rate with ${STORED_CERTIFICATES.toLocaleString('en-GB')} certificates stored (${ORGANISATIONS} organisations × ${STATEMENTS_PER_ORGANISATION} software statements)`,
  floorDescription: 'issuance rate on an empty store, same organisations, same run',
  target: 0.5,
  async run(ctx) {
    const keys = await ctx.keys();
    return withTempDir('obmock-bench-', async (dataDir) => {
      ctx.log('  phase 1: empty store');
      const { empty, jobs } = await withDirectory(ctx, dataDir, async (dir, pool) => {
        const statements = await createSoftwareStatements(
          pool,
          dir.adminToken,
          ORGANISATIONS,
          STATEMENTS_PER_ORGANISATION,
        );
        const jobs = csrJobs(statements, keys);
        return { empty: await measureIssuance(pool, jobs, ctx, dir.pid), jobs };
      });
      ctx.log(`  prepopulating ${STORED_CERTIFICATES} certificates`);
      const filled = await prepopulateCertificates(dataDir, STORED_CERTIFICATES);
      ctx.log(`  phase 2: ${filled.existing + filled.added} certificates stored`);
      const full = await withDirectory(ctx, dataDir, (dir, pool) =>
        measureIssuance(pool, jobs, ctx, dir.pid),
      );
      return {
        value: full.opsPerSec,
        floor: empty.opsPerSec,
        notes: [
          `empty store: ${describeLoad(empty)}`,
          `${filled.existing + filled.added} stored (${filled.existing} issued in phase 1 + ${filled.added} clones, ${filled.organisations} organisations, ${filled.softwareStatements} software statements): ${describeLoad(full)}`,
        ],
      };
    });
  },
};

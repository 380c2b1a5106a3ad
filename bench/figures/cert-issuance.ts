import { createSoftwareStatements } from '../lib/directory-api.js';
import { bracketWithFloor, describeRounds, issuanceFloorRound } from '../lib/floors.js';
import { csrJobs, measureIssuance, probeIssuance } from '../lib/issuance.js';
import { describeLoad } from '../lib/rate.js';
import { withDirectory } from '../lib/session.js';
import { withTempDir } from '../lib/temp-dir.js';
import type { Figure } from '../lib/types.js';

/** Certificates issued per second through POST …/certificate/obtransport. */
export const certIssuance: Figure = {
  name: 'cert_issuance_per_s',
  unit: 'ops/s',
  description:
    'CSR → obtransport certificate over HTTPS (keep-alive, one organisation and software statement)',
  floorDescription: 'node:crypto RSA-2048 sign (certificate-sized) + verify (CSR-sized), one thread',
  target: 0.3,
  async run(ctx) {
    const keys = await ctx.keys();
    return withTempDir('obmock-bench-', (dataDir) =>
      withDirectory(ctx, dataDir, async (dir, pool) => {
        const statements = await createSoftwareStatements(pool, dir.adminToken, 1, 1);
        const jobs = csrJobs(statements, keys);
        const sizes = await probeIssuance(pool, jobs[0]);
        const {
          result: load,
          floor,
          rounds,
        } = await bracketWithFloor(issuanceFloorRound(keys[0], sizes), () => {
          ctx.log(
            `  issuing ${ctx.warmup} (warm-up) + ${ctx.ops} certificates, concurrency ${ctx.concurrency}`,
          );
          return measureIssuance(pool, jobs, ctx, dir.pid);
        });
        return {
          value: load.opsPerSec,
          floor: floor.opsPerSec,
          notes: [
            describeLoad(load),
            `floor: ${sizes.signedBytes} B signed + ${sizes.verifiedBytes} B verified; ${describeRounds(rounds)}`,
          ],
        };
      }),
    );
  },
};

import { bracketWithFloor, describeRounds, issuanceFloorRound } from '../lib/floors.js';
import {
  csrJobs,
  measureIssuance,
  probeIssuance,
  STATEMENTS_PER_ORGANISATION,
  statementsForIssuance,
} from '../lib/issuance.js';
import { describeLoad } from '../lib/rate.js';
import { withDirectory } from '../lib/session.js';
import { withTempDir } from '../lib/temp-dir.js';
import type { Figure } from '../lib/types.js';

/** Certificates issued per second through POST …/certificate/obtransport. */
export const certIssuance: Figure = {
  name: 'cert_issuance_per_s',
  unit: 'ops/s',
  description:
    'CSR → obtransport certificate over HTTPS (keep-alive), software statements in turn, each below its 20-certificate limit',
  floorDescription: 'node:crypto RSA-2048 sign (certificate-sized) + verify (CSR-sized), one thread',
  target: 0.3,
  async run(ctx) {
    const keys = await ctx.keys();
    return withTempDir('obmock-bench-', (dataDir) =>
      withDirectory(ctx, dataDir, async (dir, pool) => {
        const statements = await statementsForIssuance(pool, dir.adminToken, ctx.warmup + ctx.ops);
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
            `${statements.length} software statements over ${Math.ceil(statements.length / STATEMENTS_PER_ORGANISATION)} organisations, at most ${Math.ceil((ctx.warmup + ctx.ops) / statements.length) + 1} certificates each`,
            `floor: ${sizes.signedBytes} B signed + ${sizes.verifiedBytes} B verified; ${describeRounds(rounds)}`,
          ],
        };
      }),
    );
  },
};

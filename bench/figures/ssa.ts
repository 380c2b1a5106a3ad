import { createSoftwareStatements, fetchSsa } from '../lib/directory-api.js';
import { bracketWithFloor, describeRounds, ps256FloorRound } from '../lib/floors.js';
import { describeLoad, measureLoad } from '../lib/rate.js';
import { withDirectory } from '../lib/session.js';
import { withTempDir } from '../lib/temp-dir.js';
import type { Figure } from '../lib/types.js';

/** Software statement assertions (PS256 JWTs, signed per call) fetched per second. */
export const ssa: Figure = {
  name: 'ssa_per_s',
  unit: 'ops/s',
  description: 'GET …/software-statement-assertion over HTTPS (keep-alive), freshly signed each call',
  floorDescription: 'node:crypto PS256 (RSA-2048 PSS, salt 32) over the SSA signing input, one thread',
  target: 0.3,
  async run(ctx) {
    const keys = await ctx.keys();
    return withTempDir('obmock-bench-', (dataDir) =>
      withDirectory(ctx, dataDir, async (dir, pool) => {
        const [statement] = await createSoftwareStatements(pool, dir.adminToken, 1, 1);
        const sample = await fetchSsa(pool, statement);
        const signingInput = Buffer.from(sample.slice(0, sample.lastIndexOf('.')), 'ascii');
        const {
          result: load,
          floor,
          rounds,
        } = await bracketWithFloor(ps256FloorRound(keys[0], signingInput), () => {
          ctx.log(`  fetching ${ctx.warmup} (warm-up) + ${ctx.ops} SSAs, concurrency ${ctx.concurrency}`);
          return measureLoad({
            ops: ctx.ops,
            warmup: ctx.warmup,
            concurrency: ctx.concurrency,
            serverPid: dir.pid,
            op: async () => {
              await fetchSsa(pool, statement);
            },
          });
        });
        return {
          value: load.opsPerSec,
          floor: floor.opsPerSec,
          notes: [
            describeLoad(load),
            `floor: PS256 over the ${signingInput.length} B signing input of a real SSA; ${describeRounds(rounds)}`,
          ],
        };
      }),
    );
  },
};

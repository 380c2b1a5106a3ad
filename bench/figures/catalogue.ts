import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withTempDir } from '../lib/temp-dir.js';
import type { Figure } from '../lib/types.js';

const CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

function keygenMs(bits: number, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) generateKeyPairSync('rsa', { modulusLength: bits });
  return (performance.now() - t0) / n;
}

/**
 * `obmock scenarios` from a cold start (new process, empty key cache), against
 * the unavoidable crypto work: generating the RSA keys the run needs, spread
 * over the cores.
 */
export const catalogue: Figure = {
  name: 'catalogue_cold_s',
  unit: 's',
  description:
    'wall time of `obmock scenarios` from a cold start (new process, fresh data dir, empty key cache)',
  floorDescription:
    'RSA key generation for every key the run made (counted in its key cache), divided by the cores',
  lowerIsBetter: true,
  target: 3,
  valueLimit: 10,
  async run(ctx) {
    return withTempDir('obmock-bench-cat-', async (dir) => {
      const cache = join(dir, 'key-cache');
      ctx.log('  running obmock scenarios (cold)');
      const t0 = performance.now();
      const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
        execFile(
          process.execPath,
          [CLI, 'scenarios', '--key-cache', cache],
          { cwd: dir, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
          (err, out) => {
            if (err)
              reject(new Error(`obmock scenarios failed: ${err.message}\n${String(out).slice(-2000)}`));
            else resolve({ stdout: String(out) });
          },
        );
      });
      const wallS = (performance.now() - t0) / 1000;
      const summary = /(\d+) scenarios against .*: (\d+) passed, (\d+) failed, (\d+) skipped/.exec(stdout);
      if (!summary) throw new Error(`no summary line in the output: ${stdout.slice(-500)}`);
      if (summary[3] !== '0') throw new Error(`the catalogue did not pass: ${summary[0]}`);
      const files = readdirSync(cache).filter((f) => f.endsWith('.pem'));
      const bySize = new Map<number, number>();
      for (const f of files) {
        const bits = Number(/^rsa-(\d+)-/.exec(f)?.[1]);
        bySize.set(bits, (bySize.get(bits) ?? 0) + 1);
      }
      let cpuMs = 0;
      const parts: string[] = [];
      for (const [bits, count] of bySize) {
        const ms = keygenMs(bits, bits > 2048 ? 2 : 6);
        cpuMs += ms * count;
        parts.push(`${count} × RSA-${bits} at ${ms.toFixed(0)} ms`);
      }
      const cores = cpus().length;
      const floorS = cpuMs / 1000 / cores;
      return {
        value: wallS,
        floor: floorS,
        notes: [
          `${summary[1]} scenarios: ${summary[2]} passed, ${summary[3]} failed, ${summary[4]} skipped`,
          `keys generated: ${parts.join(', ')} = ${(cpuMs / 1000).toFixed(1)} s of CPU over ${cores} cores`,
        ],
      };
    });
  },
};

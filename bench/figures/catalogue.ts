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

export interface CatalogueSummary {
  line: string;
  total: number;
  passed: number;
  failed: number;
  warnings: number;
  skipped: number;
  blocked: number;
}

/**
 * The console reporter's summary line, e.g. `105 scenarios against sandbox bank
 * default (ob-v3.3): 105 passed, 0 failed, 0 warnings, 0 skipped, 0 blocked in
 * 10.3 s`. Counts are read by name, so a count added later does not break it.
 */
export function parseSummary(stdout: string): CatalogueSummary {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colours
  const plain = stdout.replace(/\x1b\[[0-9;]*m/g, '');
  const line = plain
    .split('\n')
    .reverse()
    .find((l) => /^\d+ scenarios? against .*: .* passed, .* in /.test(l));
  if (!line) throw new Error(`no summary line in the output: ${plain.slice(-500)}`);
  const count = (label: string): number => {
    const m = new RegExp(`(\\d+) ${label}\\b`).exec(line.slice(line.lastIndexOf(': ')));
    return m ? Number(m[1]) : 0;
  };
  return {
    line: line.trim(),
    total: Number(/^(\d+)/.exec(line)?.[1]),
    passed: count('passed'),
    failed: count('failed'),
    warnings: count('warnings?'),
    skipped: count('skipped'),
    blocked: count('blocked'),
  };
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
  // The goal is absolute (< 10 s). The ratio is reported only: its floor is the RSA
  // generation of the keys the run makes, and it shrank with every key removed from the run.
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
      const summary = parseSummary(stdout);
      if (summary.failed !== 0 || summary.blocked !== 0)
        throw new Error(`the catalogue did not pass: ${summary.line}`);
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
          `${summary.line}`,
          `keys generated: ${parts.join(', ')} = ${(cpuMs / 1000).toFixed(1)} s of CPU over ${cores} cores`,
        ],
      };
    });
  },
};

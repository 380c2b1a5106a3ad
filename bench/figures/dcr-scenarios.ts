import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeyPool } from '../../certs/index.js';
import { bankPool, onboardBenchTpp, registrationRequests } from '../lib/bank-setup.js';
import { send, undiciClient } from '../lib/http.js';
import { percentile } from '../lib/rate.js';
import { withSandboxProcess } from '../lib/sandbox-process.js';
import { withTempDir } from '../lib/temp-dir.js';
import type { Figure } from '../lib/types.js';

const CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
const FLOOR_CALLS = 40;

interface JsonReport {
  scenarios: { id: string; outcome: string; durationMs: number; reason?: string }[];
}

/**
 * `obmock scenarios --target` against a bank that is already running (directory and bank in
 * their own process), the DCR-* scenarios one at a time as the official conformance tool runs
 * its cases: the median of the scenarios' own durations, as the JSON report gives them.
 */
export const dcrScenarios: Figure = {
  name: 'dcr_scenario_ms_p50',
  unit: 'ms',
  description:
    'median duration of the DCR-* scenarios, `obmock scenarios --target` (conformance mode, --concurrency 1) against a running bank, from the JSON report',
  floorDescription: 'median of one valid POST /register over an open keep-alive mTLS connection to that bank',
  lowerIsBetter: true,
  valueLimit: 40,
  async run(ctx) {
    return withTempDir('obmock-bench-dcr-', (dir) =>
      withSandboxProcess(join(dir, 'data'), ctx.serverNodeArgs, async (s) => {
        const config = join(dir, 'tpp-config.json');
        await writeFile(
          config,
          JSON.stringify({
            directory: { url: s.directoryUrl, caBundle: s.caBundle, adminToken: s.adminToken },
          }),
          { mode: 0o600 },
        );
        const out = join(dir, 'report');
        ctx.log('  running obmock scenarios --target … --only DCR-*');
        await new Promise<void>((resolve, reject) => {
          execFile(
            process.execPath,
            [
              CLI,
              'scenarios',
              '--target',
              s.discovery,
              '--tpp-config',
              config,
              '--only',
              'DCR-*',
              '--concurrency',
              '1',
              '--reporter',
              'json',
              '--out',
              out,
            ],
            { cwd: dir, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
            (err, stdout) => {
              // exit 1 means a scenario failed: the report says which
              if (err && err.code !== 1)
                reject(new Error(`obmock scenarios failed: ${err.message}\n${String(stdout).slice(-2000)}`));
              else resolve();
            },
          );
        });
        const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as JsonReport;
        const dcr = report.scenarios.filter((r) => r.id.startsWith('DCR-'));
        const failed = dcr.filter((r) => r.outcome === 'failed');
        if (failed.length > 0)
          throw new Error(`scenarios failed: ${failed.map((r) => `${r.id}: ${r.reason ?? ''}`).join('; ')}`);
        const ran = dcr.filter((r) => r.outcome !== 'skipped');
        if (ran.length === 0) throw new Error('no DCR-* scenario ran');
        const times = ran.map((r) => r.durationMs).sort((a, b) => a - b);

        // floor: one registration over a connection that is already open
        const keys = new KeyPool({ bits: 2048, size: 2 });
        const m = await onboardBenchTpp(s, keys);
        keys.close();
        const jwts = await registrationRequests(s, m, FLOOR_CALLS + 5);
        const pool = undiciClient(bankPool(s, m, 1));
        const path = `${new URL(s.issuer).pathname}/register`;
        const latencies: number[] = [];
        try {
          for (let i = 0; i < jwts.length; i++) {
            const t0 = performance.now();
            await send(
              pool,
              { method: 'POST', path, headers: { 'content-type': 'application/jose' }, body: jwts[i] },
              201,
            );
            if (i >= 5) latencies.push(performance.now() - t0); // the first ones open the connection
          }
        } finally {
          await pool.close();
        }
        latencies.sort((a, b) => a - b);
        const skipped = dcr.length - ran.length;
        return {
          value: percentile(times, 0.5),
          floor: percentile(latencies, 0.5),
          notes: [
            `${ran.length} DCR-* scenarios ran${skipped > 0 ? ` (${skipped} skipped)` : ''}: p50 ${percentile(times, 0.5)} ms, p90 ${percentile(times, 0.9)} ms, max ${times[times.length - 1]} ms, total ${times.reduce((a, b) => a + b, 0)} ms`,
            `one registration: p50 ${percentile(latencies, 0.5).toFixed(1)} ms over ${FLOOR_CALLS} calls`,
          ],
        };
      }),
    );
  },
};

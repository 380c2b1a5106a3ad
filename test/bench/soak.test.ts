import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SOAK = fileURLToPath(new URL('../../dist/bench/soak.js', import.meta.url));

interface SoakLine {
  regPerS: number;
  fail: number;
  loopP99: string;
  rssMiB: string;
  storeLiveHeld: string;
  clients: string;
}

/** The per-interval rows of the soak's table (they start with the elapsed minutes). */
function rows(stdout: string): SoakLine[] {
  return stdout
    .split('\n')
    .filter((line) => /^\d+\.\d\d\s/.test(line))
    .map((line) => {
      const [client, server] = line.split('|');
      const c = client.trim().split(/\s+/);
      // loop p99, loop max, rss, heap used, (heap after full GC), store live/held, clients, load
      const s = server.trim().split(/\s+/);
      return {
        regPerS: Number(c[1]),
        fail: Number(c[4]),
        loopP99: s[0],
        rssMiB: s[2],
        storeLiveHeld: s[5],
        clients: s[6],
      };
    });
}

describe('npm run soak', () => {
  // A short soak over a prefilled store: the tool itself must work (it is run by hand for
  // 30 minutes, where a crash at its first interval would otherwise be found too late).
  it('prefills, registers at full rate and prints the server figures every interval', async () => {
    const { stdout } = await run(
      process.execPath,
      [SOAK, '--minutes', '0.1', '--interval', '2', '--clients', '300', '--concurrency', '2'],
      { timeout: 120_000 },
    );
    expect(stdout).toMatch(/soak: prefilled 300 clients/);
    const table = rows(stdout);
    expect(table.length).toBeGreaterThanOrEqual(2);
    for (const r of table) {
      expect(r.fail).toBe(0);
      expect(r.regPerS).toBeGreaterThan(0);
    }
    // The server reports once per interval too: from the second row on, its figures are there.
    for (const r of table.slice(1)) {
      expect(r.loopP99).toMatch(/^\d+(\.\d+)?$/);
      expect(r.rssMiB).toMatch(/^\d+(\.\d+)?$/);
      expect(r.storeLiveHeld).toMatch(/^\d+(\.\d+)?\/\d+(\.\d+)?$/);
      expect(Number(r.clients)).toBeGreaterThan(300);
    }
  }, 150_000);

  it('refuses bad arguments with exit 2 and its usage', async () => {
    const err = await run(process.execPath, [SOAK, '--minutes', 'zero']).then(
      () => undefined,
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toMatch(/usage: npm run soak/);
  });
});

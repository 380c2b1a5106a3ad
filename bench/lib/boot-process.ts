import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BootTiming } from '../boot-sandbox.js';

const SCRIPT = fileURLToPath(new URL('../boot-sandbox.js', import.meta.url));

/** Boots a sandbox on `dataDir` in a new node process (nothing cached in memory) and returns its timing. */
export function bootInNewProcess(dataDir: string, nodeArgs: string[]): Promise<BootTiming> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...nodeArgs, SCRIPT, '--data-dir', dataDir],
      { timeout: 120_000, maxBuffer: 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`boot-sandbox failed: ${err.message}\n${String(stderr).slice(-2000)}`));
        else resolve(JSON.parse(String(stdout).trim().split('\n').pop()!) as BootTiming);
      },
    );
  });
}

import { generateKeyPairSync } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { bootInNewProcess } from '../lib/boot-process.js';
import { withTempDir } from '../lib/temp-dir.js';
import type { Figure } from '../lib/types.js';

/** The RSA-2048 keys a cold sandbox (one bank) must make: root CA, issuing CA, SSA signing, bank TLS, bank OBSeal. */
const COLD_KEYS = 5;

function keygenMs(bits: number, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  return (performance.now() - t0) / n;
}

/** `startSandbox()` in a new process, fresh data dir, no key cache, until directory and bank answer. */
export const sandboxBootCold: Figure = {
  name: 'sandbox_boot_cold_ms',
  unit: 'ms',
  description:
    'startSandbox() in a new process with a fresh data dir and no key cache, until directory and bank answer',
  floorDescription: `its RSA key generation (${COLD_KEYS} × RSA-2048) spread over the cores, one thread timed in this process`,
  lowerIsBetter: true,
  valueLimit: 2000,
  async run(ctx) {
    return withTempDir('obmock-bench-boot-', async (dataDir) => {
      const timing = await bootInNewProcess(dataDir, ctx.serverNodeArgs);
      // RSA generation time is random (a prime search): average several keys
      const t2048 = keygenMs(2048, 8);
      const cores = availableParallelism();
      const cpuMs = COLD_KEYS * t2048;
      return {
        value: timing.bootMs,
        floor: Math.max(t2048, cpuMs / cores),
        notes: [
          `RSA-2048 generation, one thread: ${t2048.toFixed(0)} ms a key; ${cpuMs.toFixed(0)} ms of CPU over ${cores} cores`,
        ],
      };
    });
  },
};

/** `startSandbox()` in a new process on a data dir an earlier boot made. */
export const sandboxBootWarm: Figure = {
  name: 'sandbox_boot_warm_ms',
  unit: 'ms',
  description:
    'startSandbox() in a new process on the data dir of an earlier boot, until directory and bank answer',
  floorDescription:
    'two bare node:https servers (certificate from the same CA) listening and answering one new TLS connection each',
  lowerIsBetter: true,
  valueLimit: 500,
  async run(ctx) {
    return withTempDir('obmock-bench-boot-', async (dataDir) => {
      ctx.log('  cold boot to make the data dir');
      await bootInNewProcess(dataDir, ctx.serverNodeArgs);
      const timing = await bootInNewProcess(dataDir, ctx.serverNodeArgs);
      return {
        value: timing.bootMs,
        floor: 2 * timing.bareServerMs,
        notes: [
          `one bare server: ${timing.bareServerMs.toFixed(1)} ms, measured in the booting process after its boot`,
        ],
      };
    });
  },
};

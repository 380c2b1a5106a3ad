import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Folders in use, for {@link removeTempDirs} when the run is interrupted. */
const live = new Set<string>();

/** Removes every folder still in use (interrupted run; stop the processes writing to them first). */
export function removeTempDirs(): void {
  for (const dir of live) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      live.delete(dir);
    } catch (err) {
      process.stderr.write(`could not remove ${dir}: ${(err as Error).message}\n`);
    }
  }
}

/** Runs `fn` with a fresh temp folder (the OS temp dir) and removes the folder afterwards. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  live.add(dir);
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    live.delete(dir);
  }
}

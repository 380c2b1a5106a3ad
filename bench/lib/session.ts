import { type DirectoryProcess, withDirectoryProcess } from './directory-process.js';
import { type BenchClient, createLoadClient } from './http.js';
import type { RunContext } from './types.js';

/**
 * Starts the directory in its own process on `dataDir`, opens the load client's
 * `ctx.concurrency` keep-alive connections to it, runs `fn`, then closes both.
 */
export function withDirectory<T>(
  ctx: RunContext,
  dataDir: string,
  fn: (dir: DirectoryProcess, pool: BenchClient) => Promise<T>,
): Promise<T> {
  return withDirectoryProcess({ dataDir, nodeArgs: ctx.serverNodeArgs }, async (dir) => {
    ctx.log(`  directory pid ${dir.pid} at ${dir.origin}`);
    const pool = createLoadClient(dir.origin, dir.ca, ctx.concurrency);
    try {
      return await fn(dir, pool);
    } finally {
      await pool.close();
    }
  });
}

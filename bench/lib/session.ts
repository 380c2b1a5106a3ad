import type { Pool } from 'undici';
import { type DirectoryProcess, withDirectoryProcess } from './directory-process.js';
import { createPool } from './http.js';
import type { RunContext } from './types.js';

/**
 * Starts the directory in its own process on `dataDir`, opens a keep-alive pool
 * of `ctx.concurrency` connections to it, runs `fn`, then closes both.
 */
export function withDirectory<T>(
  ctx: RunContext,
  dataDir: string,
  fn: (dir: DirectoryProcess, pool: Pool) => Promise<T>,
): Promise<T> {
  return withDirectoryProcess({ dataDir, nodeArgs: ctx.serverNodeArgs }, async (dir) => {
    ctx.log(`  directory pid ${dir.pid} at ${dir.origin}`);
    const pool = createPool(dir.origin, dir.ca, ctx.concurrency);
    try {
      return await fn(dir, pool);
    } finally {
      await pool.close();
    }
  });
}

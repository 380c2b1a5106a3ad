/**
 * The directory as a benchmark subject: started by bench/lib/directory-process.ts
 * in its own process, so the load generator's CPU does not count against it.
 *
 *   node dist/bench/directory-server.js --data-dir <dir>
 *
 * Prints one JSON line ({@link DirectoryServerInfo}) on stdout once it listens
 * (127.0.0.1, a free port), and shuts down cleanly (store flushed) when stdin
 * closes or on SIGTERM/SIGINT, so it never outlives the benchmark.
 */
import { parseArgs } from 'node:util';
import { startDirectory } from '../directory/index.js';

export interface DirectoryServerInfo {
  url: string;
  port: number;
  adminToken: string;
  /** PEM file with the issuing and root CA certificates, to trust the server. */
  caBundle: string;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } }, strict: true });
  const dataDir = values['data-dir'];
  if (!dataDir) throw new Error('usage: directory-server --data-dir <dir>');
  const running = await startDirectory({
    dataDir,
    port: 0,
    bindAddress: '127.0.0.1',
    logLevel: 'error',
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`directory-server: close failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const info: DirectoryServerInfo = {
    url: running.url,
    port: running.port,
    adminToken: running.adminToken,
    caBundle: running.ca.bundle,
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `directory-server: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});

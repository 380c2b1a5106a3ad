/**
 * Directory and one strict bank in one process, as a benchmark subject for the
 * registration and token figures (started by bench/lib/sandbox-process.ts).
 *
 *   node dist/bench/sandbox-server.js --data-dir <dir>
 *
 * Prints one JSON line ({@link SandboxServerInfo}) once both listen on
 * 127.0.0.1, and stops when stdin closes.
 */
import { parseArgs } from 'node:util';
import { runServer, startSandbox, stopWithParent } from './lib/serve-sandbox.js';

export type { SandboxServerInfo } from './lib/serve-sandbox.js';

runServer('sandbox-server', async () => {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } }, strict: true });
  const dataDir = values['data-dir'];
  if (!dataDir) throw new Error('usage: sandbox-server --data-dir <dir>');
  const sandbox = await startSandbox(dataDir);
  stopWithParent(sandbox);
  process.stdout.write(`${JSON.stringify(sandbox.info)}\n`);
});

/**
 * Directory and one strict bank in one process, as a benchmark subject for the
 * registration and token figures (started by bench/lib/sandbox-process.ts).
 *
 *   node dist/bench/sandbox-server.js --data-dir <dir>
 *
 * Prints one JSON line ({@link SandboxServerInfo}) once both listen on
 * 127.0.0.1, and stops when stdin closes.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startAspsp } from '../aspsp-mock/index.js';
import { startDirectory } from '../directory/index.js';

export interface SandboxServerInfo {
  directoryUrl: string;
  adminToken: string;
  caBundle: string;
  issuer: string;
  discovery: string;
  orgId: string;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } }, strict: true });
  const dataDir = values['data-dir'];
  if (!dataDir) throw new Error('usage: sandbox-server --data-dir <dir>');
  const directory = await startDirectory({ dataDir, port: 0, bindAddress: '127.0.0.1', logLevel: 'silent' });
  const bank = await startAspsp({
    dataDir,
    port: 0,
    bindAddress: '127.0.0.1',
    logLevel: 'silent',
    directory: {
      url: directory.url,
      caBundlePem: readFileSync(directory.ca.bundle, 'utf8'),
      adminToken: directory.adminToken,
    },
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    Promise.all([bank.close(), directory.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const b = bank.banks[0];
  const info: SandboxServerInfo = {
    directoryUrl: directory.url,
    adminToken: directory.adminToken,
    caBundle: directory.ca.bundle,
    issuer: b.issuer,
    discovery: b.discovery,
    orgId: b.orgId,
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `sandbox-server: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});

/**
 * The bootstrap shared by bench/sandbox-server.ts and bench/soak-server.ts:
 * directory and one strict bank in one process on 127.0.0.1 (ports chosen by
 * the system), the JSON line that tells the parent where they are, and a stop
 * when stdin closes or on SIGTERM/SIGINT.
 */
import { readFileSync } from 'node:fs';
import { type RunningAspsp, startAspsp } from '../../aspsp-mock/index.js';
import { type RunningDirectory, startDirectory } from '../../directory/index.js';

export interface SandboxServerInfo {
  directoryUrl: string;
  adminToken: string;
  caBundle: string;
  issuer: string;
  discovery: string;
  orgId: string;
}

export interface ServedSandbox {
  directory: RunningDirectory;
  aspsp: RunningAspsp;
  info: SandboxServerInfo;
}

export async function startSandbox(dataDir: string): Promise<ServedSandbox> {
  const directory = await startDirectory({ dataDir, port: 0, bindAddress: '127.0.0.1', logLevel: 'error' });
  const aspsp = await startAspsp({
    dataDir,
    port: 0,
    bindAddress: '127.0.0.1',
    logLevel: 'error',
    directory: {
      url: directory.url,
      caBundlePem: readFileSync(directory.ca.bundle, 'utf8'),
      adminToken: directory.adminToken,
    },
    // The load figures and the soak register thousands of clients for one TPP organisation, past
    // the bank's default limit (docs/bank.md, "Limits per TPP"); the check itself still runs.
    limits: { clientsPerOrganisation: 1_000_000, liveTokensPerClient: 1_000_000 },
  });
  const bank = aspsp.banks[0];
  const info: SandboxServerInfo = {
    directoryUrl: directory.url,
    adminToken: directory.adminToken,
    caBundle: directory.ca.bundle,
    issuer: bank.issuer,
    discovery: bank.discovery,
    orgId: bank.orgId,
  };
  return { directory, aspsp, info };
}

/** Closes both services (after `before`) when stdin ends or on SIGTERM/SIGINT, then exits. */
export function stopWithParent(s: ServedSandbox, before: () => void = () => undefined): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    before();
    Promise.all([s.aspsp.close(), s.directory.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Runs a server script's main, reporting a failure on stderr under the script's name. */
export function runServer(name: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}

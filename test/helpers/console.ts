import { type RunningConsole, startConsole } from '../../console/index.js';
import { silentLogger } from '../../lib/logger.js';
import { startTestSandbox, type TestSandbox } from './sandbox.js';

/** Directory + bank over HTTPS and the console over HTTP, all on ephemeral loopback ports. */
export interface TestConsole {
  sb: TestSandbox;
  console: RunningConsole;
  close(): Promise<void>;
}

/** The console's options for a test sandbox: its directory (admin token), every bank it hosts, its CA; a free port. */
export function consoleOptionsFor(sb: TestSandbox) {
  return {
    port: 0,
    directory: { url: sb.directory.url, adminToken: sb.directory.adminToken },
    banks: sb.aspsp.banks.map((b) => ({
      id: b.id,
      issuer: b.issuer,
      discovery: b.discovery,
      profile: b.profile,
    })),
    bankServerUrl: new URL(sb.bank.issuer).origin,
    caBundlePem: sb.caBundle,
    logger: silentLogger,
  };
}

export async function startTestConsole(): Promise<TestConsole> {
  const sb = await startTestSandbox();
  const running = await startConsole(consoleOptionsFor(sb));
  return {
    sb,
    console: running,
    close: async () => {
      await running.close();
      await sb.close();
    },
  };
}

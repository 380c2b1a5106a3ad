import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningDirectory, startDirectory } from '../../directory/index.js';
import { silentLogger } from '../../lib/logger.js';
import type { BankHints, Target } from '../../scenarios/index.js';
import { targetFromConfig } from '../../scenarios/tpp-config.js';
import {
  type RunningSpecBank,
  type StartSpecBankOptions,
  startSpecBank,
} from '../fixtures/spec-bank/index.js';

/** A directory, the spec bank enrolled at it, and the scenario target a bank team would configure. */
export interface SpecBankTarget {
  dataDir: string;
  directory: RunningDirectory;
  bank: RunningSpecBank;
  target: Target;
  close(): Promise<void>;
}

/**
 * Starts a directory and the spec bank (test/fixtures/spec-bank) with `bank` options, then builds
 * the target from the `--tpp-config` file a bank team would write: onboard TPPs at the obmock
 * directory the bank trusts, with the `hints` made from the running bank.
 */
export async function startSpecBankTarget(
  opts: { bank?: Omit<StartSpecBankOptions, 'directory'>; hints?: (bank: RunningSpecBank) => BankHints } = {},
): Promise<SpecBankTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'obmock-spec-bank-'));
  const directory = await startDirectory({ dataDir, port: 0, logLevel: 'silent' }, { logger: silentLogger });
  const caBundlePem = readFileSync(directory.ca.bundle, 'utf8');
  const bank = await startSpecBank({
    ...opts.bank,
    directory: { url: directory.url, caBundlePem, adminToken: directory.adminToken },
  });
  writeFileSync(join(dataDir, 'directory-ca.pem'), caBundlePem);
  writeFileSync(
    join(dataDir, 'tpp-config.json'),
    JSON.stringify({
      directory: { url: directory.url, caBundle: 'directory-ca.pem', adminToken: directory.adminToken },
      hints: opts.hints?.(bank) ?? {},
    }),
  );
  const target = await targetFromConfig(bank.discoveryUrl, join(dataDir, 'tpp-config.json'));
  return {
    dataDir,
    directory,
    bank,
    target,
    close: async () => {
      await bank.close();
      await directory.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BankDefinition } from '../aspsp-mock/config.js';
import { prepareRsaKeys } from '../certs/index.js';

/**
 * On a cold start, starts every RSA key the boot will make at once, in the background (for a
 * new directory: root CA, issuing CA and SSA signing key; per new bank its OBSeal key (when RSA), and one
 * TLS key shared by the banks), so the services, which make them one after another, find them
 * made in parallel. Nothing is started for keys already in the data dir. `directory`: whether
 * this process runs the directory; `banks`: the banks it hosts; `extra`: RSA-2048 keys the caller
 * will ask for after the boot (TPP keys, keys scenarios make for themselves), started now too so
 * they are made while the boot and the first requests wait on I/O.
 */
export function prepareBootKeys(
  dataDir: string,
  run: { directory: boolean; banks: BankDefinition[] },
  extra = 0,
): void {
  const newDirectory = run.directory && !existsSync(join(dataDir, 'directory', 'ca', 'bundle.pem'));
  const newBanks = run.banks.filter(
    (b) => (b.sealKey ?? 'rsa') === 'rsa' && !existsSync(join(dataDir, 'aspsp', b.id, 'signing.key.pem')),
  ).length;
  const tlsKey = run.banks.length > 0 && !existsSync(join(dataDir, 'aspsp', 'server.key.pem')) ? 1 : 0;
  prepareRsaKeys(2048, (newDirectory ? 3 : 0) + newBanks + tlsKey + extra);
}

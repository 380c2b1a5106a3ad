/**
 * One `startSandbox()` in a new process, timed, for the boot figures (started by
 * bench/figures/sandbox-boot.ts):
 *
 *   node dist/bench/boot-sandbox.js --data-dir <dir>
 *
 * Times startSandbox() on `dir` (empty: a cold boot; from an earlier run: a warm one) until the
 * directory and the bank both answer, then a bare HTTPS server's start and first answer as the
 * floor, and prints one JSON line ({@link BootTiming}). No key cache: every key is made.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { createCsr, issueCertificate, loadOrCreateCa, parseCsr } from '../certs/index.js';
import { startSandbox } from '../scenarios/sandbox.js';

export interface BootTiming {
  /** startSandbox() until directory and bank answer, ms. */
  bootMs: number;
  /** A bare HTTPS server (certificate from the sandbox CA) listening and answering one new connection, ms. */
  bareServerMs: number;
}

async function get(url: string, dispatcher: Agent): Promise<void> {
  const res = await request(url, { dispatcher });
  await res.body.text();
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode}`);
}

async function bareServer(dataDir: string, dispatcher: Agent): Promise<number> {
  const t0 = performance.now();
  const ca = await loadOrCreateCa(join(dataDir, 'directory', 'ca'), { crlUrl: 'https://localhost/crl' });
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const csr = parseCsr(
    createCsr({ key, subject: [{ name: 'CN', value: 'localhost' }], sanDns: ['localhost'] }),
  );
  const cert = issueCertificate(ca, {
    type: 'server',
    csr,
    ctx: { orgId: 'bench', legalName: 'bench', organisationIdentifier: '', roles: [] },
  });
  const server = https.createServer(
    {
      key: key.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      cert: `${cert.pem}${ca.issuingCertPem}`,
    },
    (_req, res) => res.end('{}'),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await get(`https://localhost:${port}/`, dispatcher);
  const ms = performance.now() - t0;
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  return ms;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } }, strict: true });
  const dataDir = values['data-dir'];
  if (!dataDir) throw new Error('usage: boot-sandbox --data-dir <dir>');
  const t0 = performance.now();
  const sandbox = await startSandbox({ dataDir });
  const dispatcher = new Agent({ connect: { ca: sandbox.caBundle } });
  await Promise.all([
    get(`${sandbox.directory.url}/keystore/openbanking.jwks`, dispatcher),
    get(sandbox.banks[0].discovery, dispatcher),
  ]);
  const bootMs = performance.now() - t0;
  await sandbox.stop();
  const fresh = new Agent({
    connect: { ca: readFileSync(join(dataDir, 'directory', 'ca', 'bundle.pem'), 'utf8') },
  });
  const bareServerMs = await bareServer(dataDir, fresh);
  await Promise.all([dispatcher.close(), fresh.close()]);
  const timing: BootTiming = { bootMs, bareServerMs };
  process.stdout.write(`${JSON.stringify(timing)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`boot-sandbox: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

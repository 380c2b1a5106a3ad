import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { startDirectory } from '../../directory/index.js';
import { silentLogger } from '../../lib/logger.js';
import { CATALOGUE, runCatalogue } from '../../scenarios/index.js';
import { targetFromConfig } from '../../scenarios/tpp-config.js';
import { withTransportCertificateFrom } from '../../scenarios/transport-certificate.js';
import { startSpecBank } from '../fixtures/spec-bank/index.js';

it('explore', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'obmock-specbank-'));
  const directory = await startDirectory({ dataDir, port: 0, logLevel: 'silent' }, { logger: silentLogger });
  const caBundlePem = readFileSync(directory.ca.bundle, 'utf8');
  const bank = await startSpecBank({ directory: { url: directory.url, caBundlePem, adminToken: directory.adminToken } });
  writeFileSync(join(dataDir, 'ca.pem'), caBundlePem);
  writeFileSync(
    join(dataDir, 'tpp.json'),
    JSON.stringify({ directory: { url: directory.url, caBundle: 'ca.pem', adminToken: directory.adminToken }, hints: { audience: bank.orgId } }),
  );
  const target = await targetFromConfig(bank.discoveryUrl, join(dataDir, 'tpp.json'));
  target.directory!.issueTransportCertificate = async (m, o) => withTransportCertificateFrom(directory.ctx.ca, m, o);
  let t0 = Date.now();
  const summary = await runCatalogue(CATALOGUE, target, { concurrency: 4 });
  console.log('run ms', Date.now() - t0, summary.passed, summary.failed, summary.skipped);
  for (const r of summary.results) if (r.outcome === 'failed') console.log(r.outcome, r.id, r.reason);
  const d = summary.results.map((r) => [r.durationMs, r.id] as const).sort((a, b) => b[0] - a[0]);
  console.log('sum', d.reduce((x, y) => x + y[0], 0), d.slice(0, 15));
  for (const id of (process.env.MUT ?? '').split(',').filter(Boolean)) {
    bank.mutations.set([id as never]);
    t0 = Date.now();
    const s = await runCatalogue(CATALOGUE, target, { concurrency: 4 });
    console.log('MUT', id, Date.now() - t0, s.results.filter((r) => r.outcome === 'failed').map((r) => r.id).join(' '));
  }
  await bank.close();
  await directory.close();
  rmSync(dataDir, { recursive: true, force: true });
}, 600_000);

/**
 * `node dist/bench/directory-reopen.js [--certificates 180000]`: how the
 * directory starts with a data dir holding that many issued certificates.
 * Issues real certificates through the API (20 software statements, one
 * transport certificate each, one revoked), stops, tops the store up by
 * cloning them (bench/lib/prepopulate.ts: clones on cloned software
 * statements, 18 a statement, as the 20-active-certificates limit leaves
 * them; a revoked source gives revoked clones, so about 5 % are revoked),
 * then starts the directory in this process and prints the start time, the
 * event loop's longest stall before and after it answers, and what one
 * revocation (a CRL rebuild) and one keystore read cost at that size. With
 * OBMOCK_SLOW_SLICE_MS=N every stall of N ms or more is logged with its
 * cause. The load average is printed beside: on a busy machine every figure
 * includes time spent waiting for a CPU.
 */
import { readFile, stat } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { generateRsaKeyPair } from '../certs/index.js';
import { DIRECTORY_DEFAULTS, directoryPaths, startDirectory } from '../directory/index.js';
import { DirectoryRepository, directoryCollections } from '../directory/repository.js';
import { FileStore } from '../lib/store/index.js';
import { createSoftwareStatements, obtainTransportCertificate, transportCsr } from './lib/directory-api.js';
import { createLoadClient, send } from './lib/http.js';
import { CERTIFICATES_PER_STATEMENT } from './lib/issuance.js';
import { prepopulateCertificates } from './lib/prepopulate.js';
import { watchSlowSlices } from './lib/slow-slices.js';
import { withTempDir } from './lib/temp-dir.js';

const ms = (x: number): string => `${x.toFixed(0)} ms`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { certificates: { type: 'string', default: '180000' }, 'data-dir': { type: 'string' } },
    strict: true,
  });
  const total = Number(values.certificates);
  if (!Number.isInteger(total) || total < 20)
    throw new Error('usage: directory-reopen [--certificates N ≥ 20]');
  watchSlowSlices('directory-reopen');
  const config = { port: 0, bindAddress: '127.0.0.1', logLevel: 'silent' as const };
  const kept = values['data-dir'];
  const run = async (dataDir: string): Promise<void> => {
    if (kept && (await stat(directoryPaths(dataDir).db).catch(() => undefined))) {
      process.stdout.write(`reusing the certificates in ${dataDir}\n`);
      await measure(dataDir);
      return;
    }
    // 1. Real certificates through the API, one of them revoked.
    const first = await startDirectory({ ...config, dataDir });
    const pool = createLoadClient(first.url, await readCa(first.ca.bundle), 4);
    try {
      const statements = await createSoftwareStatements(pool, first.adminToken, 2, 10);
      const key = await generateRsaKeyPair();
      for (const ss of statements) await obtainTransportCertificate(pool, ss, transportCsr(key, ss));
      const ss = statements[0];
      const listed = await send(
        pool,
        {
          method: 'GET',
          path: `/v2.1/organisation/${ss.org.id}/software-statement/${ss.id}/certificate`,
          headers: { authorization: `Bearer ${ss.org.token}` },
        },
        200,
      );
      const kid = (JSON.parse(listed.body) as { keys: { kid: string }[] }).keys[0].kid;
      await send(
        pool,
        {
          method: 'DELETE',
          path: `/v2.1/organisation/${ss.org.id}/certificate/kid/${kid}`,
          headers: { authorization: `Bearer ${ss.org.token}` },
        },
        204,
      );
    } finally {
      await pool.close();
      await first.close();
    }
    // 2. Clones, offline.
    const t0 = performance.now();
    const filled = await prepopulateCertificates(dataDir, total, {
      perStatement: CERTIFICATES_PER_STATEMENT,
    });
    process.stdout.write(
      `prepopulate: ${filled.existing + filled.added} certificates, ${filled.softwareStatements} software statements, ${filled.organisations} organisations in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    await measure(dataDir);
  };
  if (kept) await run(kept);
  else await withTempDir('obmock-dir-reopen-', run);

  async function measure(dataDir: string): Promise<void> {
    // The two parts of a start that grow with the certificates, alone: the store, then the indexes.
    let t0 = performance.now();
    const store = await FileStore.open(directoryPaths(dataDir).db, {
      collections: directoryCollections(DIRECTORY_DEFAULTS.certificateShards),
    });
    const openMs = performance.now() - t0;
    t0 = performance.now();
    await DirectoryRepository.open(store);
    process.stdout.write(`store open ${ms(openMs)}, indexes ${ms(performance.now() - t0)}\n`);
    await store.close();
    // 3. The start, watched.
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    t0 = performance.now();
    const dir = await startDirectory({ ...config, dataDir });
    const startMs = performance.now() - t0;
    loop.disable();
    process.stdout.write(`start: ${ms(startMs)}, longest stall during it ${ms(loop.max / 1e6)}\n`);
    const after = monitorEventLoopDelay({ resolution: 1 });
    after.enable();
    const api = createLoadClient(dir.url, await readCa(dir.ca.bundle), 2);
    try {
      // A revocation (rebuilds the CRL) and a keystore read, each timed.
      const org = await send(
        api,
        {
          method: 'POST',
          path: '/admin/organisations',
          headers: { authorization: `Bearer ${dir.adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            OrganisationName: 'Late TPP',
            OrganisationType: 'tpp',
            Roles: ['AISP'],
            LegalName: 'Late TPP Ltd',
          }),
        },
        201,
      );
      const { OrganisationId, AccessToken } = JSON.parse(org.body) as {
        OrganisationId: string;
        AccessToken: string;
      };
      const auth = { authorization: `Bearer ${AccessToken}` };
      const ss = await send(
        api,
        {
          method: 'POST',
          path: `/v2.1/organisation/${OrganisationId}/software-statement`,
          headers: {
            ...auth,
            'content-type': 'application/vnd.openbanking.directory.softwarestatement-v2+json',
          },
          body: JSON.stringify({
            ClientName: 'late',
            RedirectUri: ['https://tpp.example.com/cb'],
            Roles: ['AISP'],
          }),
        },
        201,
      );
      const ssId = (JSON.parse(ss.body) as { Id: string }).Id;
      const statement = { org: { id: OrganisationId, token: AccessToken }, id: ssId };
      await obtainTransportCertificate(api, statement, transportCsr(await generateRsaKeyPair(), statement));
      t0 = performance.now();
      const jwks = await send(api, { method: 'GET', path: `/keystore/${OrganisationId}/${ssId}.jwks` }, 200);
      process.stdout.write(`keystore JWKS read: ${ms(performance.now() - t0)} (${jwks.body.length} bytes)\n`);
      const kid = (JSON.parse(jwks.body) as { keys: { kid: string }[] }).keys[0].kid;
      t0 = performance.now();
      await send(
        api,
        {
          method: 'DELETE',
          path: `/v2.1/organisation/${OrganisationId}/certificate/kid/${kid}`,
          headers: auth,
        },
        204,
      );
      process.stdout.write(`revocation (CRL rebuilt): ${ms(performance.now() - t0)}\n`);
      t0 = performance.now();
      const crl = await send(api, { method: 'GET', path: '/ca/issuing.crl' }, 200);
      process.stdout.write(`CRL read: ${ms(performance.now() - t0)} (${crl.body.length} bytes)\n`);
    } finally {
      after.disable();
      process.stdout.write(`after listening: longest stall ${ms(after.max / 1e6)}\n`);
      await api.close();
      await dir.close();
    }
    process.stdout.write(
      `load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}\n`,
    );
  }
}

const readCa = (file: string): Promise<string> => readFile(file, 'utf8');

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});

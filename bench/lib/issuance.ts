/** Certificate issuance through the API, shared by the figures that measure it. */
import type { Pool } from 'undici';
import type { KeyPair } from '../../certs/index.js';
import {
  type BenchSoftwareStatement,
  obtainTransportCertificate,
  transportCertificatePath,
  transportCsr,
} from './directory-api.js';
import type { IssuanceFloorSizes } from './floors.js';
import { sendJson } from './http.js';
import { type LoadResult, measureLoad } from './rate.js';
import type { RunContext } from './types.js';

export interface CsrJob {
  ss: BenchSoftwareStatement;
  pem: string;
}

/**
 * One CSR per (software statement, key), ordered so that consecutive requests
 * go to different software statements. Keys are reused: each certificate still
 * gets its own serial and kid.
 */
export function csrJobs(statements: BenchSoftwareStatement[], keys: KeyPair[]): CsrJob[] {
  const jobs: CsrJob[] = [];
  for (const key of keys) for (const ss of statements) jobs.push({ ss, pem: transportCsr(key, ss) });
  return jobs;
}

/** DER size of the single PEM block in `pem`. */
function pemDerLength(pem: string): number {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64').length;
}

/**
 * Issues one certificate outside the measurement and returns the sizes the
 * floor signs and verifies: the issued certificate's and the CSR's DER.
 */
export async function probeIssuance(pool: Pool, job: CsrJob): Promise<IssuanceFloorSizes> {
  const jwk = await sendJson<{ x5c?: string[] }>(
    pool,
    {
      method: 'POST',
      path: transportCertificatePath(job.ss),
      headers: { authorization: `Bearer ${job.ss.org.token}`, 'content-type': 'application/x-pem-file' },
      body: job.pem,
    },
    201,
  );
  const leaf = jwk.x5c?.[0];
  if (!leaf) throw new Error('certificate answer without x5c');
  return {
    signedBytes: Buffer.from(leaf, 'base64').length,
    verifiedBytes: pemDerLength(job.pem),
  };
}

/** Warm-up, then `ctx.ops` issuances at `ctx.concurrency`, cycling through `jobs`. */
export function measureIssuance(
  pool: Pool,
  jobs: CsrJob[],
  ctx: RunContext,
  serverPid?: number,
): Promise<LoadResult> {
  return measureLoad({
    serverPid,
    ops: ctx.ops,
    warmup: ctx.warmup,
    concurrency: ctx.concurrency,
    op: (i) => {
      const job = jobs[i % jobs.length];
      return obtainTransportCertificate(pool, job.ss, job.pem);
    },
  });
}

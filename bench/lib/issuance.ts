/** Certificate issuance through the API, shared by the figures that measure it. */
import type { KeyPair } from '../../certs/index.js';
import {
  type BenchSoftwareStatement,
  createSoftwareStatements,
  obtainTransportCertificate,
  transportCertificatePath,
  transportCsr,
} from './directory-api.js';
import type { IssuanceFloorSizes } from './floors.js';
import { type BenchClient, sendJson } from './http.js';
import { type LoadResult, measureLoad } from './rate.js';
import type { RunContext } from './types.js';

export interface CsrJob {
  ss: BenchSoftwareStatement;
  pem: string;
}

/**
 * Certificates the bench issues to one software statement. The directory
 * refuses more than `maxActiveCertificatesPerSoftware` (20 by default) active
 * certificates per software statement with 409 too_many_certificates, so the
 * load is spread over enough software statements to stay below it.
 */
export const CERTIFICATES_PER_STATEMENT = 18;

/** Software statements needed to issue `certificates` without reaching any statement's limit. */
export function statementsFor(certificates: number): number {
  return Math.max(1, Math.ceil(certificates / CERTIFICATES_PER_STATEMENT));
}

/** Organisations the software statements are spread over (a statement per organisation is unrealistic). */
export const STATEMENTS_PER_ORGANISATION = 10;

/**
 * Organisations and software statements (through the API) enough to issue
 * `certificates` with none reaching its limit; one more may be issued to each.
 */
export async function statementsForIssuance(
  pool: BenchClient,
  adminToken: string,
  certificates: number,
  prefix = 'Bench TPP',
): Promise<BenchSoftwareStatement[]> {
  const n = statementsFor(certificates);
  const organisations = Math.ceil(n / STATEMENTS_PER_ORGANISATION);
  const all = await createSoftwareStatements(
    pool,
    adminToken,
    organisations,
    STATEMENTS_PER_ORGANISATION,
    prefix,
  );
  return all.slice(0, n);
}

/**
 * One CSR per software statement, keys taken in turn. Keys are reused across
 * statements: each certificate still gets its own serial and kid.
 */
export function csrJobs(statements: BenchSoftwareStatement[], keys: KeyPair[]): CsrJob[] {
  return statements.map((ss, i) => ({ ss, pem: transportCsr(keys[i % keys.length], ss) }));
}

/** DER size of the single PEM block in `pem`. */
function pemDerLength(pem: string): number {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64').length;
}

/**
 * Issues one certificate outside the measurement and returns the sizes the
 * floor signs and verifies: the issued certificate's and the CSR's DER.
 */
export async function probeIssuance(pool: BenchClient, job: CsrJob): Promise<IssuanceFloorSizes> {
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

/**
 * Warm-up, then `ctx.ops` issuances at `ctx.concurrency`, cycling through `jobs`
 * (one software statement after another), so each statement receives at most
 * ⌈(warm-up + ops) / jobs⌉ certificates: pass `statementsFor(warm-up + ops)` of them.
 */
export function measureIssuance(
  pool: BenchClient,
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

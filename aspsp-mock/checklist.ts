import type { Response } from 'express';
import type { CheckOutcome, CheckResult } from '../lib/check-outcome.js';
import { HttpError } from '../lib/errors.js';
import { attachChecks } from '../lib/http/tap-checks.js';

/** A route's checks in the order it makes them: id and what it checks, for the admin. */
export type CheckTable<C extends string> = readonly (readonly [C, string])[];

/** The TLS client certificate's own checks, in order (aspsp-mock/client-certificate.ts). */
export const CERTIFICATE_CHECKS = [
  ['certificate-presented', 'a TLS client certificate was presented'],
  ['certificate-parses', 'the client certificate parses'],
  ['certificate-chain', 'it chains to the directory CA'],
  ['certificate-validity', 'it is within its validity period'],
  ['certificate-revocation', 'it is not revoked'],
] as const;

export type CertificateCheck = (typeof CERTIFICATE_CHECKS)[number][0];

/** Certificate refusal reasons (certs/ and the revocation modes) → the check that failed. */
const CERTIFICATE_REASONS: Record<string, CertificateCheck> = {
  malformed: 'certificate-parses',
  untrusted: 'certificate-chain',
  not_yet_valid: 'certificate-validity',
  expired: 'certificate-validity',
};

const MAX_DETAIL = 300;

/** The one "passed" result every checklist shares (most checks pass: no object per check). */
const PASSED: { readonly result: CheckResult; readonly detail?: string } = Object.freeze({
  result: 'passed',
});

/**
 * The outcome of each check of one request: passed, failed, not reached (an
 * earlier check failed) or skipped (this bank's profile does not make it).
 * Kept on the response for the bank's message tap only — admin-visible, never
 * in the response body. One object per request; the table is shared.
 */
export class Checklist<C extends string> {
  // Keyed by string so a checklist of a longer table is also one of its parts (e.g. the certificate checks).
  private readonly results = new Map<string, { readonly result: CheckResult; readonly detail?: string }>();
  private readonly table: CheckTable<string>;

  constructor(table: CheckTable<C>) {
    this.table = table;
  }

  /** Attaches this checklist to the response, read when the message tap records the exchange. */
  attach(res: Response): this {
    attachChecks(res, this);
    return this;
  }

  /** Runs one check: passed when it returns, failed (with the refusal's description) when it throws. */
  async run<T>(check: C, fn: () => T | Promise<T>): Promise<T> {
    try {
      const value = await fn();
      this.results.set(check, PASSED);
      return value;
    } catch (err) {
      this.fail(check, err);
      throw err;
    }
  }

  /** `run` for a synchronous check (no extra await on the request's path). */
  step<T>(check: C, fn: () => T): T {
    try {
      const value = fn();
      this.results.set(check, PASSED);
      return value;
    } catch (err) {
      this.fail(check, err);
      throw err;
    }
  }

  pass(check: C): void {
    this.results.set(check, PASSED);
  }

  skip(check: C, why: string): void {
    this.results.set(check, { result: 'skipped', detail: why });
  }

  fail(check: C, err: unknown): void {
    // Only a refusal's own description (what the client is told too); anything else stays generic.
    const detail =
      err instanceof HttpError && err.status < 500 ? err.message : 'the check could not complete';
    this.results.set(check, { result: 'failed', detail: detail.slice(0, MAX_DETAIL) });
  }

  /** Every check in order, those never run marked "not reached". */
  outcomes(): CheckOutcome[] {
    return this.table.map(([check, label]) => {
      const r = this.results.get(check);
      return { check, label, result: r?.result ?? 'not reached', ...(r?.detail ? { detail: r.detail } : {}) };
    });
  }
}

/**
 * A certificate refusal on a checklist holding the certificate checks: the
 * checks before its reason passed, the reason's check failed ("missing" fails
 * the first).
 */
export function failCertificate(checks: Checklist<CertificateCheck>, reason: string, err: unknown): void {
  const failed =
    reason === 'missing'
      ? 'certificate-presented'
      : (CERTIFICATE_REASONS[reason] ?? 'certificate-revocation');
  for (const [check] of CERTIFICATE_CHECKS) {
    if (check === failed) break;
    checks.pass(check);
  }
  checks.fail(failed, err);
}

/** Every certificate check passed. */
export function passCertificate(checks: Checklist<CertificateCheck>): void {
  for (const [check] of CERTIFICATE_CHECKS) checks.pass(check);
}

import type { Response } from 'express';
import type { CheckOutcome, CheckResult } from '../../lib/check-outcome.js';
import { HttpError } from '../../lib/errors.js';
import { attachChecks } from '../../lib/http/tap-checks.js';

/**
 * Every check a registration request (POST or PUT) goes through, in the order
 * the bank makes them (aspsp-mock/register/validate-registration.ts). The
 * first five are the TLS client certificate's (aspsp-mock/client-certificate.ts).
 */
export const REGISTRATION_CHECKS = [
  ['certificate-presented', 'a TLS client certificate was presented'],
  ['certificate-parses', 'the client certificate parses'],
  ['certificate-chain', 'it chains to the directory CA'],
  ['certificate-validity', 'it is within its validity period'],
  ['certificate-revocation', 'it is not revoked'],
  ['request-format', 'the body is a signed request of an accepted alg and type'],
  ['software-statement', 'the software statement verifies (signature, issuer, time, status)'],
  ['request-signature', 'the request is signed by a key of the software statement'],
  ['certificate-binding', 'the client certificate belongs to the software statement'],
  ['transport-cert-in-jwks', 'the transport certificate is in the software JWKS'],
  ['claim-types', 'every claim has its type and an allowed value'],
  ['issuer', 'iss is the software_id'],
  ['audience', 'aud is this bank'],
  ['times', 'iat, exp and nbf are acceptable'],
  ['jti', 'jti is a UUID v4'],
  ['redirect-uris', 'redirect_uris are among the software statement’s'],
  ['scope', 'scope is allowed by the software statement’s roles'],
  ['subject-dn', 'the subject DN claim matches the client certificate'],
  ['client-software', 'the software may register here (no duplicate; an update is for the same software)'],
  ['jti-unused', 'the request’s jti has not been used before'],
] as const;

export type RegistrationCheck = (typeof REGISTRATION_CHECKS)[number][0];

/** Certificate refusal reasons (certs/ and the revocation modes) → the check that failed. */
const CERTIFICATE_REASONS: Record<string, RegistrationCheck> = {
  malformed: 'certificate-parses',
  untrusted: 'certificate-chain',
  not_yet_valid: 'certificate-validity',
  expired: 'certificate-validity',
};

const MAX_DETAIL = 300;

/**
 * The outcome of each check of one registration request: passed, failed, not
 * reached (an earlier check failed) or skipped (this bank's profile does not
 * make it). Kept on the response for the bank's message tap only — admin-visible,
 * never in the response body.
 */
export class RegistrationChecklist {
  private readonly results = new Map<RegistrationCheck, { result: CheckResult; detail?: string }>();

  /** Starts the checklist of one request, attached to its response for the message tap. */
  static for(res: Response): RegistrationChecklist {
    const list = new RegistrationChecklist();
    attachChecks(res, () => list.outcomes());
    return list;
  }

  /** Runs one check: passed when it returns, failed (with the refusal's description) when it throws. */
  async run<T>(check: RegistrationCheck, fn: () => T | Promise<T>): Promise<T> {
    try {
      const value = await fn();
      this.results.set(check, { result: 'passed' });
      return value;
    } catch (err) {
      this.fail(check, err);
      throw err;
    }
  }

  pass(check: RegistrationCheck): void {
    this.results.set(check, { result: 'passed' });
  }

  skip(check: RegistrationCheck, why: string): void {
    this.results.set(check, { result: 'skipped', detail: why });
  }

  fail(check: RegistrationCheck, err: unknown): void {
    // Only a refusal's own description (what the client is told too); anything else stays generic.
    const detail =
      err instanceof HttpError && err.status < 500 ? err.message : 'the check could not complete';
    this.results.set(check, { result: 'failed', detail: detail.slice(0, MAX_DETAIL) });
  }

  /** A certificate refusal: the checks before its reason passed, the reason's check failed. */
  failCertificate(reason: string, err: unknown): void {
    const failed = CERTIFICATE_REASONS[reason] ?? 'certificate-revocation';
    for (const [check] of REGISTRATION_CHECKS.slice(1, 5)) {
      if (check === failed) break;
      this.pass(check);
    }
    this.fail(failed, err);
  }

  /** Every check in order, those never run marked "not reached". */
  outcomes(): CheckOutcome[] {
    return REGISTRATION_CHECKS.map(([check, label]) => {
      const r = this.results.get(check);
      return { check, label, result: r?.result ?? 'not reached', ...(r?.detail ? { detail: r.detail } : {}) };
    });
  }
}

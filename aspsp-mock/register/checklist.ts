import type { Response } from 'express';
import { CERTIFICATE_CHECKS, Checklist } from '../checklist.js';
import { ACCESS_TOKEN_CHECKS } from '../token/token-checks.js';

/**
 * Every check a registration request (POST or PUT) goes through, in the order
 * the bank makes them (aspsp-mock/register/validate-registration.ts). The
 * first five are the TLS client certificate's (aspsp-mock/client-certificate.ts).
 */
export const REGISTRATION_CHECKS = [
  ...CERTIFICATE_CHECKS,
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
  ['organisation-room', 'the organisation has fewer clients here than the bank keeps for one (limits)'],
  ['jti-unused', 'the request’s jti has not been used before'],
] as const;

export type RegistrationCheck = (typeof REGISTRATION_CHECKS)[number][0];

/** The checklist of one registration request (aspsp-mock/checklist.ts), attached to its response for the tap. */
export class RegistrationChecklist extends Checklist<RegistrationCheck> {
  constructor() {
    super(REGISTRATION_CHECKS);
  }

  static for(res: Response): RegistrationChecklist {
    return new RegistrationChecklist().attach(res);
  }
}

/**
 * Every check of a management call (GET/PUT/DELETE /register/{ClientId}) before
 * the route's own work, in order (aspsp-mock/routes/registration.ts): a
 * certificate-bound access token of that client (OB), or an RFC 7592
 * registration access token — the profile's switch managementAuth says which.
 */
export const MANAGEMENT_CHECKS = [
  ...ACCESS_TOKEN_CHECKS,
  ['client-registered', 'the client in the path is registered'],
  ['client-match', 'the access token belongs to that client'],
  ['management-scope', 'the access token has the scope the bank requires for management'],
  ['registration-access-token', 'the registration access token is that client’s (RFC 7592)'],
  [
    'management-certificate',
    'with a registration access token: the TLS client certificate chains to the directory CA, is valid and not revoked',
  ],
  [
    'management-certificate-binding',
    'with a registration access token: that certificate belongs to the client’s software statement',
  ],
] as const;

/** The checks of a management call authorised by a registration access token (RFC 7592). */
export const RAT_CHECKS = new Set<ManagementCheck>([
  'registration-access-token',
  'management-certificate',
  'management-certificate-binding',
]);

export type ManagementCheck = (typeof MANAGEMENT_CHECKS)[number][0];

/** A PUT's checks: the management call's, then the registration request's. */
export const UPDATE_CHECKS = [...MANAGEMENT_CHECKS, ...REGISTRATION_CHECKS] as const;

import type { BankSettings } from '../settings.js';
import type { FaultEndpoint } from './spec.js';

const CONSENTS = '/open-banking/v3.1/aisp/account-access-consents';

/**
 * The endpoint name of a request path relative to the issuer (any method), as
 * the bank's router would match it: case-insensitive, trailing slash allowed.
 * Paths of no named endpoint (the admin API, /profile, unknown paths) → undefined.
 */
export function endpointOf(settings: BankSettings, path: string): FaultEndpoint | undefined {
  const p = (path.length > 1 ? path.replace(/\/+$/, '') : path).toLowerCase();
  const registration = settings.registrationPath.toLowerCase();
  if (p === settings.discoveryPath.toLowerCase()) return 'discovery';
  if (p === '/jwks') return 'jwks';
  if (p === '/token') return 'token';
  if (p === registration) return 'register';
  if (p.startsWith(`${registration}/`) && !p.slice(registration.length + 1).includes('/')) return 'manage';
  if (p === CONSENTS || (p.startsWith(`${CONSENTS}/`) && !p.slice(CONSENTS.length + 1).includes('/')))
    return 'consents';
  return undefined;
}

import type { BankSettings } from '../aspsp-mock/settings.js';
import type { BankHints } from './target.js';

/**
 * What a TPP must know about a bank with these switches (the sandbox knows
 * its own banks' profiles; for a real bank, hints come from the config file).
 */
export function hintsFromSettings(s: BankSettings, bank: { issuer: string; orgId: string }): BankHints {
  const audience =
    s.audience === 'issuer'
      ? bank.issuer
      : s.audience.startsWith('fixed:')
        ? s.audience.slice('fixed:'.length)
        : bank.orgId;
  const mediaType = (
    s.requestFormat === 'json'
      ? 'application/json'
      : s.registrationMediaTypes.includes('application/jose')
        ? 'application/jose'
        : s.registrationMediaTypes[0]
  ) as BankHints['mediaType'];
  return {
    audience,
    mediaType,
    specVersion: s.specVersion,
    subjectDnForm: s.subjectDnMatch === 'string' ? s.subjectDnRendering : 'name',
    requiredClaims: s.requiredClaims,
    managementAuth: s.managementAuth,
    ...(s.managementAuth === 'scoped-token' ? { managementScope: s.managementScope } : {}),
    managementOperations: s.managementOperations,
    createStatus: s.createStatus,
    duplicateRegistration: s.duplicateRegistration,
    requestFormat: s.requestFormat,
    trustModel: s.trustModel,
    resourceBaseUrl: `${bank.issuer.replace(/\/+$/, '')}/open-banking/v3.1`,
  };
}

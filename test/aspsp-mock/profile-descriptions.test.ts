import { describe, expect, it } from 'vitest';
import {
  type BankSettings,
  loadProfile,
  STRICT_OB_V33,
  shippedProfileNames,
} from '../../aspsp-mock/index.js';
import { acceptedAuthMethods, acceptedGrantTypes } from '../../aspsp-mock/register/claim-schema.js';

/**
 * Each shipped profile's description is a claim about its effective switches.
 * A phrase found in a description must hold for the profile's settings, and
 * every switch the profile changes from the strict default must be described
 * by some phrase — so a description can neither lie nor stay silent.
 */
interface Phrase {
  pattern: RegExp;
  /** Switches this phrase describes. */
  covers: (keyof BankSettings)[];
  holds(s: BankSettings, m: RegExpExecArray): boolean;
}

const CIBA = 'urn:openid:params:grant-type:ciba';
const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

const PHRASES: Phrase[] = [
  { pattern: /OB DCR v(3\.\d)/, covers: ['specVersion'], holds: (s, m) => s.specVersion === m[1] },
  {
    pattern: /application\/jose only|only application\/jose/i,
    covers: ['registrationMediaTypes'],
    holds: (s) => sameSet(s.registrationMediaTypes, ['application/jose']),
  },
  {
    pattern: /requests as application\/jwt/,
    covers: ['registrationMediaTypes'],
    holds: (s) => sameSet(s.registrationMediaTypes, ['application/jwt']),
  },
  {
    pattern: /application\/jose or application\/jwt/,
    covers: ['registrationMediaTypes'],
    holds: (s) => sameSet(s.registrationMediaTypes, ['application/jose', 'application/jwt']),
  },
  {
    pattern: /RFC 7591 JSON body \(application\/json\)/,
    covers: ['requestFormat', 'registrationMediaTypes'],
    holds: (s) => s.requestFormat === 'json' && sameSet(s.registrationMediaTypes, ['application/json']),
  },
  {
    pattern: /signed by the TPP's own QSeal key/,
    covers: ['trustModel'],
    holds: (s) => s.trustModel === 'eidas',
  },
  {
    pattern: /all five auth methods/,
    covers: ['tokenEndpointAuthMethods'],
    holds: (s) => acceptedAuthMethods(s).length === 5,
  },
  {
    pattern: /four auth methods \(([^)]*)\)/,
    covers: ['tokenEndpointAuthMethods'],
    holds: (s, m) => sameSet(acceptedAuthMethods(s), m[1].split(', ')),
  },
  {
    pattern: /only private_key_jwt and tls_client_auth/,
    covers: ['tokenEndpointAuthMethods'],
    holds: (s) => sameSet(acceptedAuthMethods(s), ['private_key_jwt', 'tls_client_auth']),
  },
  {
    pattern: /client_secret_post accepted/,
    covers: ['tokenEndpointAuthMethods'],
    holds: (s) => acceptedAuthMethods(s).includes('client_secret_post'),
  },
  {
    pattern: /no CIBA grant/,
    covers: ['grantTypes'],
    holds: (s) => !acceptedGrantTypes(s).includes(CIBA) && !s.grantTypes.includes(CIBA),
  },
  {
    pattern: /Rejects the refresh_token grant/,
    covers: ['grantTypes'],
    holds: (s) => !acceptedGrantTypes(s).includes('refresh_token'),
  },
  {
    pattern: /scope as (a JSON array|an array)/,
    covers: ['scopeFormat'],
    holds: (s) => s.scopeFormat === 'array',
  },
  {
    pattern: /scope a space-separated string/,
    covers: ['scopeFormat'],
    holds: (s) => s.scopeFormat === 'string' && s.specVersion !== '3.1',
  },
  { pattern: /tls_client_auth_dn\b/, covers: ['specVersion'], holds: (s) => s.specVersion === '3.1' },
  {
    pattern: /aud = the issuer URL|its issuer URL as aud|aud = the bank's issuer URL/,
    covers: ['audience'],
    holds: (s) => s.audience === 'issuer',
  },
  {
    pattern: /aud = the bank's OB organisation id/,
    covers: ['audience'],
    holds: (s) => s.audience === 'org-id',
  },
  {
    pattern: /compared as a DN/,
    covers: ['subjectDnMatch'],
    holds: (s) => s.subjectDnMatch === 'dn',
  },
  {
    pattern: /as a raw string with organizationIdentifier written as 2\.5\.4\.97=…/,
    covers: ['subjectDnMatch', 'subjectDnRendering'],
    holds: (s) => s.subjectDnMatch === 'string' && s.subjectDnRendering === 'oid',
  },
  {
    pattern: /DER hex form of organizationIdentifier/,
    covers: ['subjectDnMatch', 'subjectDnRendering'],
    holds: (s) => s.subjectDnMatch === 'string' && s.subjectDnRendering === 'hex',
  },
  {
    pattern: /PS256\/ES256 only/,
    covers: ['signingAlgs'],
    holds: (s) => sameSet(s.signingAlgs, ['PS256', 'ES256']),
  },
  { pattern: /RS256 and/, covers: ['signingAlgs'], holds: (s) => s.signingAlgs.includes('RS256') },
  { pattern: /201 on create/, covers: ['createStatus'], holds: (s) => s.createStatus === 201 },
  { pattern: /Answers 200 instead of 201/, covers: ['createStatus'], holds: (s) => s.createStatus === 200 },
  {
    pattern: /client_id_issued_at in milliseconds/,
    covers: ['clientIdIssuedAtUnit'],
    holds: (s) => s.clientIdIssuedAtUnit === 'milliseconds',
  },
  {
    pattern: /timestamps as strings/,
    covers: ['timestampFormat'],
    holds: (s) => s.timestampFormat === 'string',
  },
  {
    pattern: /requires subject_type: pairwise/,
    covers: ['requiredClaims'],
    holds: (s) => s.requiredClaims.subject_type === 'pairwise',
  },
  {
    pattern: /management token carrying scope (\w+)/,
    covers: ['managementAuth', 'managementScope'],
    holds: (s, m) => s.managementAuth === 'scoped-token' && s.managementScope === m[1],
  },
  {
    pattern: /RFC 7592 registration_access_token/,
    covers: ['managementAuth'],
    holds: (s) => s.managementAuth === 'registration-access-token',
  },
  {
    pattern: /client-credentials tokens for GET\/PUT\/DELETE/,
    covers: ['managementAuth', 'managementOperations'],
    holds: (s) =>
      s.managementAuth === 'client-credentials' && sameSet(s.managementOperations, ['GET', 'PUT', 'DELETE']),
  },
  {
    pattern: /GET and PUT exist but DELETE answers 405/,
    covers: ['managementOperations'],
    holds: (s) => sameSet(s.managementOperations, ['GET', 'PUT']),
  },
  {
    pattern: /second registration returns the existing client/,
    covers: ['duplicateRegistration'],
    holds: (s) => s.duplicateRegistration === 'return-existing',
  },
  {
    pattern: /registration at (\/[A-Za-z0-9._/-]+[A-Za-z0-9])/,
    covers: ['registrationPath'],
    holds: (s, m) => s.registrationPath === m[1],
  },
  {
    pattern: /Registration under a versioned path/,
    covers: ['registrationPath'],
    holds: (s) => /\/v\d+(\.\d+)*\//.test(s.registrationPath),
  },
  {
    pattern: /discovery at a non-standard path/,
    covers: ['discoveryPath'],
    holds: (s) => s.discoveryPath !== STRICT_OB_V33.discoveryPath,
  },
  {
    pattern: /requires the transport certificate in the software JWKS/,
    covers: ['requireTransportCertInJwks'],
    holds: (s) => s.requireTransportCertInJwks,
  },
  {
    pattern: /SSAs at most (\d+) minutes old/,
    covers: ['ssaMaxAgeSeconds'],
    holds: (s, m) => s.ssaMaxAgeSeconds === Number(m[1]) * 60,
  },
];

const changedSwitches = (s: BankSettings): (keyof BankSettings)[] =>
  (Object.keys(STRICT_OB_V33) as (keyof BankSettings)[]).filter(
    (k) => JSON.stringify(s[k]) !== JSON.stringify(STRICT_OB_V33[k]),
  );

describe('shipped profile descriptions match their effective switches', () => {
  it.each(shippedProfileNames())('%s', (name) => {
    const { description, settings } = loadProfile(name);
    const covered = new Set<keyof BankSettings>();
    const wrong: string[] = [];
    for (const p of PHRASES) {
      const m = p.pattern.exec(description);
      if (!m) continue;
      for (const c of p.covers) covered.add(c);
      if (!p.holds(settings, m)) wrong.push(`"${m[0]}"`);
    }
    expect(wrong, 'phrases the switches contradict').toEqual([]);
    const silent = changedSwitches(settings).filter((k) => !covered.has(k));
    expect(silent, 'changed switches the description does not mention').toEqual([]);
  });

  it('catches a description that contradicts its switches (the old ob-v3.2 text)', () => {
    const s = loadProfile('ob-v3.2').settings;
    const five = PHRASES.find((p) => p.pattern.source.includes('five'))!;
    const m = five.pattern.exec('all five auth methods, no CIBA grant')!;
    expect(five.holds(s, m)).toBe(false);
  });
});

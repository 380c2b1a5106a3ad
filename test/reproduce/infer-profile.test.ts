import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BankContext } from '../../aspsp-mock/context.js';
import { type BankSettings, loadProfile, SWITCH_NAMES, shippedProfileNames } from '../../aspsp-mock/index.js';
import { DISCOVERABLE_SWITCHES, inferProfile } from '../../aspsp-mock/profile/infer-profile.js';
import { profileJson, profileYaml } from '../../aspsp-mock/profile/render-profile-file.js';
import {
  acceptedAuthMethods,
  acceptedGrantTypes,
  subjectDnClaim,
} from '../../aspsp-mock/register/claim-schema.js';
import { discoveryDocument } from '../../aspsp-mock/routes/discovery.js';
import { REPLAY_CANDIDATES } from '../../scenarios/reproduce/index.js';

const ISSUER = 'https://bank.example.com:8444/banks/b1';

/** The discovery document the bank itself serves for these settings (the route's own function). */
function discoveryOf(settings: BankSettings): Record<string, unknown> {
  return discoveryDocument({ issuer: ISSUER, orgId: '0015800001041REAAY', settings } as BankContext);
}

const sorted = (v: string[]) => [...v].sort();

/** What each discoverable switch does to a bank, compared instead of the raw value where versions filter it. */
const EFFECT: Record<string, (s: BankSettings) => unknown> = {
  registrationPath: (s) => s.registrationPath,
  discoveryPath: (s) => s.discoveryPath,
  registrationMediaTypes: (s) => sorted(s.registrationMediaTypes),
  requestFormat: (s) => s.requestFormat,
  specVersion: (s) => ({ dnClaim: subjectDnClaim(s), scopeArray: s.specVersion === '3.1' }),
  tokenEndpointAuthMethods: (s) => sorted(acceptedAuthMethods(s)),
  signingAlgs: (s) => sorted(s.signingAlgs),
  grantTypes: (s) => sorted(acceptedGrantTypes(s)),
  responseTypes: (s) => sorted(s.responseTypes),
};

describe('inferProfile: every shipped profile, inferred back from its own discovery document', () => {
  it('the effect table covers exactly the discoverable switches', () => {
    expect(Object.keys(EFFECT).sort()).toEqual(Object.keys(DISCOVERABLE_SWITCHES).sort());
  });

  for (const name of shippedProfileNames()) {
    it(`${name}: same effective switches wherever discovery tells them`, () => {
      const profile = loadProfile(name);
      const doc = discoveryOf(profile.settings);
      const inferred = inferProfile(doc, { discoveryUrl: `${ISSUER}${profile.settings.discoveryPath}` });
      for (const [sw, effect] of Object.entries(EFFECT)) {
        expect({ [sw]: effect(inferred.settings) }).toEqual({ [sw]: effect(profile.settings) });
      }
      // Every switch is either set from a named field or listed as not advertised, never both.
      for (const sw of SWITCH_NAMES) {
        expect(sw in inferred.switches !== inferred.notAdvertised.includes(sw)).toBe(true);
        if (sw in inferred.switches) expect(inferred.sources[sw]).toMatch(/\S/);
      }
    });
  }
});

describe('inferProfile: documents as real banks publish them', () => {
  it('takes the registration path from the mTLS alias, drops unknown values and keeps strict defaults', () => {
    const inferred = inferProfile({
      issuer: 'https://auth.bank.example/as',
      registration_endpoint: 'https://auth.bank.example/as/register',
      mtls_endpoint_aliases: { registration_endpoint: 'https://mtls.bank.example/as/clients.oauth2' },
      token_endpoint_auth_methods_supported: [
        'private_key_jwt',
        'tls_client_auth',
        'self_signed_tls_client_auth',
      ],
      request_object_signing_alg_values_supported: ['PS256', 'none'],
      grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token', 'implicit'],
      response_types_supported: ['code id_token', 'token'],
    });
    expect(inferred.switches.registrationPath).toBe('/as/clients.oauth2');
    expect(inferred.sources.registrationPath).toBe('mtls_endpoint_aliases.registration_endpoint');
    expect(inferred.switches.tokenEndpointAuthMethods).toEqual(['tls_client_auth', 'private_key_jwt']);
    expect(inferred.switches.signingAlgs).toEqual(['PS256']);
    expect(inferred.switches.grantTypes).toEqual([
      'client_credentials',
      'authorization_code',
      'refresh_token',
    ]);
    expect(inferred.switches.responseTypes).toEqual(['code id_token']);
    expect(inferred.ignored).toEqual(
      expect.arrayContaining([
        'token_endpoint_auth_methods_supported: "self_signed_tls_client_auth"',
        'request_object_signing_alg_values_supported: "none"',
        'grant_types_supported: "implicit"',
        'response_types_supported: "token"',
      ]),
    );
    // Neither CIBA nor a v3.1 sign: the version is not told.
    expect(inferred.notAdvertised).toEqual(
      expect.arrayContaining(['specVersion', 'audience', 'subjectDnMatch']),
    );
    expect(inferred.settings.audience).toBe('org-id');
    expect(inferred.switches.discoveryPath).toBeUndefined();
  });

  it('reads an empty or odd document as the strict profile, every switch not advertised', () => {
    for (const doc of [{}, { issuer: 42, registration_endpoint: 'not a url', grant_types_supported: 'x' }]) {
      const inferred = inferProfile(doc);
      expect(inferred.switches).toEqual({});
      expect(inferred.notAdvertised).toEqual(SWITCH_NAMES);
    }
  });

  it('refuses paths a profile cannot hold instead of writing them into one', () => {
    for (const endpoint of [
      'https://bank.example/reg%0Aister',
      "https://bank.example/reg'ister",
      'javascript:alert(1)',
      `https://bank.example/${'a'.repeat(300)}`,
    ]) {
      const inferred = inferProfile({ issuer: 'https://bank.example', registration_endpoint: endpoint });
      expect(inferred.switches.registrationPath).toBeUndefined();
      expect(inferred.notAdvertised).toContain('registrationPath');
    }
  });
});

describe('inferred profile files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'obmock-infer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('YAML and JSON files load as is, with a comment per switch and the untold switches listed', () => {
    const settings = loadProfile('jose-only-issuer-aud').settings;
    const inferred = inferProfile(discoveryOf(settings), {
      discoveryUrl: `${ISSUER}/.well-known/openid-configuration`,
    });
    const content = {
      name: inferred.name,
      description: inferred.description,
      switches: inferred.switches,
      comments: Object.fromEntries(Object.entries(inferred.sources).map(([k, v]) => [k, `from ${v}`])),
      notAdvertised: inferred.notAdvertised,
    };
    const yaml = profileYaml(content);
    expect(yaml).toContain(
      '  # from ob_registration_media_types\n  registrationMediaTypes: ["application/jose"]',
    );
    expect(yaml).toContain('# not advertised: strict default kept\n');
    expect(yaml).toContain('#   audience: "org-id"');
    writeFileSync(join(dir, 'bank.yaml'), yaml);
    writeFileSync(join(dir, 'bank.json'), profileJson(content));
    for (const f of ['bank.yaml', 'bank.json']) {
      const loaded = loadProfile(join(dir, f));
      expect(loaded.settings).toEqual(inferred.settings);
      expect(loaded.name).toBe('inferred-bank.example.com');
    }
    expect(JSON.parse(readFileSync(join(dir, 'bank.json'), 'utf8')).$comment).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^not advertised: strict default kept: trustModel, audience/),
      ]),
    );
  });
});

describe('docs/reproduce.md', () => {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'reproduce.md'), 'utf8');
  const rows = new Map(
    [...doc.matchAll(/^\| `([A-Za-z]+)` \| (yes|no)[^|]*\| (yes|no)[^|]*\|$/gm)].map((m) => [
      m[1],
      [m[2], m[3]],
    ]),
  );

  it('its switch table agrees with the code on what discovery and replay can tell', () => {
    const discoverable = Object.keys(DISCOVERABLE_SWITCHES);
    const replayed = Object.keys(REPLAY_CANDIDATES);
    for (const name of [...discoverable, ...replayed]) expect(rows.has(name), name).toBe(true);
    for (const [name, [d, r]] of rows) {
      expect(SWITCH_NAMES, name).toContain(name);
      expect({ [name]: d }).toEqual({ [name]: discoverable.includes(name) ? 'yes' : 'no' });
      expect({ [name]: r }).toEqual({ [name]: replayed.includes(name) ? 'yes' : 'no' });
    }
    expect(doc).toContain(`${discoverable.length} of the ${SWITCH_NAMES.length} switches can be read`);
    expect(doc).toContain(`; ${replayed.length} can be diagnosed by replay`);
  });
});

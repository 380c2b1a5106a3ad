import { createHash, createPrivateKey, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDirectory, startDirectory } from '../../directory/index.js';
import { silentLogger } from '../../lib/logger.js';
import * as scenariosApi from '../../scenarios/index.js';
import { CATALOGUE, runCatalogue, type Scenario, type Target } from '../../scenarios/index.js';
import { targetFromConfig } from '../../scenarios/tpp-config.js';
import { withTransportCertificateFrom } from '../../scenarios/transport-certificate.js';
import { buildRegistrationClaims, createHttpClient, type HttpClient } from '../../tpp-client/index.js';
import {
  type RunningSpecBank,
  SPEC_BANK_RULES,
  type SpecBankRuleId,
  startSpecBank,
} from '../fixtures/spec-bank/index.js';

/**
 * The scenario catalogue against a bank written from the OB DCR v3.3 spec alone
 * (test/fixtures/spec-bank, sharing no code with aspsp-mock, certs or lib): clean it must pass;
 * with one rule disabled at a time, exactly the scenarios that check that rule must fail.
 */

/** Catalogue scenarios that fail against the clean spec bank because the harness demands what the spec leaves open (issue #8, fixed by #8a). */
const KNOWN_HARNESS_FALSE_FAILURES: Record<string, string> = {
  'REG-LIFETIME-long': 'OB DCR sets no maximum request lifetime; the spec bank accepts exp = iat + 1 day',
};

/**
 * PROVISIONAL rule → scenario table, from today's catalogue ids, used until the scenario
 * harness exports its spec-rule table (`specRules`, each scenario citing `rules`): then the
 * expected failures for a rule are the scenarios citing it. An empty list is a MUST the
 * catalogue does not catch today (a defect that slips through).
 */
const PROVISIONAL: Record<SpecBankRuleId, string[]> = {
  'reg.request-signature': [
    'DCR-FORK-wrong-request-key',
    'ROT-revoked-signing-key',
    'SSA-software-deactivated',
  ],
  'reg.request-alg': ['DCR-004-rs256'],
  'reg.request-exp': ['DCR-004-expired', 'REG-EXP-before-iat'],
  'reg.request-iss': ['REG-ISS-other-software'],
  'reg.request-jti-replay': [],
  'reg.required-claims': [
    'REG-REQ-iat',
    'REG-REQ-exp',
    'REG-REQ-jti',
    'REG-REQ-token_endpoint_auth_method',
    'REG-REQ-grant_types',
    'REG-REQ-scope',
    'REG-REQ-application_type',
    'REG-REQ-id_token_signed_response_alg',
    'REG-REQ-request_object_signing_alg',
    'REG-REQ-redirect_uris',
    'REG-PKJ-no-signing-alg',
  ],
  'reg.claim-schema': [
    'REG-JTI-not-uuid',
    'REG-GRANT-password',
    'REG-APPTYPE-desktop',
    'REG-IDTOKEN-alg-none',
  ],
  'reg.request-iat': ['REG-IAT-future'],
  'reg.request-aud': ['REG-AUD-wrong'],
  'reg.software-id': ['REG-SOFTWARE-ID-mismatch'],
  'reg.ssa-signature': ['DCR-FORK-ssa-wrong-key', 'DCR-FORK-ssa-alg-none', 'SSA-tampered'],
  'reg.ssa-fresh': ['SSA-too-old', 'SSA-iat-future'],
  'reg.ssa-status': ['SSA-org-suspended'],
  'reg.redirect-subset': [
    'DCR-FORK-redirect-not-in-ssa',
    'REG-REDIRECT-not-in-ssa',
    'MGMT-PUT-redirect-not-in-ssa',
  ],
  'reg.redirect-https': [],
  'reg.response-types': ['DCR-011'],
  'reg.auth-method': ['REG-AUTH-unsupported'],
  'reg.scope-roles': ['REG-SCOPE-beyond-roles'],
  'reg.tls-subject-dn': ['REG-TLS-no-subject-dn', 'REG-TLS-wrong-subject-dn'],
  // CERT-untrusted-issuer stays refused: the bank's revocation check fails closed on a CRL
  // outside the directory (defence in depth), so only these two tell the chain check is gone.
  'reg.cert-trusted': ['CERT-none', 'CERT-expired'],
  'reg.cert-revoked': ['CERT-revoked'],
  'reg.cert-owner': ['CERT-other-organisation', 'CERT-token-other-organisation'],
  'reg.response-schema': [],
  // without the bearer check nothing checks the token's certificate either
  'mgmt.auth': [
    'DCR-007',
    'MGMT-GET-no-token',
    'MGMT-GET-other-client-token',
    'MGMT-GET-token-other-certificate',
  ],
  'mgmt.deleted': ['DCR-003', 'DCR-009', 'DCR-010', 'MGMT-GET-unknown-client'],
  'token.client-auth': ['TOKEN-secret-wrong', 'TOKEN-assertion-replay', 'TOKEN-assertion-audience'],
  'token.cert-bound': ['MGMT-GET-token-other-certificate', 'CONSENT-token-other-certificate'],
  'token.cert-revoked': [],
  'consent.scope': ['CONSENT-scope-without-accounts'],
};

/** The harness's spec-rule table, once it exists on this branch; until then undefined. */
function harnessRuleTable(): { id: string }[] | undefined {
  const table = (scenariosApi as Record<string, unknown>).specRules;
  return Array.isArray(table) ? (table as { id: string }[]) : undefined;
}

/** The scenarios that must fail when `rule` is disabled (among those that ran clean). */
function expectedFailures(rule: SpecBankRuleId, ran: Set<string>): string[] {
  const table = harnessRuleTable();
  const ids = table?.some((r) => r.id === rule)
    ? CATALOGUE.filter((s) => ((s as Scenario & { rules?: string[] }).rules ?? []).includes(rule)).map(
        (s) => s.id,
      )
    : PROVISIONAL[rule];
  return ids.filter((id) => ran.has(id)).sort();
}

/** OBMOCK_SPEC_BANK_FULL=1 runs the whole catalogue for every variant instead of the scenarios the rule acted in. */
const FULL = process.env.OBMOCK_SPEC_BANK_FULL === '1';

let dataDir: string;
let directory: RunningDirectory;
let bank: RunningSpecBank;
let target: Target;
let http: HttpClient;
let bare: HttpClient;
/** Per scenario of the clean run: the rules that acted (refused a request or shaped a response). */
const actedIn = new Map<string, SpecBankRuleId[]>();
const cleanPassed = new Set<string>();
const verdicts: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'obmock-spec-bank-'));
  directory = await startDirectory({ dataDir, port: 0, logLevel: 'silent' }, { logger: silentLogger });
  const caBundlePem = readFileSync(directory.ca.bundle, 'utf8');
  bank = await startSpecBank({
    directory: { url: directory.url, caBundlePem, adminToken: directory.adminToken },
  });
  // The tpp-config a bank team would write: onboard TPPs at the obmock directory the bank trusts.
  writeFileSync(join(dataDir, 'directory-ca.pem'), caBundlePem);
  writeFileSync(
    join(dataDir, 'tpp-config.json'),
    JSON.stringify({
      directory: { url: directory.url, caBundle: 'directory-ca.pem', adminToken: directory.adminToken },
      hints: { audience: bank.orgId },
    }),
  );
  target = await targetFromConfig(bank.discoveryUrl, join(dataDir, 'tpp-config.json'));
  // In-process, the directory CA can also back-date a certificate (CERT-expired).
  const ca = directory.ctx.ca;
  target.directory!.issueTransportCertificate = async (m, o) => withTransportCertificateFrom(ca, m, o);
  const m = target.material;
  http = createHttpClient({
    ca: m.caBundlePem,
    cert: m.transport.certPem,
    key: m.transport.keyPem,
    timeoutMs: 10_000,
  });
  bare = createHttpClient({ ca: m.caBundlePem, timeoutMs: 10_000 });
}, 120_000);

afterAll(async () => {
  if (verdicts.length) console.log(`spec-bank mutation table:\n${verdicts.join('\n')}`);
  await http?.close();
  await bare?.close();
  await bank?.close();
  await directory?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A valid OB DCR v3.3 request's claims for the target TPP; `overrides` change one thing. */
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return buildRegistrationClaims({
    softwareStatement: target.material.ssa,
    aud: bank.orgId,
    tokenEndpointAuthMethod: 'tls_client_auth',
    transportCertPem: target.material.transport.certPem,
    redirectUris: ['https://tpp.example.com/cb'],
    overrides,
  });
}

function sign(c: Record<string, unknown>, alg = 'PS256'): Promise<string> {
  return new SignJWT(c)
    .setProtectedHeader({ alg, kid: target.material.signing.kid, typ: 'JWT' })
    .sign(createPrivateKey(target.material.signing.keyPem));
}

const post = (client: HttpClient, path: string, body: string, type = 'application/jose') =>
  client.request('POST', `${bank.issuer}${path}`, { headers: { 'Content-Type': type }, body });

const json = (text: string) => JSON.parse(text) as Record<string, unknown>;

describe.sequential('spec bank: behaviour on its own', () => {
  it('publishes OIDC discovery with the registration and token endpoints, and is listed at the directory', async () => {
    const res = await http.request('GET', bank.discoveryUrl);
    expect(res.status).toBe(200);
    const d = json(res.text);
    expect(d.registration_endpoint).toBe(`${bank.issuer}/register`);
    expect(d.token_endpoint).toBe(`${bank.issuer}/token`);
    expect(d.token_endpoint_auth_methods_supported).toEqual([
      'tls_client_auth',
      'private_key_jwt',
      'client_secret_basic',
      'client_secret_post',
    ]);
    const listed = await http.request(
      'GET',
      `${directory.url}/v2.1/organisation/${bank.orgId}/authorisation-server`,
      {
        headers: { Authorization: `Bearer ${directory.adminToken}`, Accept: 'application/json' },
      },
    );
    expect(listed.text).toContain(bank.discoveryUrl);
  });

  it('registers a valid request (201, no secret for tls_client_auth), issues a certificate-bound token, serves GET and a consent', async () => {
    const created = await post(http, '/register', await sign(claims()));
    expect(created.status).toBe(201);
    const client = json(created.text);
    expect(client.client_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(client.client_secret).toBeUndefined();
    expect(client.tls_client_auth_subject_dn).toBe(claims().tls_client_auth_subject_dn);
    const tokenRes = await post(
      http,
      '/token',
      `grant_type=client_credentials&client_id=${client.client_id}&scope=accounts`,
      'application/x-www-form-urlencoded',
    );
    expect(tokenRes.status).toBe(200);
    const token = json(tokenRes.text);
    expect(token.token_type).toBe('Bearer');
    expect(token.scope).toBe('accounts');
    // RFC 8705 §3.1: the token names the certificate it was issued over
    const cnf = decodeJwt(String(token.access_token)).cnf as Record<string, string>;
    const der = new X509Certificate(target.material.transport.certPem).raw;
    expect(cnf['x5t#S256']).toBe(createHash('sha256').update(der).digest('base64url'));
    const auth = { Authorization: `Bearer ${token.access_token}` };
    const got = await http.request('GET', `${bank.issuer}/register/${client.client_id}`, { headers: auth });
    expect(got.status).toBe(200);
    expect(json(got.text).client_id).toBe(client.client_id);
    const consent = await http.request(
      'POST',
      `${bank.issuer}/open-banking/v3.1/aisp/account-access-consents`,
      {
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ Data: { Permissions: ['ReadAccountsBasic'] }, Risk: {} }),
      },
    );
    expect(consent.status).toBe(201);
    expect((json(consent.text).Data as Record<string, unknown>).Status).toBe('AwaitingAuthorisation');
    // the same token without the certificate it is bound to: refused before anything else
    const unbound = await bare.request('GET', `${bank.issuer}/register/${client.client_id}`, {
      headers: auth,
    });
    expect(unbound.status).toBe(401);
    expect(json(unbound.text).error).toBe('invalid_client');
  });

  it.each([
    ['a replayed request (same jti)', 'replay', 400, 'invalid_client_metadata'],
    ['a request signed RS256', 'rs256', 400, 'invalid_client_metadata'],
    ["a request with alg 'none'", 'none', 400, 'invalid_client_metadata'],
    ['iss another software id', 'iss', 400, 'invalid_client_metadata'],
    ['a redirect URI the SSA does not list', 'redirect', 400, 'invalid_redirect_uri'],
    ['an SSA changed after signing (org_status Withdrawn)', 'ssa', 400, 'invalid_software_statement'],
    ['no client certificate', 'no-cert', 401, 'invalid_client'],
  ] as const)('refuses %s → %s %s', async (_what, kind, status, error) => {
    let body: string;
    let client = http;
    if (kind === 'replay') {
      body = await sign(claims());
      expect((await post(http, '/register', body)).status).toBe(201);
    } else if (kind === 'rs256') body = await sign(claims(), 'RS256');
    else if (kind === 'none') {
      const [, payload] = (await sign(claims())).split('.');
      body = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    } else if (kind === 'iss') body = await sign(claims({ iss: 'AAAAAAAAAAAAAAAAAAAAAA' }));
    else if (kind === 'redirect')
      body = await sign(claims({ redirect_uris: ['https://evil.example.com/cb'] }));
    else if (kind === 'ssa') {
      const [h, p, s] = target.material.ssa.split('.');
      const changed = { ...json(Buffer.from(p, 'base64url').toString()), org_status: 'Withdrawn' };
      body = await sign(
        claims({
          software_statement: `${h}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${s}`,
        }),
      );
    } else {
      body = await sign(claims());
      client = bare;
    }
    const res = await post(client, '/register', body);
    expect(res.status).toBe(status);
    expect(json(res.text).error).toBe(error);
  });

  it('refuses a token got before its certificate was revoked (token.cert-revoked); the mutant does not', async () => {
    const m = await target.directory!.newTpp();
    const tpp = createHttpClient({
      ca: m.caBundlePem,
      cert: m.transport.certPem,
      key: m.transport.keyPem,
      timeoutMs: 10_000,
    });
    try {
      const body = await new SignJWT(
        buildRegistrationClaims({
          softwareStatement: m.ssa,
          aud: bank.orgId,
          tokenEndpointAuthMethod: 'private_key_jwt',
          redirectUris: ['https://tpp.example.com/cb'],
        }),
      )
        .setProtectedHeader({ alg: 'PS256', kid: m.signing.kid })
        .sign(createPrivateKey(m.signing.keyPem));
      const created = await post(tpp, '/register', body);
      expect(created.status).toBe(201);
      const client = json(created.text);
      expect(client.client_secret).toBeUndefined();
      const assertion = await new SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg: 'PS256', kid: m.signing.kid })
        .setIssuer(String(client.client_id))
        .setSubject(String(client.client_id))
        .setAudience(`${bank.issuer}/token`)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(createPrivateKey(m.signing.keyPem));
      const tokenRes = await post(
        tpp,
        '/token',
        new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: String(client.client_id),
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
        }).toString(),
        'application/x-www-form-urlencoded',
      );
      expect(tokenRes.status).toBe(200);
      const auth = { Authorization: `Bearer ${json(tokenRes.text).access_token}` };
      const get = () => tpp.request('GET', `${bank.issuer}/register/${client.client_id}`, { headers: auth });
      expect((await get()).status).toBe(200);
      const revoked = await bare.request(
        'DELETE',
        `${directory.url}/v2.1/organisation/${m.organisationId}/certificate/kid/${m.transport.kid}`,
        { headers: { Authorization: `Bearer ${m.directory?.accessToken}` } },
      );
      expect(revoked.status).toBe(204);
      await new Promise((r) => setTimeout(r, 1100)); // the bank reuses a CRL for 1 s
      const refused = await get();
      expect(refused.status).toBe(401);
      expect(json(refused.text).error).toBe('invalid_client');
      bank.mutations.set(['token.cert-revoked']);
      try {
        expect((await get()).status).toBe(200);
      } finally {
        bank.mutations.clear();
      }
    } finally {
      await tpp.close();
    }
  });

  it('answers hostile input with spec-shaped errors and keeps serving', async () => {
    const cases: [string, string, string, number][] = [
      ['/register', '', 'application/jose', 400],
      ['/register', 'a.b', 'application/jose', 400],
      ['/register', '{"iss":"x"}', 'application/json', 415],
      ['/register', 'x'.repeat(200_000), 'application/jose', 413],
      ['/register', `${'e30'}.${'!!!'}.x`, 'application/jose', 400],
      ['/token', 'grant_type=client_credentials&client_id=nobody', 'application/x-www-form-urlencoded', 401],
      ['/token', 'grant_type=password', 'application/json', 400],
    ];
    for (const [path, body, type, status] of cases) {
      const res = await post(http, path, body, type);
      expect(res.status, `${path} ${body.slice(0, 30)}`).toBe(status);
      const err = json(res.text);
      expect(typeof err.error).toBe('string');
      expect(String(err.error_description)).not.toMatch(/at .*\.ts|node:|Error:/);
    }
    // the protected endpoints, with a real token of a real client
    const created = json((await post(http, '/register', await sign(claims()))).text);
    const token = json(
      (
        await post(
          http,
          '/token',
          `grant_type=client_credentials&client_id=${created.client_id}`,
          'application/x-www-form-urlencoded',
        )
      ).text,
    ).access_token;
    const consents = `${bank.issuer}/open-banking/v3.1/aisp/account-access-consents`;
    const protectedCases: [string, string, Record<string, string>, string | undefined, number][] = [
      ['POST', consents, { 'Content-Type': 'application/json' }, '{"Data":{"Permissions":["X"]}}', 401],
      [
        'POST',
        consents,
        { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        'not json',
        400,
      ],
      [
        'POST',
        consents,
        { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        '{"Data":{"Permissions":[]}}',
        400,
      ],
      ['GET', `${consents}/nope`, { Authorization: `Bearer ${token}` }, undefined, 404],
      ['GET', `${bank.issuer}/register/${created.client_id}`, { Authorization: 'Bearer' }, undefined, 401],
      [
        'GET',
        `${bank.issuer}/register/${created.client_id}`,
        { Authorization: `Basic ${token}` },
        undefined,
        401,
      ],
      [
        'PUT',
        `${bank.issuer}/register/${created.client_id}`,
        { Authorization: `Bearer ${token}`, 'Content-Type': 'application/jose' },
        'x.y.z',
        400,
      ],
      ['GET', `${bank.issuer}/token`, {}, undefined, 405],
      ['GET', `${bank.issuer}/nowhere`, {}, undefined, 404],
    ];
    for (const [method, url, headers, body, status] of protectedCases) {
      const res = await http.request(method, url, { headers, ...(body === undefined ? {} : { body }) });
      expect(res.status, `${method} ${url} ${body ?? ''}`).toBe(status);
      expect(typeof json(res.text).error).toBe('string');
    }
    // nothing stored was harmed
    const still = await http.request('GET', `${bank.issuer}/register/${created.client_id}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(still.status).toBe(200);
    expect(json(still.text).redirect_uris).toEqual(['https://tpp.example.com/cb']);
    const unknown = await http.request('GET', `${bank.issuer}/register/${randomUUID()}`, {
      headers: { Authorization: 'Bearer nonsense-token-nonsense' },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.headers['www-authenticate']).toMatch(/^Bearer /);
    expect((await http.request('GET', `${bank.issuer}/register/%E0%A4%A`)).status).toBe(404);
    expect((await http.request('GET', bank.discoveryUrl)).status).toBe(200);
  });

  it('reads tls_client_auth_subject_dn in any RFC 4514 spelling of the certificate subject', async () => {
    const m = target.material;
    const cn = m.softwareStatementId;
    const ou = m.organisationId;
    for (const dn of [
      `2.5.4.3=${cn},2.5.4.11=${ou},2.5.4.10=OpenBanking,2.5.4.6=GB`,
      `cn=${cn}, ou=${ou}, o=OpenBanking, c=GB`,
    ]) {
      const res = await post(http, '/register', await sign(claims({ tls_client_auth_subject_dn: dn })));
      expect(res.status, dn).toBe(201);
    }
    const reordered = `C=GB,O=OpenBanking,OU=${ou},CN=${cn}`;
    const res = await post(http, '/register', await sign(claims({ tls_client_auth_subject_dn: reordered })));
    expect(res.status).toBe(400);
    expect(json(res.text).error).toBe('invalid_client_metadata');
  });

  it('a mutation flag disables exactly its check, at run time', async () => {
    const rs256 = async () => (await post(http, '/register', await sign(claims(), 'RS256'))).status;
    bank.mutations.set(['reg.request-alg']);
    try {
      expect(await rs256()).toBe(201);
      // other checks still hold: a wrong iss is refused
      expect(
        (await post(http, '/register', await sign(claims({ iss: 'AAAAAAAAAAAAAAAAAAAAAA' }), 'RS256')))
          .status,
      ).toBe(400);
    } finally {
      bank.mutations.clear();
    }
    expect(await rs256()).toBe(400);
    expect(() => bank.mutations.set(['no.such-rule' as SpecBankRuleId])).toThrow(/unknown spec-bank rule/);
  });
});

describe.sequential('the scenario catalogue against the spec bank', () => {
  it('clean: no scenario fails (except known harness over-demands)', async () => {
    bank.mutations.clear();
    bank.mutations.takeTrace();
    // One scenario at a time, so the rules each one made the bank act on can be told apart.
    for (const scenario of CATALOGUE) {
      const summary = await runCatalogue([scenario], target, { concurrency: 1 });
      const r = summary.results[0];
      actedIn.set(scenario.id, bank.mutations.takeTrace());
      if (r.outcome === 'passed') cleanPassed.add(scenario.id);
      if (r.outcome === 'failed') verdicts.push(`clean run: ${r.id} failed: ${r.reason}`);
      if (r.outcome === 'failed')
        expect(KNOWN_HARNESS_FALSE_FAILURES[r.id], `${r.id} failed: ${r.reason}`).toBeDefined();
    }
    expect(cleanPassed.size).toBeGreaterThan(60);
  }, 240_000);

  it.each(
    SPEC_BANK_RULES.map((r) => [r.id, r.level] as const),
  )('mutation %s (%s): the scenarios checking it fail, no others', async (rule) => {
    expect(actedIn.size, 'the clean run must come first').toBe(CATALOGUE.length);
    const expected = expectedFailures(rule, cleanPassed);
    // Disabling a check that did not act cannot change an answer: only scenarios where it acted
    // (or, with OBMOCK_SPEC_BANK_FULL=1, every scenario that passed clean) run again.
    const rerun = CATALOGUE.filter(
      (s) => cleanPassed.has(s.id) && (FULL || (actedIn.get(s.id) ?? []).includes(rule)),
    );
    bank.mutations.set([rule]);
    let failed: string[];
    let why = '';
    try {
      const summary = rerun.length ? await runCatalogue(rerun, target, { concurrency: 4 }) : undefined;
      why = (summary?.results ?? [])
        .filter((r) => r.outcome === 'failed' && !expected.includes(r.id))
        .map((r) => `${r.id}: ${r.reason}`)
        .join('; ');
      failed = (summary?.results ?? [])
        .filter((r) => r.outcome === 'failed')
        .map((r) => r.id)
        .sort();
    } finally {
      bank.mutations.clear();
    }
    verdicts.push(
      `${rule.padEnd(24)} ${failed.length ? `caught by ${failed.join(', ')}` : 'MISSED (no scenario fails)'}`,
    );
    expect(failed, why || 'an expected scenario did not fail').toEqual(expected);
  }, 120_000);
});

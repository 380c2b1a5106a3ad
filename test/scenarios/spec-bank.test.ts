import { createHash, createPrivateKey, randomUUID, X509Certificate } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDirectory } from '../../directory/index.js';
import {
  CATALOGUE,
  type RunSummary,
  runCatalogue,
  type Scenario,
  specRules,
  type Target,
} from '../../scenarios/index.js';
import { withTransportCertificateFrom } from '../../scenarios/transport-certificate.js';
import { buildRegistrationClaims, createHttpClient, type HttpClient } from '../../tpp-client/index.js';
import { type RunningSpecBank, SPEC_BANK_RULES, type SpecBankRuleId } from '../fixtures/spec-bank/index.js';
import { type SpecBankTarget, startSpecBankTarget } from '../helpers/spec-bank-target.js';

/**
 * The scenario catalogue against a bank written from the OB DCR v3.3 spec alone
 * (test/fixtures/spec-bank, sharing no code with aspsp-mock, certs or lib): clean it must pass;
 * with one rule disabled at a time, exactly the scenarios that check that rule must fail (MUST) or
 * warn (SHOULD/MAY).
 */

/**
 * The harness's spec-rule table (`specRules`, each scenario citing `rules`) says which scenarios
 * check a rule. Where the spec bank implements a sentence under another id, or one check of the
 * bank covers several rows of the harness table, this says which harness rows its check covers;
 * every other bank rule is the harness row of the same id.
 */
const HARNESS_ROWS: Partial<Record<SpecBankRuleId, string[]>> = {
  // the swagger's types, patterns and enums: one check in the bank, four rows in the harness
  'reg.claim-schema': ['reg.request-jti-format', 'reg.grant-types', 'reg.application-type', 'reg.algs'],
  // OBRegistrationProperties1 required, and token_endpoint_auth_signing_alg iff private_key_jwt
  'reg.required-claims': ['reg.required-claims', 'reg.auth-signing-alg'],
  // the SSA "is fresh": the harness checks its age (too old, issued in the future)
  'reg.ssa-fresh': ['reg.ssa-age'],
  // "secured by way of Mutual Authentication over TLS": no certificate fails the chain check too
  'reg.cert-trusted': ['reg.cert-trusted', 'reg.cert-required'],
  // the certificate belongs to the SSA's software: at /register and at /token alike
  'reg.cert-owner': ['reg.cert-owner', 'token.cert-owner'],
  // at the management endpoints the bank's bearer check encloses the token's certificate
  // checks: its binding (RFC 8705 §3) and its revocation
  'mgmt.auth': ['mgmt.auth', 'token.cert-bound', 'token.cert-revoked'],
  // the registered method's proof includes a single-use assertion jti (RFC 7523 §3)
  'token.client-auth': ['token.client-auth', 'token.assertion-replay'],
  // a secret is given only to secret-method clients, so none can stand in for a keyed method
  'reg.response-schema': ['reg.response-schema', 'token.fapi-client-auth'],
  // account-access-consents need a token with scope accounts
  'consent.scope': ['consent.auth'],
};

/**
 * Scenarios citing a rule that another check of the spec bank still refuses when that rule is
 * off (defence in depth): the test checks that, with the rule off, the scenario still passes and
 * the bank's trace names that other check as the one that refused (or, for a check outside the
 * rule table, names none).
 */
const OUTSIDE_THE_TABLE = 'a check outside the table';
const DEFENDED: Partial<Record<SpecBankRuleId, Record<string, SpecBankRuleId | typeof OUTSIDE_THE_TABLE>>> = {
  // revocation fails closed on a CRL outside the directory
  'reg.cert-trusted': { 'CERT-untrusted-issuer': 'reg.cert-revoked' },
  // a request without iss: the iss = software_id check refuses it too
  'reg.required-claims': {
    'REG-REQ-iss': 'reg.request-iss',
    // without an SSA there is nothing to verify: a check outside the table (reading it) refuses
    'REG-REQ-software_statement': OUTSIDE_THE_TABLE,
  },
  // the mutant lets RS256 in, not alg none: the alg list it still applies refuses an unsecured request
  'reg.request-alg': { 'REG-ALG-none': OUTSIDE_THE_TABLE },
  // tls_client_auth: the request's subject DN names this TPP's certificate, not the one presented
  'reg.cert-owner': { 'CERT-other-organisation': 'reg.tls-subject-dn' },
  // the other TPP's certificate belongs to another organisation: the owner check at /token
  'token.client-auth': { 'TOKEN-unbound-certificate': 'reg.cert-owner' },
};

const harnessLevel = new Map(specRules.map((r) => [r.id, r.level]));

function harnessRows(rule: SpecBankRuleId): string[] {
  return HARNESS_ROWS[rule] ?? (harnessLevel.has(rule) ? [rule] : []);
}

/** The outcome a scenario must get when `rule` is off: failed for a MUST row it cites, else warning. */
function expectedOutcome(s: Scenario, rule: SpecBankRuleId): 'failed' | 'warning' {
  const rows = harnessRows(rule).filter((r) => s.rules.includes(r));
  return rows.some((r) => harnessLevel.get(r) === 'MUST') ? 'failed' : 'warning';
}

/**
 * The scenarios that must fail (or warn) when `rule` is off: those citing a harness row the
 * bank's check covers, that passed clean, and in which that check acted in the clean run (a
 * check that did not act cannot change an answer) — except the defended ones.
 */
function expectedVerdicts(rule: SpecBankRuleId): Record<string, 'failed' | 'warning'> {
  const rows = harnessRows(rule);
  const out: Record<string, 'failed' | 'warning'> = {};
  for (const s of CATALOGUE)
    if (
      s.rules.some((r) => rows.includes(r)) &&
      cleanPassed.has(s.id) &&
      (actedIn.get(s.id) ?? []).includes(rule) &&
      !DEFENDED[rule]?.[s.id]
    )
      out[s.id] = expectedOutcome(s, rule);
  return out;
}

/** The failures and warnings of a run (a failed baseline counts as `baseline:<id>` failed). */
function verdictsOf(summary: RunSummary | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const b of summary?.baselines ?? []) if (!b.ok) out[`baseline:${b.id}`] = 'failed';
  for (const r of summary?.results ?? [])
    if (r.outcome === 'failed' || r.outcome === 'warning' || r.outcome === 'blocked') out[r.id] = r.outcome;
  return out;
}

/**
 * OBMOCK_SPEC_BANK_FULL=1 reruns every scenario that passed clean for every rule, instead of
 * only the scenarios the rule acted in (the "no others" check is then over the whole catalogue).
 */
const FULL = process.env.OBMOCK_SPEC_BANK_FULL === '1';

let env: SpecBankTarget;
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
  // The tpp-config a bank team would write: onboard TPPs at the obmock directory the bank trusts.
  env = await startSpecBankTarget({
    hints: (b) => ({ audience: b.orgId, resourceBaseUrl: `${b.issuer}/open-banking/v3.1` }),
  });
  ({ directory, bank, target } = env);
  // In-process, the directory CA can also back-date a certificate (CERT-expired).
  const ca = directory.ctx.ca;
  target.directory!.issueTransportCertificate = async (m, o) => withTransportCertificateFrom(ca, m, o);
  // The bank reuses a CRL for at most 1 s: a revocation it has not seen within 10 s it never will
  // (the revocation scenarios, run with the check off, need not wait the default 30 s).
  target.revocationWaitMs = 10_000;
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
  await env?.close();
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
  it('clean: no scenario fails, every baseline passes', async () => {
    bank.mutations.clear();
    // One scenario at a time, each taking the trace when it starts (dropping the baselines'), so
    // the rules each one made the bank act on can be told apart.
    const traced = CATALOGUE.map(
      (s): Scenario => ({
        ...s,
        run: async (t) => {
          bank.mutations.takeTrace();
          await s.run(t);
        },
      }),
    );
    const summary = await runCatalogue(traced, target, {
      concurrency: 1,
      onResult: (r) => actedIn.set(r.id, bank.mutations.takeTrace()),
    });
    const failures: string[] = [];
    for (const r of summary.results) {
      if (r.outcome === 'passed') cleanPassed.add(r.id);
      if (r.outcome === 'failed' || r.outcome === 'blocked')
        failures.push(`${r.id} ${r.outcome}: ${r.reason}`);
      if (r.outcome === 'warning') verdicts.push(`clean run: ${r.id} warning: ${r.reason}`);
      if (r.outcome === 'skipped') verdicts.push(`clean run: ${r.id} skipped: ${r.reason}`);
    }
    verdicts.push(...failures.map((f) => `clean run: ${f}`));
    verdicts.push(
      `clean run: ${summary.passed} passed, ${summary.failed} failed, ${summary.warnings} warning, ${summary.skipped} skipped, ${summary.blocked} blocked`,
    );
    expect(failures).toEqual([]);
    expect(summary.baselines?.filter((b) => !b.ok)).toEqual([]);
    expect(cleanPassed.size).toBeGreaterThan(80);
    // the end-of-run cleanup: every client the run could still manage is deleted at this bank too
    expect(summary.cleanup).toMatchObject({ left: 0, noDelete: 0, reasons: [] });
    expect(summary.cleanup?.deleted).toBeGreaterThan(20);
  }, 300_000);

  it('the onboarded SSA lists the http and localhost URIs: the https rule refuses them, not the subset rule', () => {
    const ssa = decodeJwt(target.material.ssa);
    expect(ssa.software_redirect_uris).toEqual(
      expect.arrayContaining(['http://tpp.example.com/cb', 'https://localhost/cb']),
    );
    for (const id of ['REG-REDIRECT-http', 'REG-REDIRECT-localhost']) {
      expect(cleanPassed.has(id), id).toBe(true);
      expect(actedIn.get(id), id).toContain('reg.redirect-https');
      expect(actedIn.get(id), id).not.toContain('reg.redirect-subset');
    }
  });

  it('a negative run on its own runs its baseline first and counts', async () => {
    for (const id of ['REG-REDIRECT-http', 'TOKEN-secret-wrong', 'MGMT-GET-no-token']) {
      const s = CATALOGUE.find((x) => x.id === id)!;
      const summary = await runCatalogue([s], target, { concurrency: 1 });
      expect(
        summary.baselines?.map((b) => [b.id, b.ok]),
        id,
      ).toEqual([[s.baseline, true]]);
      expect(summary.results[0].outcome, id).toBe('passed');
    }
  }, 120_000);

  it.each(
    SPEC_BANK_RULES.map((r) => [r.id, r.level] as const),
  )('mutation %s (%s): the scenarios checking it fail (MUST) or warn (SHOULD/MAY), no others', async (rule) => {
    expect(actedIn.size, 'the clean run must come first').toBe(CATALOGUE.length);
    const expected = expectedVerdicts(rule);
    // Disabling a check that did not act cannot change an answer: only scenarios where it acted
    // (or, with OBMOCK_SPEC_BANK_FULL=1, every scenario that passed clean) run again.
    const rerun = CATALOGUE.filter(
      (s) => cleanPassed.has(s.id) && (FULL || (actedIn.get(s.id) ?? []).includes(rule)),
    );
    bank.mutations.set([rule]);
    let got: Record<string, string>;
    let why = '';
    try {
      const summary = rerun.length ? await runCatalogue(rerun, target, { concurrency: 4 }) : undefined;
      got = verdictsOf(summary);
      why = (summary?.results ?? [])
        .filter((r) => got[r.id] && got[r.id] !== expected[r.id])
        .map((r) => `${r.id} ${r.outcome}: ${r.reason}`)
        .join('; ');
    } finally {
      bank.mutations.clear();
    }
    const ids = Object.keys(got).sort();
    verdicts.push(
      `${rule.padEnd(24)} ${ids.length ? `caught by ${ids.map((id) => `${id} (${got[id]})`).join(', ')}` : 'MISSED (no scenario fails)'}`,
    );
    expect(Object.keys(expected).length, `no catalogue scenario checks ${rule}`).toBeGreaterThan(0);
    expect(got, why || 'an expected scenario did not fail').toEqual(expected);
  }, 180_000);

  it.each(
    Object.entries(DEFENDED).flatMap(([rule, m]) =>
      Object.entries(m ?? {}).map(([id, also]) => [id, rule as SpecBankRuleId, also] as const),
    ),
  )(
    '%s with %s off: still refused, by %s',
    async (id, rule, also) => {
      const scenario = CATALOGUE.find((s) => s.id === id)!;
      expect(scenario.rules.some((r) => harnessRows(rule).includes(r))).toBe(true);
      expect(actedIn.get(id), 'the clean run must come first').toContain(rule);
      const traced: Scenario = {
        ...scenario,
        run: async (t) => {
          bank.mutations.takeTrace();
          await scenario.run(t);
        },
      };
      bank.mutations.set([rule]);
      try {
        const summary = await runCatalogue([traced], target, { concurrency: 1 });
        const acted = bank.mutations.takeTrace();
        expect(summary.results[0].outcome, summary.results[0].reason).toBe('passed');
        expect(acted).not.toContain(rule);
        if (also === OUTSIDE_THE_TABLE) expect(acted).toEqual([]);
        else expect(acted).toContain(also);
      } finally {
        bank.mutations.clear();
      }
    },
    120_000,
  );
});

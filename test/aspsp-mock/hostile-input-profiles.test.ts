import { beforeAll, describe, expect, it } from 'vitest';
import { createBankRouter } from '../../aspsp-mock/app.js';
import { bankFromSpec, type RunningBank, shippedProfileNames } from '../../aspsp-mock/index.js';
import { BANK_COLLECTIONS } from '../../aspsp-mock/model.js';
import {
  expectNoLeak,
  expectOAuthError,
  expectPrototypeClean,
  fill,
  type HostileCase,
  hostileCases,
  type RouteSpec,
  routesOf,
  sendRaw,
} from '../helpers/hostile-input.js';
import { call, signedRegistration } from '../helpers/sandbox.js';
import { useTestSandbox, useTestTpp } from '../helpers/use-sandbox.js';

/**
 * The bank sweep (hostile-input-sweep.test.ts) against a bank of every shipped profile
 * (aspsp-mock/profiles/*.json, `bankFromSpec('id=profile')`), where the registration and
 * discovery paths, the management operations and their credential (access token, scoped token,
 * RFC 7592 registration access token) and the registration media types differ. The routes are
 * read from each bank's own router, so each profile's paths are the ones swept. The consent
 * routes and the admin APIs do not change with the profile (same paths, same code) and stay with
 * the default bank's sweep. Afterwards every bank answers, and no bank's clients, tokens or
 * consents changed.
 */

const PROFILES = shippedProfileNames();
/** A bank id for each profile: the profile name without dots. */
const bankId = (p: string) => p.replace(/\./g, '');
const sb = useTestSandbox({ banks: PROFILES.map((p) => bankFromSpec(`${bankId(p)}=${p}`)) });
const tpp = useTestTpp(sb);

const LIMIT = 64 * 1024;
const CONSENTS = '/open-banking/v3.1/aisp/account-access-consents';
const PLACEHOLDER: Record<string, string> = { ClientId: '00000000-0000-4000-8000-000000000000' };

const banks = (): RunningBank[] => sb.aspsp.banks;

/**
 * One client registered at a bank of each management credential (access token, scoped token,
 * registration access token), with the credential its management calls take: their GET and PUT
 * are swept again with that credential and the client's own id, so each refusal is reached past
 * the credential check. (DELETE only with a placeholder id: a variant must not remove the client.)
 */
const MANAGED: Record<string, { overrides: Record<string, unknown>; scope?: string }> = {
  'ob-v3.3': { overrides: {} },
  'no-refresh-pairwise-scoped': {
    overrides: { subject_type: 'pairwise', grant_types: ['client_credentials', 'authorization_code'] },
    scope: 'accounts',
  },
  pingfederate: { overrides: {} },
};
const managed: { bank: RunningBank; clientId: string; credential: string }[] = [];

async function registerAt(bank: RunningBank, m: (typeof MANAGED)[string]) {
  const s = bank.ctx.settings;
  const aud = s.audience === 'issuer' ? bank.issuer : bank.orgId;
  const reg = await call(tpp.agent, 'POST', `${bank.issuer}${s.registrationPath}`, {
    headers: { 'content-type': s.registrationMediaTypes[0] },
    body: await signedRegistration(tpp, bank, { overrides: { aud, ...m.overrides } }),
  });
  expect(reg.status, `${bank.profile}: ${reg.text}`).toBe(201);
  const clientId = String(reg.json().client_id);
  if (s.managementAuth === 'registration-access-token')
    return { bank, clientId, credential: String(reg.json().registration_access_token) };
  const tok = await call(tpp.agent, 'POST', `${bank.issuer}/token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      ...(m.scope ? { scope: m.scope } : {}),
    }).toString(),
  });
  expect(tok.status, `${bank.profile}: ${tok.text}`).toBe(200);
  return { bank, clientId, credential: String(tok.json().access_token) };
}

beforeAll(async () => {
  for (const bank of banks())
    if (MANAGED[bank.profile]) managed.push(await registerAt(bank, MANAGED[bank.profile]));
}, 60_000);
const baseOf = (b: RunningBank) => new URL(b.issuer).pathname;

/** The routes of one bank as its router lists them, with what the sweep must know of each. */
function specsOf(bank: RunningBank): RouteSpec[] {
  const s = bank.ctx.settings;
  const base = baseOf(bank);
  const registration = { types: s.registrationMediaTypes, json: s.requestFormat === 'json', limit: LIMIT };
  return routesOf(createBankRouter(bank.ctx), base)
    .filter((route) => !route.includes(CONSENTS))
    .map((route): RouteSpec => {
      const [method, path] = route.split(' ');
      const p = path.slice(base.length);
      if (p === s.registrationPath && method === 'POST')
        return { route, body: registration, badBodyStatus: [400] };
      if (p === `${s.registrationPath}/:ClientId`)
        // An unknown client is 401 (OB DCR), whatever the id looks like and whatever the credential.
        return {
          route,
          auth: true,
          oddStatus: [400, 401],
          placeholderStatus: [401],
          badBodyStatus: [400, 401],
          ...(method === 'PUT' ? { body: registration } : {}),
        };
      if (p === '/token')
        return {
          route,
          body: { types: ['application/x-www-form-urlencoded'], limit: LIMIT },
          badBodyStatus: [400, 401],
        };
      return { route }; // discovery, JWKS, profile
    });
}

const snapshot = () =>
  JSON.stringify(
    banks().map((b) =>
      [BANK_COLLECTIONS.clients, BANK_COLLECTIONS.tokens, BANK_COLLECTIONS.consents].map((c) =>
        b.ctx.store.list(c),
      ),
    ),
  );

describe('a bank of every shipped profile: its routes against malformed and hostile input', () => {
  let before = '';
  const cases: (HostileCase & { bank: string })[] = [];
  beforeAll(() => {
    before = snapshot();
    for (const bank of banks()) {
      const seen = new Set<string>();
      for (const s of specsOf(bank)) {
        const path = s.route.split(' ')[1];
        const auth: [string, string][] = [['authorization', 'Bearer well-formed-but-unknown']];
        for (const c of hostileCases(s, { auth, placeholder: (p) => PLACEHOLDER[p] ?? 'Z' }))
          cases.push({
            ...c,
            bank: bank.id,
            name: `[${bank.profile}] ${c.method} ${c.path.slice(0, 80)} — ${c.name}`,
          });
        const mine = managed.find((m) => m.bank === bank);
        const [method] = s.route.split(' ');
        if (mine && path.endsWith('/:ClientId') && method !== 'DELETE') {
          const own: [string, string][] = [['authorization', `Bearer ${mine.credential}`]];
          const spec = { ...s, placeholderStatus: method === 'GET' ? [200] : [400] };
          // Only the variants that name the client: an odd id with a valid access token revokes
          // that token (RFC 7592 §2.1), which the last test checks on its own.
          for (const c of hostileCases(spec, { auth: own, placeholder: () => mine.clientId }).filter((c) =>
            c.path.includes(mine.clientId),
          ))
            cases.push({
              ...c,
              bank: bank.id,
              name: `[${bank.profile}, own client] ${c.method} ${c.path.slice(0, 80)} — ${c.name}`,
            });
        }
        if (!seen.has(path)) {
          seen.add(path);
          cases.push({
            bank: bank.id,
            name: `[${bank.profile}] PATCH ${path}`,
            method: 'PATCH',
            path: fill(path, (p) => PLACEHOLDER[p] ?? 'Z'),
            headers: auth,
            status: [405],
          });
        }
      }
    }
  });

  it('a bank of each profile, its own paths and operations', () => {
    expect(banks().map((b) => b.profile)).toEqual(PROFILES);
    for (const bank of banks()) {
      const s = bank.ctx.settings;
      const base = baseOf(bank);
      const routes = specsOf(bank).map((r) => r.route);
      expect(routes, bank.profile).toContain(`POST ${base}${s.registrationPath}`);
      expect(routes, bank.profile).toContain(`GET ${base}${s.discoveryPath}`);
      for (const m of ['GET', 'PUT', 'DELETE'])
        expect(routes.includes(`${m} ${base}${s.registrationPath}/:ClientId`), `${bank.profile} ${m}`).toBe(
          s.managementOperations.includes(m as 'GET'),
        );
    }
    // The profiles do differ where the sweep must follow them.
    const settings = banks().map((b) => b.ctx.settings);
    expect(new Set(settings.map((s) => s.registrationPath)).size).toBeGreaterThan(2);
    expect(new Set(settings.map((s) => s.managementAuth)).size).toBe(3);
    expect(new Set(settings.map((s) => s.registrationMediaTypes.join())).size).toBeGreaterThan(2);
  });

  it('each variant at each bank: the right status, the OAuth error body, nothing internal', async () => {
    const failures: string[] = [];
    const origin = new URL(sb.bank.issuer).origin;
    for (const c of cases) {
      const res = await sendRaw(tpp.agent, origin, c.method, c.path, c.headers, c.body);
      if (!c.status.includes(res.status)) {
        failures.push(`${c.name}: ${res.status} (want ${c.status.join('/')}) ${res.text.slice(0, 160)}`);
        continue;
      }
      if (res.status >= 400) expectOAuthError(res.text, c.name);
      expectNoLeak(res.text, [sb.directory.adminToken], c.name, [origin, sb.directory.url]);
    }
    expect(failures, failures.join('\n')).toEqual([]);
    expect(cases.length).toBeGreaterThan(PROFILES.length * 60);
    console.info(`profile sweep: ${cases.length} requests at ${banks().length} banks`);
  }, 180_000);

  it('a management operation a profile does not offer is 405 with Allow, at its own path', async () => {
    const origin = new URL(sb.bank.issuer).origin;
    for (const bank of banks()) {
      const s = bank.ctx.settings;
      for (const m of ['GET', 'PUT', 'DELETE'].filter((x) => !s.managementOperations.includes(x as 'GET'))) {
        const res = await sendRaw(
          tpp.agent,
          origin,
          m,
          `${baseOf(bank)}${s.registrationPath}/${PLACEHOLDER.ClientId}`,
          [['authorization', 'Bearer well-formed-but-unknown']],
        );
        expect(res.status, `${bank.profile} ${m}`).toBe(405);
        expect(String(res.headers.allow)).toBe(s.managementOperations.join(', '));
        expectOAuthError(res.text, `${bank.profile} ${m}`);
      }
    }
  });

  it('afterwards: every bank answers, no client, token or consent changed, each client still managed', async () => {
    expect(snapshot()).toBe(before);
    expect(managed.map((m) => m.bank.ctx.settings.managementAuth).sort()).toEqual([
      'client-credentials',
      'registration-access-token',
      'scoped-token',
    ]);
    for (const m of managed) {
      const res = await call(
        tpp.agent,
        'GET',
        `${m.bank.issuer}${m.bank.ctx.settings.registrationPath}/${m.clientId}`,
        {
          headers: { authorization: `Bearer ${m.credential}` },
        },
      );
      expect(res.status, `${m.bank.profile}: ${res.text}`).toBe(200);
    }
    const origin = new URL(sb.bank.issuer).origin;
    expect((await sendRaw(tpp.agent, origin, 'GET', '/health')).status).toBe(200);
    for (const bank of banks()) {
      const res = await sendRaw(
        tpp.agent,
        origin,
        'GET',
        `${baseOf(bank)}${bank.ctx.settings.discoveryPath}`,
      );
      expect(res.status, bank.profile).toBe(200);
    }
    expectPrototypeClean();
  });

  it('an id that names no client, with a valid credential: 401; an access token is revoked (RFC 7592 §2.1), a registration access token is not', async () => {
    const origin = new URL(sb.bank.issuer).origin;
    for (const m of managed) {
      const path = `${baseOf(m.bank)}${m.bank.ctx.settings.registrationPath}`;
      const auth: [string, string][] = [['authorization', `Bearer ${m.credential}`]];
      const odd = await sendRaw(tpp.agent, origin, 'GET', `${path}/%2E%2E`, auth);
      expect(odd.status, m.bank.profile).toBe(401);
      expect(expectOAuthError(odd.text, m.bank.profile).error).toBe('invalid_token');
      const again = await sendRaw(tpp.agent, origin, 'GET', `${path}/${m.clientId}`, auth);
      const rat = m.bank.ctx.settings.managementAuth === 'registration-access-token';
      expect(again.status, `${m.bank.profile}: ${again.text}`).toBe(rat ? 200 : 401);
    }
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE, runCatalogue, type Sandbox, specRule, startSandbox } from '../../scenarios/index.js';
import type { RunSummary } from '../../scenarios/types.js';

/**
 * The mutation table against the sandbox bank: banks each broken by ONE profile switch that
 * relaxes a rule of the spec-rule table. The catalogue must flag exactly scenarios that cite
 * that rule — failed for a MUST, warning for a SHOULD/MAY — and nothing else (an unrelated
 * failure means a scenario changes more than one thing, or demands what the spec leaves open).
 * An unbroken bank runs beside them as the control: what it fails is not the switch's doing
 * (the catalogue test demands the control be green; this test isolates each switch's effect).
 */
interface Mutation {
  switches: Record<string, unknown>;
  /** The rules the switch relaxes. */
  rules: string[];
  /** Scenarios that must fail (MUST rules), each citing one of `rules`. */
  failed: string[];
  /** Scenarios that must warn (SHOULD/MAY rules). */
  warned?: string[];
}

const MUTATIONS: Record<string, Mutation> = {
  rs256: {
    switches: { signingAlgs: ['PS256', 'ES256', 'RS256'] },
    rules: ['reg.request-alg'],
    failed: ['DCR-004-rs256'],
  },
  redirects: {
    switches: { checkRedirectUris: false },
    rules: ['reg.redirect-subset', 'reg.redirect-https'],
    failed: [
      'DCR-FORK-redirect-not-in-ssa',
      'REG-REDIRECT-http',
      'REG-REDIRECT-localhost',
      'REG-REDIRECT-not-in-ssa',
      'MGMT-PUT-redirect-not-in-ssa',
    ],
  },
  binding: {
    switches: { checkCertificateBinding: false },
    rules: ['reg.cert-owner', 'token.cert-owner'],
    // With tls_client_auth the subject DN check still refuses another organisation's
    // certificate (CERT-other-organisation passes, rightly); private_key_jwt has no such check.
    // Neither is a MUST: the directory's Request Validation makes the check at /register a SHOULD,
    // and RFC 8705 §3 decouples a private_key_jwt client's token binding from its authentication.
    failed: [],
    warned: ['CERT-other-organisation-pkj', 'CERT-token-other-organisation'],
  },
  crl: {
    switches: { crlCacheSeconds: 3600 },
    rules: ['reg.cert-revoked', 'token.cert-revoked'],
    failed: ['CERT-revoked', 'TOKEN-revoked-certificate'],
  },
  aud: {
    switches: { audience: 'any' },
    rules: ['reg.request-aud'],
    failed: [],
    warned: ['REG-AUD-wrong'],
  },
  lifetime: {
    switches: { requestMaxLifetimeSeconds: 30 * 86400 },
    rules: ['reg.request-lifetime'],
    failed: [],
    warned: ['REG-LIFETIME-long'],
  },
  'ssa-age': {
    switches: { ssaMaxAgeSeconds: 10 * 365 * 86400 },
    rules: ['reg.ssa-age'],
    failed: [],
    warned: ['SSA-too-old'],
  },
};

/** Time-dependent expectations wait this long here (the crl bank never notices within it). */
const REVOCATION_WAIT_MS = 3000;

let dir: string;
let sandbox: Sandbox;
const summaries: Record<string, RunSummary> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'obmock-broken-'));
  const banks: string[] = ['control=ob-v3.3'];
  for (const [id, m] of Object.entries(MUTATIONS)) {
    const file = join(dir, `${id}.json`);
    await writeFile(
      file,
      JSON.stringify({
        name: `broken-${id}`,
        description: `ob-v3.3 broken: ${id}`,
        extends: 'ob-v3.3',
        switches: m.switches,
      }),
    );
    banks.push(`${id}=${file}`);
  }
  sandbox = await startSandbox({ banks, keyPoolSize: 8 });
  // The banks are independent (faults too are per bank): two runs at a time, so the banks'
  // own deadlines (e.g. fetching a JWKS) are not starved on a small machine.
  const ids = ['control', ...Object.keys(MUTATIONS)];
  for (let i = 0; i < ids.length; i += 2) {
    await Promise.all(
      ids.slice(i, i + 2).map(async (id) => {
        const target = { ...(await sandbox.target(id)), revocationWaitMs: REVOCATION_WAIT_MS };
        summaries[id] = await runCatalogue(CATALOGUE, target, { concurrency: 2 });
      }),
    );
  }
}, 900_000);

afterAll(async () => {
  await sandbox?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the catalogue against sandbox banks each broken by one profile switch', () => {
  for (const [id, m] of Object.entries(MUTATIONS)) {
    it(`${id} ${JSON.stringify(m.switches)} relaxes ${m.rules.join(', ')}: exactly the scenarios citing it are flagged`, () => {
      const mapped = new Set(
        CATALOGUE.filter((s) => s.rules.some((r) => m.rules.includes(r))).map((s) => s.id),
      );
      for (const s of [...m.failed, ...(m.warned ?? [])])
        expect(mapped.has(s), `${s} cites ${m.rules}`).toBe(true);
      const results = summaries[id].results;
      const control = (o: string) =>
        summaries.control.results.filter((r) => r.outcome === o).map((r) => r.id);
      const failed = results.filter((r) => r.outcome === 'failed');
      const expected = [...new Set([...m.failed, ...control('failed')])].sort();
      expect(failed.map((r) => `${r.id}: ${r.reason}`).sort()).toEqual(
        expected.map((s) => `${s}: ${results.find((r) => r.id === s)?.reason}`),
      );
      const warned = results.filter((r) => r.outcome === 'warning').map((r) => r.id);
      expect(warned.sort()).toEqual([...new Set([...(m.warned ?? []), ...control('warning')])].sort());
      // Each flag the switch caused names the relaxed rule, with its level.
      const caused = results.filter(
        (x) => (x.outcome === 'failed' || x.outcome === 'warning') && !control(x.outcome).includes(x.id),
      );
      for (const r of caused) {
        expect(m.rules, r.id).toContain(r.expectation?.rule?.id);
        expect(r.expectation?.level, r.id).toBe(specRule(r.expectation!.rule!.id).level);
      }
      expect(summaries[id].blocked).toBe(0);
      for (const r of results.filter((x) => x.outcome === 'skipped')) expect(r.reason, r.id).toBeTruthy();
    });
  }
});

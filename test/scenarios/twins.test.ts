import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE, runCatalogue, type Sandbox, startSandbox } from '../../scenarios/index.js';
import type { Target } from '../../scenarios/target.js';
import type { RunSummary } from '../../scenarios/types.js';

/**
 * "A negative check counts only if its positive twin passed": banks that refuse every request
 * on one path (while registering valid clients) must not pass the negatives of that path. Each
 * bank below is the sandbox bank with one switch, hint or fault that makes a whole path refuse;
 * before each negative had a baseline of its own path (or an in-scenario twin) they passed there.
 */
interface Case {
  /** Profile switches of the bank (extends ob-v3.3). */
  switches: Record<string, unknown>;
  /** Hints the run uses instead of the sandbox's (what a misconfigured run would send). */
  hints?: Target['hints'];
  /** Changes the run's target (e.g. the TPPs its directory onboards). */
  target?: (t: Target) => Target;
  /** A fault added to the bank before the run (docs/faults.md). */
  fault?: Record<string, unknown>;
  /** What the bank refuses, for the test's name. */
  refuses: string;
  /** The negatives it passed wrongly: each must now be blocked. */
  blocked: string[];
  /** The baseline that blocks them all, when one does. */
  baseline?: string;
  /** Blocked by the twin inside the scenario rather than by a baseline. */
  inScenario?: boolean;
  /** Scenarios of the same path that must still pass (the twin does not block a good path). */
  passed?: string[];
}

const HOUR = 3600;

const CASES: Record<string, Case> = {
  // The bank wants its RFC 7592 registration access token; the run presents a client-credentials
  // token, which the token endpoint issues (the old `management` baseline) and every
  // GET/PUT/DELETE /register/{ClientId} refuses with 401.
  management: {
    switches: { managementAuth: 'registration-access-token' },
    hints: { managementAuth: 'client-credentials' },
    refuses: 'every GET, PUT and DELETE /register/{ClientId} (401)',
    blocked: [
      'DCR-003',
      'DCR-007',
      'DCR-010',
      'MGMT-GET-no-token',
      'MGMT-GET-other-client-token',
      'MGMT-GET-token-other-certificate',
      'MGMT-GET-unknown-client',
      'MGMT-PUT-no-token',
      'MGMT-PUT-other-client-token',
      'MGMT-DELETE-no-token',
      'MGMT-DELETE-other-client-token',
    ],
  },
  // The token endpoint's clock an hour ahead: every private_key_jwt assertion has expired, while
  // tls_client_auth (the default method, the old `token` baseline) still gets its token.
  'private-key-jwt': {
    switches: {},
    fault: { kind: 'clock_skew', endpoints: ['token'], skewSeconds: HOUR, count: 1_000_000 },
    refuses: 'every private_key_jwt token request (401 invalid_client)',
    blocked: ['TOKEN-assertion-audience', 'TOKEN-assertion-replay', 'CERT-token-other-organisation'],
    baseline: 'token-private_key_jwt',
    passed: ['TOKEN-unbound-certificate'],
  },
  // Management by registration access token, which works; the token endpoint offers only
  // private_key_jwt and its clock is an hour ahead, so no client ever gets a token. The management
  // baselines pass: MGMT-DELETE-then-token's refusal after the delete must be told apart by the
  // same token request before it (its twin inside the scenario).
  'token-refused': {
    switches: { managementAuth: 'registration-access-token', tokenEndpointAuthMethods: ['private_key_jwt'] },
    fault: { kind: 'clock_skew', endpoints: ['token'], skewSeconds: HOUR, count: 1_000_000 },
    refuses: 'every token request (401 invalid_client), management working',
    blocked: ['MGMT-DELETE-then-token'],
    inScenario: true,
    passed: ['MGMT-DELETE-no-token'],
  },
  // A bank that refuses every TPP onboarded during the run (as one that lets in only the
  // organisations it onboarded itself would): here each new TPP signs with a kid its software
  // JWKS lacks. The main TPP registers (the `register` baseline passes); the scenarios that
  // deactivate or suspend a TPP of their own must first see that TPP register.
  'new-tpp': {
    switches: {},
    target: (t) => ({
      ...t,
      directory: t.directory && {
        ...t.directory,
        newTpp: async (o) => {
          const m = await t.directory!.newTpp(o);
          return { ...m, signing: { ...m.signing, kid: 'not-in-the-software-jwks' } };
        },
      },
    }),
    refuses: 'every TPP onboarded during the run (a kid its software JWKS lacks)',
    blocked: ['SSA-software-deactivated', 'SSA-org-suspended'],
    inScenario: true,
  },
  // The consent endpoint's clock two hours ahead: every access token has expired there (401).
  consent: {
    switches: {},
    fault: { kind: 'clock_skew', endpoints: ['consents'], skewSeconds: 2 * HOUR, count: 1_000_000 },
    refuses: 'every account-access-consent call (401)',
    blocked: ['CONSENT-no-token', 'CONSENT-token-other-certificate', 'CONSENT-scope-without-accounts'],
    baseline: 'consent',
  },
  // A gateway looking the transport certificate up in the software JWKS: any certificate not
  // uploaded there is refused, expired or not, from the directory's CA or not.
  'certificate-in-jwks': {
    switches: { requireTransportCertInJwks: true },
    refuses: 'every transport certificate not uploaded to the software JWKS',
    blocked: ['CERT-expired', 'CERT-untrusted-issuer'],
    inScenario: true,
    passed: ['CERT-none'],
  },
};

let dir: string;
let sandbox: Sandbox;
const summaries: Record<string, RunSummary> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'obmock-twins-'));
  const banks: string[] = [];
  for (const [id, c] of Object.entries(CASES)) {
    const file = join(dir, `${id}.json`);
    await writeFile(
      file,
      JSON.stringify({
        name: `twins-${id}`,
        description: c.refuses,
        extends: 'ob-v3.3',
        switches: c.switches,
      }),
    );
    banks.push(`${id}=${file}`);
  }
  sandbox = await startSandbox({ banks, keyPoolSize: 6 });
  for (const [id, c] of Object.entries(CASES)) {
    if (c.fault) sandbox.faults.add(c.fault as never, id);
    const started = await sandbox.target(id);
    const target = c.target ? c.target(started) : started;
    const ids = new Set([...c.blocked, ...(c.passed ?? [])]);
    summaries[id] = await runCatalogue(
      CATALOGUE.filter((s) => ids.has(s.id)),
      { ...target, hints: { ...target.hints, ...c.hints }, revocationWaitMs: 3000 },
      { concurrency: 2 },
    );
    console.log(
      `${id}: ${summaries[id].results.map((r) => `${r.id} ${r.outcome}${r.outcome === 'passed' ? '' : ` (${r.reason?.slice(0, 160)})`}`).join('\n  ')}`,
    );
  }
}, 600_000);

afterAll(async () => {
  await sandbox?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('negatives count only if their positive twin passed', () => {
  for (const [id, c] of Object.entries(CASES)) {
    it(`a bank refusing ${c.refuses}: ${c.blocked.join(', ')} blocked, not passed`, () => {
      const results = summaries[id].results;
      const line = (s: string) => {
        const r = results.find((x) => x.id === s);
        return `${s}: ${r?.outcome}`;
      };
      expect(c.blocked.map(line)).toEqual(c.blocked.map((s) => `${s}: blocked`));
      expect((c.passed ?? []).map(line)).toEqual((c.passed ?? []).map((s) => `${s}: passed`));
      for (const s of c.blocked) {
        const r = results.find((x) => x.id === s)!;
        if (c.inScenario) expect(r.reason, s).toMatch(/^its positive twin failed: /);
        else expect(r.reason, s).toMatch(/^its baseline failed/);
        if (c.baseline) expect(r.baseline, s).toBe(c.baseline);
      }
      if (c.baseline) {
        const b = summaries[id].baselines?.find((x) => x.id === c.baseline);
        expect(b?.ok).toBe(false);
        expect([...(b?.blocked ?? [])].sort()).toEqual([...c.blocked].sort());
      }
    });
  }

  it('the management bank: the blocking baselines are the operations, each refused with 401', () => {
    const b = summaries.management.baselines ?? [];
    for (const id of ['management-get', 'management-put', 'management-delete']) {
      const x = b.find((y) => y.id === id);
      expect(x?.ok, id).toBe(false);
      expect(x?.reason, id).toMatch(/answered 401/);
    }
  });
});

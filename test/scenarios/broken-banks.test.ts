import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE, runCatalogue, type Sandbox, startSandbox } from '../../scenarios/index.js';
import type { RunSummary } from '../../scenarios/types.js';

/**
 * The harness catches bugs: banks each broken by ONE profile switch, and the
 * catalogue must fail exactly the scenarios of the broken rule — no more (an
 * unrelated failure means a scenario changes more than one thing), no less.
 */
const BROKEN: Record<string, { switches: Record<string, unknown>; fails: Record<string, RegExp> }> = {
  rs256: {
    switches: { signingAlgs: ['PS256', 'ES256', 'RS256'] },
    fails: { 'DCR-004-rs256': /answered 201; expected 400/ },
  },
  aud: {
    switches: { audience: 'any' },
    fails: { 'REG-AUD-wrong': /answered 201; expected 400/ },
  },
  redirects: {
    switches: { checkRedirectUris: false },
    fails: {
      'DCR-FORK-redirect-not-in-ssa': /answered 201; expected 400/,
      'REG-REDIRECT-http': /answered 201; expected 400/,
      'REG-REDIRECT-localhost': /answered 201; expected 400/,
      'REG-REDIRECT-not-in-ssa': /answered 201; expected 400/,
      'MGMT-PUT-redirect-not-in-ssa': /answered 200; expected 400/,
    },
  },
  binding: {
    switches: { checkCertificateBinding: false },
    fails: {
      // The bank skips the binding check, so the next check (the subject DN) refuses instead.
      'CERT-other-organisation': /expected error unapproved_software_statement, got invalid_client_metadata/,
      'CERT-token-other-organisation': /answered 200; expected 401/,
    },
  },
};

let dir: string;
let sandbox: Sandbox;
const summaries: Record<string, RunSummary> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'obmock-broken-'));
  const banks: string[] = [];
  for (const [id, broken] of Object.entries(BROKEN)) {
    const file = join(dir, `${id}.json`);
    await writeFile(
      file,
      JSON.stringify({
        name: `broken-${id}`,
        description: `ob-v3.3 broken: ${id}`,
        extends: 'ob-v3.3',
        switches: broken.switches,
      }),
    );
    banks.push(`${id}=${file}`);
  }
  sandbox = await startSandbox({ banks, keyPoolSize: 8 });
  // The banks are independent (faults too are per bank): the four runs go side by side.
  await Promise.all(
    Object.keys(BROKEN).map(async (id) => {
      summaries[id] = await runCatalogue(CATALOGUE, await sandbox.target(id), { concurrency: 2 });
    }),
  );
}, 240_000);

afterAll(async () => {
  await sandbox?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the catalogue against banks broken by one profile switch', () => {
  for (const [id, broken] of Object.entries(BROKEN)) {
    it(`${id} (${JSON.stringify(broken.switches)}): exactly the scenarios of that rule fail, naming it`, () => {
      const failed = summaries[id].results.filter((r) => r.outcome === 'failed');
      expect(failed.map((r) => r.id).sort()).toEqual(Object.keys(broken.fails).sort());
      for (const r of failed) expect(r.reason, r.id).toMatch(broken.fails[r.id]);
      for (const r of summaries[id].results.filter((x) => x.outcome === 'skipped'))
        expect(r.reason, r.id).toBeTruthy();
    });
  }
});

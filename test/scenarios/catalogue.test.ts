import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedProfileNames } from '../../aspsp-mock/index.js';
import { useKeyCache } from '../../certs/index.js';
import { catalogueRsaKeys } from '../../scenarios/catalogue/own-rsa-keys.js';
import { CATALOGUE, runCatalogue, type Sandbox, startSandbox } from '../../scenarios/index.js';
import type { RunSummary } from '../../scenarios/types.js';

const CONFORMANCE_CASES = [1, 2, 3, 4, 5, 7, 8, 9, 10, 11].map((n) => `DCR-${String(n).padStart(3, '0')}`);

// As `obmock scenarios` runs it: no key pool, every RSA key counted and started at boot, and
// an empty key cache, whose files are the RSA keys the run asked for.
const keyCache = mkdtempSync(join(tmpdir(), 'obmock-catalogue-keys-'));
const ownKeys = catalogueRsaKeys(CATALOGUE, { main: 'PS256', others: 'ES256' });
let sandbox: Sandbox;
let summary: RunSummary;
beforeAll(async () => {
  sandbox = await startSandbox({
    profileBanks: shippedProfileNames(),
    keyPoolSize: 0,
    keyCacheDir: keyCache,
    extraRsaKeys: 2 + ownKeys,
  });
  summary = await runCatalogue(CATALOGUE, await sandbox.target());
}, 120_000);
afterAll(async () => {
  await sandbox?.stop();
  useKeyCache(undefined);
  rmSync(keyCache, { recursive: true, force: true });
});

describe('the scenario catalogue against the default sandbox (with a bank per shipped profile)', () => {
  it('has unique ids, a reference and a tag for every scenario, and at least 70 scenarios', () => {
    const ids = CATALOGUE.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(70);
    for (const s of CATALOGUE) {
      expect(s.reference.length, s.id).toBeGreaterThan(5);
      expect(s.tags.length, s.id).toBeGreaterThan(0);
    }
  });

  it('runs green: nothing fails, warns or is blocked, and nothing is skipped without a reason', () => {
    const flagged = summary.results
      .filter((r) => r.outcome !== 'passed' && r.outcome !== 'skipped')
      .map((r) => `${r.id} ${r.outcome}: ${r.reason}`);
    expect(flagged).toEqual([]);
    expect(summary.baselines?.every((b) => b.ok)).toBe(true);
    expect(summary.results).toHaveLength(CATALOGUE.length);
    expect(summary.passed + summary.skipped).toBe(CATALOGUE.length);
    for (const r of summary.results.filter((x) => x.outcome === 'skipped'))
      expect(r.reason, r.id).toBeTruthy();
    expect(summary.passed).toBeGreaterThan(CATALOGUE.length * 0.9);
  });

  it('passes every public conformance case DCR-001 … DCR-011 (there is no DCR-006)', () => {
    for (const id of CONFORMANCE_CASES) {
      const results = summary.results.filter((r) => r.conformanceCase === id);
      expect(results.length, id).toBeGreaterThan(0);
      for (const r of results) expect(r.outcome, `${r.id}: ${r.reason ?? ''}`).toBe('passed');
    }
    expect(summary.results.some((r) => r.conformanceCase === 'DCR-006')).toBe(false);
  });

  it('makes exactly the RSA keys the run counts (own-rsa-keys.ts), started at boot', () => {
    // the boot's 5 (root, issuing CA, SSA key, the banks' TLS key, the default bank's OBSeal: the
    // profile banks' are EC), the main TPP's 2, and every key the scenarios make for themselves
    const made = readdirSync(keyCache).filter((f) => /^rsa-2048-\d+\.pem$/.test(f));
    expect(made.length).toBe(5 + 2 + ownKeys);
    expect(ownKeys).toBe(14);
  });

  it('passes the happy path of every shipped bank profile', () => {
    for (const profile of shippedProfileNames()) {
      const r = summary.results.find((x) => x.id === `PROFILE-${profile}`);
      expect(r?.outcome, `${profile}: ${r?.reason ?? ''}`).toBe('passed');
    }
  });
});

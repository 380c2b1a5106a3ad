import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE, runCatalogue, type Sandbox, startSandbox } from '../../scenarios/index.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
}, 60_000);
afterAll(async () => {
  await sandbox?.stop();
});

describe('the scenario catalogue against the default sandbox', () => {
  it('has unique ids, a reference and a tag for every scenario', () => {
    const ids = CATALOGUE.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of CATALOGUE) {
      expect(s.reference.length, s.id).toBeGreaterThan(5);
      expect(s.tags.length, s.id).toBeGreaterThan(0);
    }
  });

  it('runs green: nothing fails, and nothing is skipped without a reason', async () => {
    const summary = await runCatalogue(CATALOGUE, await sandbox.target());
    const failed = summary.results.filter((r) => r.outcome === 'failed').map((r) => `${r.id}: ${r.reason}`);
    expect(failed).toEqual([]);
    expect(summary.passed + summary.skipped).toBe(CATALOGUE.length);
    for (const r of summary.results.filter((x) => x.outcome === 'skipped'))
      expect(r.reason, r.id).toBeTruthy();
    expect(summary.passed).toBeGreaterThan(CATALOGUE.length * 0.8);
  }, 180_000);
});

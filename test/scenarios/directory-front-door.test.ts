import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryFrontDoor } from '../../scenarios/catalogue/directory-front-door.js';
import { runCatalogue, type Sandbox, startSandbox } from '../../scenarios/index.js';
import type { Target } from '../../scenarios/target.js';
import type { RunSummary } from '../../scenarios/types.js';

/**
 * The directory scenarios that onboard through the directory's OAuth front
 * door, against the sandbox: they pass, with the steps the issue asks for;
 * without an obmock directory they are skipped with the reason, never passed.
 */
let sandbox: Sandbox;
let target: Target;
let summary: RunSummary;
beforeAll(async () => {
  sandbox = await startSandbox({ keyPoolSize: 4 });
  target = await sandbox.target();
  summary = await runCatalogue(directoryFrontDoor, target);
}, 120_000);
afterAll(async () => {
  await sandbox?.stop();
});

const result = (id: string) => summary.results.find((r) => r.id === id);

describe('directory front-door scenarios', () => {
  it('all pass against the sandbox', () => {
    expect(summary.results.map((r) => [r.id, r.outcome, r.reason ?? ''])).toEqual(
      directoryFrontDoor.map((s) => [s.id, 'passed', '']),
    );
  });

  it('DIR-OAUTH-onboard uses the admin token once, then the OAuth token over the OBWAC up to a registration', () => {
    const steps = result('DIR-OAUTH-onboard')?.steps ?? [];
    const exchanges = steps.flatMap((s) => s.exchanges);
    const adminCalls = exchanges.filter((e) => e.url.includes('/admin/'));
    expect(adminCalls.map((e) => `${e.method} ${new URL(e.url).pathname}`)).toEqual([
      'POST /admin/organisations',
    ]);
    expect(
      exchanges.some((e) => e.method === 'POST' && e.url.endsWith('/as/token.oauth2') && e.status === 200),
    ).toBe(true);
    expect(
      exchanges
        .filter((e) => /software-statement-assertion$/.test(new URL(e.url).pathname))
        .map((e) => e.status),
    ).toEqual([200]);
    const registration = exchanges.find(
      (e) => e.method === 'POST' && /\/register$/.test(new URL(e.url).pathname),
    );
    expect(registration?.status).toBe(201);
  });

  it('DIR-OAUTH-wrong-scope saw 403 insufficient_scope; DIR-OAUTH-other-certificate saw 401 invalid_token', () => {
    const statuses = (id: string) =>
      (result(id)?.steps ?? []).flatMap((s) => s.exchanges).map((e) => `${e.method} ${e.status}`);
    expect(statuses('DIR-OAUTH-wrong-scope')).toContain('POST 403');
    expect(statuses('DIR-OAUTH-other-certificate')).toContain('GET 401');
  });

  it('without an obmock directory (a foreign target) they are skipped with the reason', async () => {
    const foreign = await runCatalogue(directoryFrontDoor, { ...target, directory: undefined });
    for (const r of foreign.results) {
      expect(r.outcome, r.id).toBe('skipped');
      expect(r.reason).toMatch(/directory/);
    }
  });
});

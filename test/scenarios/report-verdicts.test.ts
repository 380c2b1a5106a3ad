import { describe, expect, it } from 'vitest';
import { runScenario, type Scenario, type Target } from '../../scenarios/index.js';
import { consoleProgress } from '../../scenarios/reporters/console.js';
import { toHtmlReport } from '../../scenarios/reporters/html.js';
import { toJsonReport } from '../../scenarios/reporters/json.js';
import { toJUnitXml } from '../../scenarios/reporters/junit.js';
import type { RunSummary, ScenarioResult } from '../../scenarios/types.js';
import type { Discovery } from '../../tpp-client/index.js';

/** No call leaves the process: the scenarios below only take steps and check. */
const target = {
  name: 'offline',
  discoveryUrl: 'https://bank.invalid/.well-known/openid-configuration',
  hints: {},
  material: {
    organisationId: 'org',
    softwareStatementId: 'ss',
    transport: { certPem: '', keyPem: '', kid: 't' },
    signing: { keyPem: '', kid: 's', certPem: '', alg: 'PS256' },
    ssa: 'a.b.c',
    caBundlePem: '',
  },
} as unknown as Target;
const discovery = {
  issuer: 'https://bank.invalid',
  registration_endpoint: 'https://bank.invalid/register',
  token_endpoint: 'https://bank.invalid/token',
} as Discovery;

const scenario = (id: string, rules: string[], failAt: 'step' | 'after'): Scenario => ({
  id,
  title: id,
  reference: 'test',
  rules,
  tags: ['test'],
  async run(t) {
    await t.step('first step', async () => undefined);
    await t.step('second step', async () => {
      if (failAt === 'step') t.fail('the bank answered 201; expected 400');
    });
    await t.step('third step', async () => undefined);
    t.fail('the bank answered 201; expected 400');
  },
});

function summaryOf(results: ScenarioResult[]): RunSummary {
  const n = (o: string) => results.filter((r) => r.outcome === o).length;
  return {
    target: 'offline',
    startedAt: new Date(0).toISOString(),
    durationMs: 1,
    passed: n('passed'),
    failed: n('failed'),
    warnings: n('warning'),
    skipped: n('skipped'),
    blocked: n('blocked'),
    results,
  };
}

describe('verdicts in the results and every report', () => {
  it('a MUST not met fails, marking the step that failed (not the others) with level and quoted rule', async () => {
    const r = await runScenario(scenario('M', ['reg.redirect-subset'], 'step'), target, discovery);
    expect(r.outcome).toBe('failed');
    expect(r.steps.map((s) => s.ok)).toEqual([true, false]);
    expect(r.steps[1].expectation).toMatchObject({ level: 'MUST', rule: { id: 'reg.redirect-subset' } });
    const json = JSON.parse(toJsonReport(summaryOf([r])));
    expect(json.scenarios[0].steps[1].ok).toBe(false);
    expect(json.scenarios[0].steps[1].expectation.rule.quote).toMatch(
      /be a subset of the redirect URIs in the SSA/,
    );
    expect(json.scenarios[0].steps[0].ok).toBe(true);
    const html = toHtmlReport(summaryOf([r]));
    expect(html).toMatch(/<li class="step bad">.*second step/);
    expect(html).toMatch(/Expected \(MUST\):<\/b> the bank answered 201; expected 400/);
    expect(html).toMatch(/be a subset of the redirect URIs in the SSA/);
    expect(toJUnitXml(summaryOf([r]))).toMatch(
      /Expected \(MUST\): the bank answered 201[\s\S]*Rule reg\.redirect-subset/,
    );
    expect(consoleProgress(r)).toMatch(/\[MUST reg\.redirect-subset, /);
  });

  it('a check after the last step marks that last step', async () => {
    const r = await runScenario(scenario('A', ['reg.redirect-subset'], 'after'), target, discovery);
    expect(r.outcome).toBe('failed');
    expect(r.steps.map((s) => s.ok)).toEqual([true, true, false]);
    expect(r.steps[2].expectation?.message).toBe('the bank answered 201; expected 400');
  });

  it('a MAY not met is a warning: a passing JUnit testcase that carries the warning text', async () => {
    const r = await runScenario(scenario('W', ['reg.request-aud'], 'after'), target, discovery);
    expect(r.outcome).toBe('warning');
    expect(r.expectation?.level).toBe('MAY');
    const xml = toJUnitXml(summaryOf([r]));
    expect(xml).toMatch(/failures="0" errors="0" skipped="0"/);
    expect(xml).not.toMatch(/<failure/);
    expect(xml).toMatch(/<system-out>WARNING: MAY: the bank answered 201; expected 400 — reg\.request-aud/);
    expect(toHtmlReport(summaryOf([r]))).toMatch(/! WARNING/);
  });

  it('an unmet need skips, naming it', async () => {
    const r = await runScenario(
      { ...scenario('S', ['consent.create'], 'step'), needs: ['consents'] },
      target,
      discovery,
    );
    expect(r.outcome).toBe('skipped');
    expect(r.reason).toMatch(/consents \(set hints\.resourceBaseUrl\)/);
  });
});

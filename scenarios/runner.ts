import { createHttpClient, type Discovery, fetchDiscovery } from '../tpp-client/index.js';
import { ExpectationFailed, ScenarioContext, Skipped } from './context.js';
import type { Target } from './target.js';
import type { RunSummary, Scenario, ScenarioResult } from './types.js';

export interface RunOptions {
  /** Scenarios run at once (they are independent); default 4. */
  concurrency?: number;
  /** Called as each scenario finishes (progress output). */
  onResult?: (r: ScenarioResult) => void;
  /** Per-scenario deadline, ms; default 60 s. */
  timeoutMs?: number;
}

async function discover(target: Target): Promise<Discovery> {
  const http = createHttpClient({
    ca: target.material.caBundlePem,
    cert: target.material.transport.certPem,
    key: target.material.transport.keyPem,
    timeoutMs: 10_000,
  });
  try {
    return await fetchDiscovery(http, target.discoveryUrl);
  } finally {
    await http.close();
  }
}

/** Runs one scenario: unmet needs skip it; a failed check fails it; anything thrown fails it with the message. */
export async function runScenario(
  scenario: Scenario,
  target: Target,
  discovery: Discovery,
  timeoutMs = 60_000,
): Promise<ScenarioResult> {
  const started = Date.now();
  const t = new ScenarioContext(target, discovery);
  const base = {
    id: scenario.id,
    title: scenario.title,
    reference: scenario.reference,
    ...(scenario.conformanceCase ? { conformanceCase: scenario.conformanceCase } : {}),
    tags: scenario.tags,
  };
  const unmet = (scenario.needs ?? []).filter((n) => !t.has(n));
  if (unmet.length > 0) {
    return {
      ...base,
      outcome: 'skipped',
      reason: `the target does not offer: ${unmet.join(', ')}`,
      durationMs: 0,
      steps: [],
    };
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      scenario.run(t),
      new Promise((_r, reject) => {
        timer = setTimeout(
          () => reject(new ExpectationFailed(`no result within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
    return { ...base, outcome: 'passed', durationMs: Date.now() - started, steps: t.steps };
  } catch (err) {
    const outcome = err instanceof Skipped ? 'skipped' : 'failed';
    const reason =
      err instanceof ExpectationFailed || err instanceof Skipped
        ? err.message
        : `error: ${(err as Error).message}`;
    return { ...base, outcome, reason, durationMs: Date.now() - started, steps: t.steps };
  } finally {
    clearTimeout(timer);
    await t.close();
  }
}

/** Scenarios with this tag change the bank for everyone (e.g. faults): they run alone, after the others. */
export const SERIAL_TAG = 'serial';

/**
 * Runs scenarios against the target, `concurrency` at a time, then the `serial`-tagged ones
 * one by one with nothing else running; results are in catalogue order.
 */
export async function runCatalogue(
  scenarios: Scenario[],
  target: Target,
  opts: RunOptions = {},
): Promise<RunSummary> {
  const startedAt = new Date();
  const discovery = await discover(target);
  const results: ScenarioResult[] = new Array(scenarios.length);
  const run = async (i: number): Promise<void> => {
    results[i] = await runScenario(scenarios[i], target, discovery, opts.timeoutMs);
    opts.onResult?.(results[i]);
  };
  const indices = scenarios.map((_s, i) => i);
  const parallel = indices.filter((i) => !scenarios[i].tags.includes(SERIAL_TAG));
  const serial = indices.filter((i) => scenarios[i].tags.includes(SERIAL_TAG));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < parallel.length) await run(parallel[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
  for (const i of serial) await run(i);
  const count = (o: ScenarioResult['outcome']) => results.filter((r) => r.outcome === o).length;
  return {
    target: target.name,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    results,
  };
}

import {
  checkEndpointAddresses,
  createHttpClient,
  type Discovery,
  fetchDiscovery,
} from '../tpp-client/index.js';
import { adviceFor, BASELINES, type Baseline } from './baselines.js';
import { boundedMessage } from './bounded-message.js';
import { specRule, strongestLevel } from './catalogue/spec-rules.js';
import { Blocked, ExpectationFailed, ScenarioContext, Skipped } from './context.js';
import { deleteRunClients } from './delete-run-clients.js';
import { blockedByGuessedAudience, guessedAudienceProblem, sentRegistration } from './guessed-audience.js';
import { learnTarget } from './learn-target.js';
import type { FailedExpectation, SpecRule, StepRecord } from './records.js';
import { RunClients } from './run-clients.js';
import type { Target } from './target.js';
import { discoveryHint, TargetError } from './target-errors.js';
import type { BaselineResult, Outcome, RunSummary, Scenario, ScenarioResult } from './types.js';

export interface RunOptions {
  /** Scenarios run at once (they are independent); default 4. */
  concurrency?: number;
  /** Called as each scenario finishes (progress output). */
  onResult?: (r: ScenarioResult) => void;
  /** Called once, before the scenarios, with what was learned from discovery and the hints in force. */
  onLearned?: (lines: string[]) => void;
  /** Per-scenario deadline, ms; default 60 s (plus the target's revocation wait). */
  timeoutMs?: number;
  /** Leave the clients the run registered at the bank (default: delete them when the run ends). */
  keepClients?: boolean;
}

/**
 * The target's discovery document (over the TPP's mutual TLS client), its hosts checked by name
 * (fetchDiscovery) and by the addresses they resolve to now (checkEndpointAddresses), so that a
 * document the TPP's connections would refuse stops the run before any scenario.
 */
export async function discover(target: Target): Promise<Discovery> {
  const http = createHttpClient({
    ca: target.material.caBundlePem,
    cert: target.material.transport.certPem,
    key: target.material.transport.keyPem,
    timeoutMs: 10_000,
    ...(target.lookup ? { lookup: target.lookup } : {}),
  });
  const allowedHosts = target.allowedHosts ?? [];
  try {
    const discovery = await fetchDiscovery(http, target.discoveryUrl, { allowedHosts });
    await checkEndpointAddresses(discovery, target.discoveryUrl, {
      allowedHosts,
      ...(target.lookup ? { lookup: target.lookup } : {}),
    });
    return discovery;
  } finally {
    await http.close();
  }
}

/** The step an unmet expectation belongs to: the one that threw, else (a check after the steps) the last. */
function markFailingStep(steps: StepRecord[], expectation: FailedExpectation): void {
  const step = steps.find((s) => !s.ok) ?? steps.at(-1);
  if (!step) return;
  step.ok = false;
  step.error ??= expectation.message;
  step.expectation = expectation;
}

function rulesOf(scenario: Scenario): SpecRule[] {
  return scenario.rules.map(specRule);
}

/**
 * Runs one scenario: unmet needs skip it; an unmet expectation fails it (MUST) or warns
 * (SHOULD/MAY: the level of the rule behind the expectation, by default the strongest of the
 * scenario's rules); anything else thrown fails it with the message.
 */
export async function runScenario(
  scenario: Scenario,
  target: Target,
  discovery: Discovery,
  timeoutMs = 60_000,
): Promise<ScenarioResult> {
  const started = Date.now();
  const t = new ScenarioContext(target, discovery);
  const rules = rulesOf(scenario);
  const level = strongestLevel(rules);
  const base = {
    id: scenario.id,
    title: scenario.title,
    reference: scenario.reference,
    rules,
    level,
    ...(scenario.baseline ? { baseline: scenario.baseline } : {}),
    ...(scenario.conformanceCase ? { conformanceCase: scenario.conformanceCase } : {}),
    tags: scenario.tags,
  };
  const unmet = (scenario.needs ?? []).filter((n) => !t.has(n));
  if (unmet.length > 0) {
    await t.close();
    return {
      ...base,
      outcome: 'skipped',
      reason: `the target does not offer: ${unmet.join(', ')}${unmet.includes('consents') ? ' (set hints.resourceBaseUrl)' : ''}`,
      durationMs: 0,
      steps: [],
    };
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = timeoutMs + (target.revocationWaitMs ?? 30_000);
  try {
    await Promise.race([
      scenario.run(t),
      new Promise((_r, reject) => {
        timer = setTimeout(() => reject(new ExpectationFailed(`no result within ${deadline} ms`)), deadline);
      }),
    ]);
    return { ...base, outcome: 'passed', durationMs: Date.now() - started, steps: t.steps };
  } catch (err) {
    if (err instanceof Skipped)
      return {
        ...base,
        outcome: 'skipped',
        reason: err.message,
        durationMs: Date.now() - started,
        steps: t.steps,
      };
    if (err instanceof Blocked)
      return {
        ...base,
        outcome: 'blocked',
        reason: `its positive twin failed: ${err.message}`,
        durationMs: Date.now() - started,
        steps: t.steps,
      };
    if (err instanceof ExpectationFailed) {
      const rule = err.rule ? specRule(err.rule) : rules.find((r) => r.level === level);
      const expectation: FailedExpectation = {
        message: err.message,
        level: rule?.level ?? level,
        ...(rule ? { rule } : {}),
      };
      markFailingStep(t.steps, expectation);
      const outcome: Outcome = expectation.level === 'MUST' ? 'failed' : 'warning';
      return {
        ...base,
        outcome,
        reason: err.message,
        expectation,
        durationMs: Date.now() - started,
        steps: t.steps,
      };
    }
    const message = `error: ${boundedMessage(String((err as Error)?.message ?? err))}`;
    markFailingStep(t.steps, { message, level: 'MUST' });
    return { ...base, outcome: 'failed', reason: message, durationMs: Date.now() - started, steps: t.steps };
  } finally {
    clearTimeout(timer);
    await t.close();
  }
}

/** Runs one baseline; `undefined` when the target lacks what it needs (its scenarios are skipped anyway). */
async function runBaseline(
  b: Baseline,
  target: Target,
  discovery: Discovery,
  timeoutMs: number,
): Promise<Omit<BaselineResult, 'blocked'> | undefined> {
  const probe: Scenario = {
    id: `baseline:${b.id}`,
    title: b.title,
    reference: '',
    rules: ['reg.accept-valid'],
    tags: [],
    ...(b.needs ? { needs: b.needs } : {}),
    run: b.run,
  };
  const r = await runScenario(probe, target, discovery, timeoutMs);
  if (r.outcome === 'skipped') return undefined;
  if (r.outcome === 'passed') return { id: b.id, title: b.title, ok: true };
  const reason = r.reason ?? 'failed';
  const advice = adviceFor(reason);
  return { id: b.id, title: b.title, ok: false, reason, ...(advice ? { advice } : {}) };
}

/** Scenarios with this tag change the bank for everyone (e.g. faults): they run alone, after the others. */
export const SERIAL_TAG = 'serial';

/**
 * Runs scenarios against the target: first what discovery tells (hints completed), then the
 * baselines the selected negative scenarios rest on, then the scenarios `concurrency` at a
 * time, then the `serial`-tagged ones one by one with nothing else running. A scenario whose
 * baseline failed is `blocked`, not run. Results are in catalogue order.
 */
export async function runCatalogue(
  scenarios: Scenario[],
  target: Target,
  opts: RunOptions = {},
): Promise<RunSummary> {
  const startedAt = new Date();
  let discovery: Discovery;
  try {
    discovery = await discover(target);
  } catch (err) {
    throw new TargetError(
      `${target.discoveryUrl} is not an OB discovery document: ${(err as Error).message}${discoveryHint(target.discoveryUrl)}`,
    );
  }
  const learned = await learnTarget(target, discovery);
  opts.onLearned?.(learned.lines);
  const clients = new RunClients();
  const effective: Target = { ...target, hints: learned.hints, clients };
  const timeoutMs = opts.timeoutMs ?? 60_000;

  const wanted = new Set(scenarios.map((s) => s.baseline).filter((b): b is string => b !== undefined));
  // With a guessed aud, whether the bank takes it decides what a refused registration means.
  if (learned.audienceGuessed && scenarios.length > 0) wanted.add('register');
  const baselines: BaselineResult[] = [];
  for (const b of BASELINES.filter((x) => wanted.has(x.id))) {
    const r = await runBaseline(b, effective, discovery, timeoutMs);
    if (r) baselines.push({ ...r, blocked: [] });
  }
  const failedBaseline = new Map(baselines.filter((b) => !b.ok).map((b) => [b.id, b]));
  const guessRefused = learned.audienceGuessed ? failedBaseline.get('register') : undefined;

  const results: ScenarioResult[] = new Array(scenarios.length);
  const run = async (i: number): Promise<void> => {
    const s = scenarios[i];
    const blocker = s.baseline ? failedBaseline.get(s.baseline) : undefined;
    const ctx = new ScenarioContext(effective, discovery);
    const unmet = (s.needs ?? []).filter((n) => !ctx.has(n));
    await ctx.close();
    if (blocker && unmet.length === 0) {
      blocker.blocked.push(s.id);
      const rules = rulesOf(s);
      results[i] = {
        id: s.id,
        title: s.title,
        reference: s.reference,
        rules,
        level: strongestLevel(rules),
        baseline: blocker.id,
        ...(s.conformanceCase ? { conformanceCase: s.conformanceCase } : {}),
        tags: s.tags,
        outcome: 'blocked',
        reason: `its baseline failed (${blocker.title}): ${blocker.reason ?? ''}`,
        durationMs: 0,
        steps: [],
      };
    } else {
      const r = await runScenario(s, effective, discovery, timeoutMs);
      if (guessRefused && r.outcome === 'failed' && sentRegistration(r, discovery)) {
        guessRefused.blocked.push(r.id);
        results[i] = blockedByGuessedAudience(r, guessRefused);
      } else results[i] = r;
    }
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
  const cleanup = opts.keepClients
    ? undefined
    : await deleteRunClients(clients, target.lookup ? { lookup: target.lookup } : {});
  const count = (o: Outcome) => results.filter((r) => r.outcome === o).length;
  return {
    target: target.name,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    passed: count('passed'),
    failed: count('failed'),
    warnings: count('warning'),
    skipped: count('skipped'),
    blocked: count('blocked'),
    learned: learned.lines,
    baselines,
    results,
    ...(guessRefused && results.some((r) => r.outcome === 'blocked')
      ? {
          configurationProblem: guessedAudienceProblem(
            learned.hints.audience,
            results.filter((r) => r.outcome === 'blocked').length,
          ),
        }
      : {}),
    ...(cleanup ? { cleanup } : {}),
  };
}

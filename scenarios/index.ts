export { BASELINES } from './baselines.js';
export { CATALOGUE } from './catalogue/index.js';
export { renderRuleTable } from './catalogue/rule-table.js';
export { SPEC_RULES as specRules, specRule } from './catalogue/spec-rules.js';
export { ExpectationFailed, type RequestOptions, ScenarioContext, ScenarioTpp, Skipped } from './context.js';
export { hintsFromSettings } from './hints.js';
export { type RunOptions, runCatalogue, runScenario } from './runner.js';
export { type Sandbox, type SandboxOptions, startSandbox } from './sandbox.js';
export { matches, selectScenarios } from './select.js';
export type { BankHints, DirectoryPowers, Target } from './target.js';
export { checkTargetUrl, TargetError, UsageError } from './target-errors.js';
export type {
  BaselineResult,
  Exchange,
  FailedExpectation,
  Level,
  Need,
  Outcome,
  RunSummary,
  Scenario,
  ScenarioResult,
  SpecRule,
  StepRecord,
} from './types.js';

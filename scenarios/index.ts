export { CATALOGUE } from './catalogue/index.js';
export { ExpectationFailed, type RequestOptions, ScenarioContext, ScenarioTpp, Skipped } from './context.js';
export { hintsFromSettings } from './hints.js';
export { type RunOptions, runCatalogue, runScenario } from './runner.js';
export { type Sandbox, type SandboxOptions, startSandbox } from './sandbox.js';
export { matches, selectScenarios } from './select.js';
export type { BankHints, DirectoryPowers, Target } from './target.js';
export type { Exchange, Need, Outcome, RunSummary, Scenario, ScenarioResult, StepRecord } from './types.js';

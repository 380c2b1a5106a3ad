/**
 * obmock's programmatic API: start a private sandbox in your own tests, onboard
 * TPPs, register at its banks with the TPP library, inject faults, or run the
 * scenario catalogue against any bank. docs/api.md lists it.
 *
 *   import { startSandbox, TppClient } from 'obmock';
 */

export {
  DISCOVERABLE_SWITCHES,
  type InferredProfile,
  inferProfile,
} from './aspsp-mock/profile/infer-profile.js';
export { loadProfile, type Profile, shippedProfileNames } from './aspsp-mock/profile/load-profile.js';
export { CATALOGUE } from './scenarios/catalogue/index.js';
export { SPEC_RULES as specRules } from './scenarios/catalogue/spec-rules.js';
export {
  type Diagnosis,
  type RankedVariant,
  ReproduceInputError,
  type ReproduceOptions,
  reproduce,
} from './scenarios/reproduce/index.js';
export { type RunOptions, runCatalogue } from './scenarios/runner.js';
export {
  type FaultSpec,
  type FaultView,
  type Sandbox,
  type SandboxBank,
  type SandboxFaults,
  type SandboxRegistration,
  type SandboxStartOptions,
  type SandboxStartOptions as SandboxOptions,
  startSandbox,
} from './scenarios/sandbox-api.js';
export { selectScenarios } from './scenarios/select.js';
export type { BankHints, Target } from './scenarios/target.js';
export type { Outcome, RunSummary, Scenario, ScenarioResult, SpecRule } from './scenarios/types.js';
export * from './tpp-client/index.js';

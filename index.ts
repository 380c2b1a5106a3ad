/**
 * obmock's programmatic API: start a private sandbox in your own tests, onboard
 * TPPs, register at its banks with the TPP library, or run the scenario
 * catalogue against any bank.
 *
 *   import { startSandbox, TppClient } from 'obmock';
 */
export { loadProfile, shippedProfileNames } from './aspsp-mock/index.js';
export {
  type BankHints,
  CATALOGUE,
  type RunSummary,
  runCatalogue,
  type Sandbox,
  type SandboxOptions,
  type Scenario,
  type ScenarioResult,
  type SpecRule,
  selectScenarios,
  specRules,
  startSandbox,
  type Target,
} from './scenarios/index.js';
export {
  buildRegistrationClaims,
  createHttpClient,
  type Discovery,
  onboardAtDirectory,
  type RegisteredClient,
  signRegistrationJwt,
  TppClient,
  type TppMaterial,
} from './tpp-client/index.js';

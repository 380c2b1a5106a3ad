export { createAspspApp, createBankRouter } from './app.js';
export {
  type AspspConfig,
  AspspConfigError,
  type BankDefinition,
  DEFAULT_BANK,
  resolveAspspConfig,
} from './config.js';
export type { BankContext } from './context.js';
export { BANK_LIMITS, type BankLimits, bankLimits } from './limits.js';
export { loadProfile, type Profile, ProfileError, shippedProfileNames } from './profile/load-profile.js';
export { SWITCH_NAMES, SWITCHES } from './profile/switches.js';
export { bankFromSpec, UnknownProfile } from './profiles.js';
export { type BankSettings, STRICT_OB_V33 } from './settings.js';
export { type RunningAspsp, type RunningBank, startAspsp } from './start.js';

import type { Scenario } from '../types.js';
import { conformance } from './conformance.js';
import { registerRules } from './register-rules.js';
import { token } from './token.js';

/** The whole catalogue, in report order. */
export const CATALOGUE: Scenario[] = [...conformance, ...registerRules, ...token];

import type { Scenario } from '../types.js';
import { certificates } from './certificates.js';
import { conformance } from './conformance.js';
import { consents } from './consents.js';
import { directoryFrontDoor } from './directory-front-door.js';
import { discovery } from './discovery.js';
import { faults } from './faults.js';
import { management } from './management.js';
import { profiles } from './profiles.js';
import { registerRules } from './register-rules.js';
import { rotation } from './rotation.js';
import { ssa } from './ssa.js';
import { token } from './token.js';

/** The whole catalogue, in report order. */
export const CATALOGUE: Scenario[] = [
  ...conformance,
  ...discovery,
  ...registerRules,
  ...ssa,
  ...certificates,
  ...token,
  ...management,
  ...consents,
  ...rotation,
  ...directoryFrontDoor,
  ...profiles,
  ...faults,
];

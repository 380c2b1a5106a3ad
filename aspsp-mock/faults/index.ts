export { faultAdminRouter } from './admin.js';
export { endpointOf } from './endpoint.js';
export { faultInjectingRouter, MALFORMED_BODY } from './inject.js';
export { createBankFaults } from './setup.js';
export {
  FAULT_ENDPOINTS,
  FAULT_KINDS,
  type Fault,
  type FaultEndpoint,
  type FaultKind,
  type FaultSpec,
  FaultSpecError,
} from './spec.js';
export { BankFaults, type FaultDecision, type FaultView, seededDraw } from './state.js';

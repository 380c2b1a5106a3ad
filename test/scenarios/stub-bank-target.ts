import type { Target } from '../../scenarios/target.js';
import type { TppAndStubBank } from '../tpp-client/helpers.js';

/**
 * The stub bank of `startTppAndStubBank` as a scenario target whose behaviour is chosen by the
 * first path segment of its discovery URL (`mode`), tested with the onboarded TPP's material.
 */
export const stubBankTarget = (setup: TppAndStubBank, mode: string): Target => ({
  name: mode,
  discoveryUrl: `${setup.stub.url}/${mode}/.well-known/openid-configuration`,
  hints: {},
  material: setup.material,
});

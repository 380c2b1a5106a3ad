import { startSandbox as startFullSandbox } from './sandbox.js';
import type { Sandbox, SandboxStartOptions } from './sandbox-types.js';

export type {
  FaultSpec,
  FaultView,
  Sandbox,
  SandboxBank,
  SandboxFaults,
  SandboxRegistration,
  SandboxStartOptions,
} from './sandbox-types.js';

/**
 * Boots a private sandbox in-process — directory, bank(s), optionally the TPP service — on
 * free loopback ports with a fresh data dir, for your own tests.
 */
export function startSandbox(opts: SandboxStartOptions = {}): Promise<Sandbox> {
  return startFullSandbox(opts);
}

import type { FaultSpec } from '../aspsp-mock/faults/spec.js';
import type { FaultView } from '../aspsp-mock/faults/state.js';
import type { LogLevel } from '../lib/logger.js';
import type { RegisterAtOptions, RegisterAtResult, TppClient } from '../tpp-client/tpp-client.js';
import type { Discovery, TppMaterial } from '../tpp-client/types.js';
import type { Target } from './target.js';

/**
 * The sandbox's types as the package exports them: plain data and functions, no server internals, so
 * its types check in a consumer project with `skipLibCheck: false`.
 */

export type { FaultSpec, FaultView };

export interface SandboxStartOptions {
  /** Banks to host, as `id=profile` (profile: a shipped name or a file); default one strict OB v3.3 bank `default`. */
  banks?: string[];
  /** Data dir; default a fresh temp dir, removed on stop() (and when the process is interrupted). */
  dataDir?: string;
  /** Start the TPP service too (default false: the library is enough for tests). */
  tppService?: boolean;
  logLevel?: LogLevel;
}

export interface SandboxBank {
  id: string;
  /** The bank's issuer URL. */
  issuer: string;
  /** The URL of its discovery document. */
  discovery: string;
  /** Its OB organisation id (the `aud` of registration requests). */
  orgId: string;
  /** The profile it runs (shipped name or file). */
  profile: string;
}

/** Fault injection, in-process: the same faults as `{issuer}/admin/faults` and `obmock bank fault` (docs/faults.md). */
export interface SandboxFaults {
  /** Adds a fault to a bank (default the first); throws on an invalid spec. Returns it with its id. */
  add(spec: FaultSpec, bankId?: string): FaultView;
  /** A bank's faults with their counters. */
  list(bankId?: string): FaultView[];
  /** Removes one fault; false when there was none with that id. */
  remove(faultId: string, bankId?: string): boolean;
  /** Removes every fault of a bank. */
  clear(bankId?: string): void;
}

/** What `sandbox.registerAt` did: the TPP's client (closed by `sandbox.stop()`), the bank and the bank's answer. */
export interface SandboxRegistration {
  tpp: TppClient;
  bank: Discovery;
  result: RegisterAtResult;
}

export interface Sandbox {
  directory: {
    url: string;
    keystoreUrl: string;
    adminToken: string;
    ca: { bundle: string; root: string; issuing: string; crl: string };
  };
  banks: SandboxBank[];
  tpp?: { url: string };
  /** PEM bundle of the sandbox CA (root + issuing): trust it in your HTTPS clients. */
  caBundle: string;
  dataDir: string;
  /**
   * A TPP onboarded at the directory: organisation, software statement, transport and
   * signing certificates, SSA. The statement lists `redirectUris` (default one https URI).
   */
  createTpp(opts?: { roles?: string[]; redirectUris?: string[] }): Promise<TppMaterial>;
  /**
   * One call: onboards a fresh TPP, discovers the bank (default the first) and registers
   * the way that bank's profile wants (media type, `aud`, DN form, spec version…).
   */
  registerAt(bankId?: string, opts?: RegisterAtOptions): Promise<SandboxRegistration>;
  faults: SandboxFaults;
  /** A scenario target for one of the hosted banks (for `runCatalogue`). */
  target(bankId?: string, material?: TppMaterial): Promise<Target>;
  stop(): Promise<void>;
}

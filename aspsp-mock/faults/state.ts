import { createHash } from 'node:crypto';
import {
  checkFaultSpec,
  type Fault,
  type FaultEndpoint,
  type FaultSpec,
  FaultSpecError,
  OUTCOME_KINDS,
} from './spec.js';

/**
 * The n-th draw (0, 1, 2…) of a seeded sequence, uniform in [0, 1): the first
 * 32 bits of SHA-256("<seed>:<n>"). The same seed always gives the same
 * sequence, whatever else the bank is doing.
 */
export function seededDraw(seed: number, n: number): number {
  return createHash('sha256').update(`${seed}:${n}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** A fault as the admin API lists it: the fault plus how far it has got. */
export interface FaultView extends Fault {
  /** Matching requests it was considered for (count faults: until spent). */
  matched: number;
  /** Requests it was applied to. */
  applied: number;
  /** Count faults: requests left before it is spent. */
  remaining?: number;
}

/** What the faults chosen for one request do to it. */
export interface FaultDecision {
  /** Faults applied to the request, in the order they were added. */
  applied: Fault[];
  /** Total delay before the response. */
  latencyMs: number;
  /** Total shift of the bank's clock for this request. */
  skewSeconds: number;
  /** The bank's fetch of the directory JWKS fails this way for this request. */
  directoryJwks?: 'unreachable' | 'garbage';
  /** The fault that decides the response (status, rate_limit, reset or a body rewrite). */
  outcome?: Fault;
}

/** Faults one bank holds at most (spent ones included, until deleted). */
export const MAX_FAULTS = 1000;

interface Entry {
  fault: Fault;
  matched: number;
  applied: number;
}

/**
 * The faults of one bank. Faults are considered in the order they were
 * added; a fault is only drawn for (its count spent, its sequence advanced)
 * when it could still change the request, so a count of N faults exactly N
 * requests.
 */
export class BankFaults {
  private entries: Entry[] = [];

  /** `initial` come from the bank definition; a bad one throws FaultSpecError naming its index. */
  constructor(initial: FaultSpec[] = []) {
    initial.forEach((spec, i) => {
      try {
        this.add(spec);
      } catch (err) {
        if (err instanceof FaultSpecError)
          throw new FaultSpecError(`faults[${i}].${err.field}`, `faults[${i}]: ${err.message}`);
        throw err;
      }
    });
  }

  list(): FaultView[] {
    return this.entries.map((e) => this.view(e));
  }

  get(id: string): FaultView | undefined {
    const e = this.entries.find((x) => x.fault.id === id);
    return e && this.view(e);
  }

  /** Checks and stores a fault; throws FaultSpecError (naming the field) when it is not valid. */
  add(spec: unknown): FaultView {
    const fault = checkFaultSpec(spec);
    if (this.entries.length >= MAX_FAULTS)
      throw new FaultSpecError('faults', `a bank holds at most ${MAX_FAULTS} faults; delete some first`);
    if (this.entries.some((e) => e.fault.id === fault.id))
      throw new FaultSpecError('id', `id '${fault.id}' is already used by another fault`);
    const entry = { fault, matched: 0, applied: 0 };
    this.entries.push(entry);
    return this.view(entry);
  }

  remove(id: string): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.fault.id !== id);
    return this.entries.length < before;
  }

  clear(): void {
    this.entries = [];
  }

  /** No fault at all (spent ones count): no request can get one, nothing to decide. */
  get empty(): boolean {
    return this.entries.length === 0;
  }

  /** Any fault limited to one client certificate? (Only then is the request's thumbprint needed.) */
  get scoped(): boolean {
    return this.entries.some((e) => e.fault.clientCertificate !== undefined);
  }

  /**
   * Chooses the faults for one request to `endpoint`, consuming counts and draws; `certificate`:
   * the x5t#S256 of the client certificate the request presents, for faults limited to one.
   */
  decide(endpoint: FaultEndpoint, certificate?: string): FaultDecision {
    const d: FaultDecision = { applied: [], latencyMs: 0, skewSeconds: 0 };
    for (const e of this.entries) {
      const f = e.fault;
      if (!f.endpoints.includes('*') && !f.endpoints.includes(endpoint)) continue;
      if (f.clientCertificate !== undefined && f.clientCertificate !== certificate) continue;
      if (f.count !== undefined && e.applied >= f.count) continue;
      const isOutcome = OUTCOME_KINDS.includes(f.kind);
      if (isOutcome && d.outcome) continue;
      if (f.kind.startsWith('directory_jwks_') && d.directoryJwks) continue;
      const n = e.matched++;
      const hit = f.count !== undefined || seededDraw(f.seed ?? 0, n) < (f.probability ?? 0);
      if (!hit) continue;
      e.applied++;
      d.applied.push(f);
      d.latencyMs += f.latencyMs ?? 0;
      if (isOutcome) d.outcome = f;
      else if (f.kind === 'clock_skew') d.skewSeconds += f.skewSeconds ?? 0;
      else if (f.kind === 'directory_jwks_unreachable') d.directoryJwks = 'unreachable';
      else if (f.kind === 'directory_jwks_garbage') d.directoryJwks = 'garbage';
    }
    return d;
  }

  private view(e: Entry): FaultView {
    return {
      ...e.fault,
      matched: e.matched,
      applied: e.applied,
      ...(e.fault.count !== undefined ? { remaining: e.fault.count - e.applied } : {}),
    };
  }
}

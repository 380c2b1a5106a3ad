import type { ClientLedger, RunClient } from './target.js';

/** Clients a run keeps track of at most; past this, further ones are left at the bank. */
export const MAX_RUN_CLIENTS = 10_000;

/**
 * The clients a catalogue run registered and did not delete itself, by client_id (a bank that
 * returns the existing client for a software is listed once), so that the run can delete them
 * when it ends (deleteRunClients).
 */
export class RunClients implements ClientLedger {
  private readonly byId = new Map<string, RunClient>();
  private readonly retired = new Set<string>();
  /** Clients past MAX_RUN_CLIENTS, not kept. */
  untracked = 0;

  add(entry: RunClient): void {
    const id = entry.client.client_id;
    if (typeof id !== 'string' || id === '') return;
    if (this.byId.has(id) || this.byId.size < MAX_RUN_CLIENTS) this.byId.set(id, entry);
    else this.untracked++;
  }

  /** A client a scenario deleted. */
  forget(clientId: string): void {
    this.byId.delete(clientId);
  }

  retire(transportCertPem: string): void {
    if (this.retired.size < MAX_RUN_CLIENTS) this.retired.add(transportCertPem);
  }

  /** Whether the client was registered over a transport certificate a scenario revoked. */
  isRetired(entry: RunClient): boolean {
    return this.retired.has(entry.material.transport.certPem);
  }

  get size(): number {
    return this.byId.size;
  }

  values(): RunClient[] {
    return [...this.byId.values()];
  }
}

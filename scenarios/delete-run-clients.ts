import type { LookupFunction } from 'node:net';
import { createHttpClient, deleteRegisteredClient } from '../tpp-client/index.js';
import { boundedMessage } from './bounded-message.js';
import type { RunClients } from './run-clients.js';
import type { RunClient } from './target.js';

/** What deleting a run's clients came to (the run's summary prints it). */
export interface ClientCleanup {
  /** Deleted, or already gone (404). */
  deleted: number;
  /** Left at the bank: its DELETE or the token for it was refused, or the time ran out. */
  left: number;
  /** Not deleted because the bank offers no DELETE (`managementOperations`). */
  noDelete: number;
  /**
   * Left: registered over a transport certificate a scenario revoked, and the bank refused to
   * manage them over it (as it should). A bank that still accepts the revoked certificate has
   * them deleted like any other.
   */
  revoked: number;
  /** Why they were left: each reason once, with how many clients it left (at most 5 reasons). */
  reasons: { reason: string; count: number }[];
}

export interface DeleteOptions {
  lookup?: LookupFunction;
  /** Deletions at once; default 4 (the scenarios' concurrency). */
  concurrency?: number;
  /** Time for the whole cleanup, ms; default 30 s. What is not done by then is left. */
  deadlineMs?: number;
  /** Per call, ms; default 10 s. */
  timeoutMs?: number;
}

const REASONS_KEPT = 5;

/**
 * Deletes every client a run registered and did not delete (RFC 7592 §2.3 / OB DCR DELETE
 * /register/{ClientId}), authenticated as the scenarios manage clients: the registration access
 * token when the bank issues them, else a client-credentials token of that client. Best effort:
 * a refusal leaves that client and is counted, never a verdict; nothing runs after the deadline.
 * Clients registered over a certificate a scenario revoked are tried too (a bank that does not
 * check revocation accepted them, and must not keep them run after run); refused, they count
 * as `revoked`, not as a refusal with a reason.
 */
export async function deleteRunClients(
  clients: RunClients,
  opts: DeleteOptions = {},
): Promise<ClientCleanup> {
  const out: ClientCleanup = { deleted: 0, left: 0, noDelete: 0, revoked: 0, reasons: [] };
  const deadline = Date.now() + (opts.deadlineMs ?? 30_000);
  const queue = clients.values().filter((c) => {
    const ops = c.hints.managementOperations ?? ['GET', 'PUT', 'DELETE'];
    if (ops.includes('DELETE')) return true;
    out.noDelete++;
    return false;
  });
  const leave = (c: RunClient, why: string) => {
    if (clients.isRetired(c)) {
      out.revoked++;
      return;
    }
    out.left++;
    const reason = boundedMessage(why);
    const seen = out.reasons.find((r) => r.reason === reason);
    if (seen) seen.count++;
    else if (out.reasons.length < REASONS_KEPT) out.reasons.push({ reason, count: 1 });
  };
  const one = async (c: RunClient): Promise<void> => {
    let http: ReturnType<typeof createHttpClient> | undefined;
    try {
      http = createHttpClient({
        ca: c.material.caBundlePem,
        cert: c.material.transport.certPem,
        key: c.material.transport.keyPem,
        timeoutMs: opts.timeoutMs ?? 10_000,
        ...(opts.lookup ? { lookup: opts.lookup } : {}),
      });
      const res = await deleteRegisteredClient({ http, discovery: c.discovery }, c.client, {
        ...(c.hints.managementScope ? { scope: c.hints.managementScope } : {}),
        signing: { keyPem: c.material.signing.keyPem, kid: c.material.signing.kid },
      });
      if (res.ok || (res.step === 'delete' && res.status === 404)) {
        out.deleted++;
        clients.forget(c.client.client_id);
      } else
        leave(
          c,
          res.step === 'token'
            ? `the token for it: ${res.status} ${res.error}`
            : `DELETE: ${res.status} ${res.error}`,
        );
    } catch (err) {
      leave(c, String((err as Error)?.message ?? err));
    } finally {
      await http?.close();
    }
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      const c = queue[next++];
      if (Date.now() > deadline) leave(c, 'the cleanup ran out of time');
      else await one(c);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
  return out;
}

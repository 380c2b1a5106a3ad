import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { SLICE_MS } from '../../lib/store/read-in-slices.js';
import { type BankContext, limitsOf } from '../context.js';
import { BANK_COLLECTIONS, type ConsentRecord } from '../model.js';
import { ownerIndex } from '../owner-index.js';

/** A consent as the index holds it while it is built: its creation time and id. */
type Dated = [at: string, id: string];

/**
 * client_id → its consents' ids, oldest first, per store: built on first use from the consents on
 * record (in slices, see {@link ownerIndex}; then each client's sorted by CreationDateTime, a
 * client at a time), then kept up by {@link keepConsent}.
 */
const index = ownerIndex<ConsentRecord, Map<string, string[]>>({
  collection: BANK_COLLECTIONS.consents,
  empty: () => new Map(),
  add: (i, _id, c) => {
    // the creation time rides along until finish() sorts on it
    const dated = `${c.CreationDateTime}\u0000${c.ConsentId}`;
    const list = i.get(c.client_id);
    if (list) list.push(dated);
    else i.set(c.client_id, [dated]);
  },
  async finish(i) {
    let sliceStart = performance.now();
    for (const [clientId, list] of i) {
      const pairs = list.map((s) => s.split('\u0000') as Dated);
      pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      i.set(
        clientId,
        pairs.map((p) => p[1]),
      );
      if (performance.now() - sliceStart > SLICE_MS) {
        await yieldToEventLoop();
        sliceStart = performance.now();
      }
    }
  },
});

/**
 * Stores a new consent and, when its client then has more than limits.consentsPerClient, deletes
 * the client's oldest ones (a GET of one then answers 404, as for any consent the bank does not
 * hold). The first call on a store waits for the index to be built. Resolves when every write is
 * durable.
 */
export async function keepConsent(ctx: BankContext, consent: ConsentRecord): Promise<void> {
  const consents = await index.ready(ctx.store);
  const ids = consents.get(consent.client_id) ?? [];
  ids.push(consent.ConsentId);
  consents.set(consent.client_id, ids);
  const writes = [ctx.store.put(BANK_COLLECTIONS.consents, consent.ConsentId, consent)];
  const over = ids.length - limitsOf(ctx).consentsPerClient;
  if (over > 0)
    for (const id of ids.splice(0, over)) writes.push(ctx.store.delete(BANK_COLLECTIONS.consents, id));
  await Promise.all(writes);
}

/**
 * Deletes the consents of a deleted client: no one can read or use them any more, and a TPP
 * registering, making consents and deleting its client in a loop would otherwise grow the bank
 * without end, each client below its own limit. Resolves when every delete is durable.
 */
export async function deleteClientConsents(ctx: BankContext, clientId: string): Promise<void> {
  const consents = await index.ready(ctx.store);
  const ids = consents.get(clientId) ?? [];
  consents.delete(clientId);
  await Promise.all(ids.map((id) => ctx.store.delete(BANK_COLLECTIONS.consents, id)));
}

import type { Store } from '../../lib/store/store.js';
import { type BankContext, limitsOf } from '../context.js';
import { BANK_COLLECTIONS, type ConsentRecord } from '../model.js';

/**
 * client_id → its consents' ids, oldest first, per store: built on first use from the consents on
 * record (by CreationDateTime), then kept up by {@link keepConsent}.
 */
const indexes = new WeakMap<Store, Map<string, string[]>>();

function indexOf(store: Store): Map<string, string[]> {
  let index = indexes.get(store);
  if (!index) {
    const byClient = new Map<string, ConsentRecord[]>();
    for (const [, c] of store.entries<ConsentRecord>(BANK_COLLECTIONS.consents)) {
      const list = byClient.get(c.client_id);
      if (list) list.push(c);
      else byClient.set(c.client_id, [c]);
    }
    index = new Map();
    for (const [clientId, list] of byClient) {
      list.sort((a, b) =>
        a.CreationDateTime < b.CreationDateTime ? -1 : a.CreationDateTime > b.CreationDateTime ? 1 : 0,
      );
      index.set(
        clientId,
        list.map((c) => c.ConsentId),
      );
    }
    indexes.set(store, index);
  }
  return index;
}

/**
 * Stores a new consent and, when its client then has more than limits.consentsPerClient, deletes
 * the client's oldest ones (a GET of one then answers 404, as for any consent the bank does not
 * hold). Resolves when every write is durable.
 */
export function keepConsent(ctx: BankContext, consent: ConsentRecord): Promise<void> {
  const index = indexOf(ctx.store);
  const ids = index.get(consent.client_id) ?? [];
  ids.push(consent.ConsentId);
  index.set(consent.client_id, ids);
  const writes = [ctx.store.put(BANK_COLLECTIONS.consents, consent.ConsentId, consent)];
  const over = ids.length - limitsOf(ctx).consentsPerClient;
  if (over > 0)
    for (const id of ids.splice(0, over)) writes.push(ctx.store.delete(BANK_COLLECTIONS.consents, id));
  return Promise.all(writes).then(() => undefined);
}

/**
 * Deletes the consents of a deleted client: no one can read or use them any more, and a TPP
 * registering, making consents and deleting its client in a loop would otherwise grow the bank
 * without end, each client below its own limit. Resolves when every delete is durable.
 */
export function deleteClientConsents(ctx: BankContext, clientId: string): Promise<void> {
  const index = indexOf(ctx.store);
  const ids = index.get(clientId) ?? [];
  index.delete(clientId);
  return Promise.all(ids.map((id) => ctx.store.delete(BANK_COLLECTIONS.consents, id))).then(() => undefined);
}

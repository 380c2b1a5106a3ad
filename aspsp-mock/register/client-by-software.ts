import type { Store } from '../../lib/store/store.js';
import { BANK_COLLECTIONS, type ClientRecord } from '../model.js';
import { ownerIndex } from '../owner-index.js';

/**
 * software_id → client_id (the usual case: one client per software) or the set
 * of them, per store; built on first use (in slices, see {@link ownerIndex}), then kept up by
 * {@link noteClient}.
 * A lone client_id is held as the string itself, so the index costs an entry a
 * software, not a Set (see docs/store.md, "Other per-record memory").
 */
type SoftwareIndex = Map<string, string | Set<string>>;

const indexes = ownerIndex<ClientRecord, SoftwareIndex>({
  collection: BANK_COLLECTIONS.clients,
  empty: () => new Map(),
  add: (index, id, client) => add(index, client.software_id, id),
});

function add(index: SoftwareIndex, softwareId: string, clientId: string): void {
  const ids = index.get(softwareId);
  if (ids === undefined || ids === clientId) index.set(softwareId, clientId);
  else if (typeof ids === 'string') index.set(softwareId, new Set([ids, clientId]));
  else ids.add(clientId);
}

/** Records that a client was written (created or updated); call with every client put. */
export function noteClient(store: Store, client: ClientRecord): void {
  indexes.change(store, (index) => add(index, client.software_id, client.client_id));
}

/**
 * Resolves once the store's index of clients by software is built (the first call starts one
 * pass over the clients on record, in slices). Await it before {@link clientOfSoftwareNow}.
 */
export async function clientsOfSoftwareReady(store: Store): Promise<void> {
  await indexes.ready(store);
}

/** {@link clientOfSoftwareNow} once the index is built. */
export async function clientOfSoftware(store: Store, softwareId: string): Promise<ClientRecord | undefined> {
  await indexes.ready(store);
  return clientOfSoftwareNow(store, softwareId);
}

/**
 * The client registered for this software, if any — without reading every
 * client (a bank that refuses or returns duplicates checks this on every
 * registration). Entries of deleted or changed clients are dropped as met.
 */
export function clientOfSoftwareNow(store: Store, softwareId: string): ClientRecord | undefined {
  const index = indexes.built(store);
  if (!index) throw new Error('the index of clients by software is not built yet');
  const ids = index.get(softwareId);
  if (ids === undefined) return undefined;
  for (const id of typeof ids === 'string' ? [ids] : ids) {
    const client = store.get<ClientRecord>(BANK_COLLECTIONS.clients, id);
    if (client && client.software_id === softwareId) return client;
    if (typeof ids === 'string') index.delete(softwareId);
    else ids.delete(id);
  }
  if (typeof ids !== 'string' && ids.size === 0) index.delete(softwareId);
  return undefined;
}

import type { Store } from '../../lib/store/store.js';
import { BANK_COLLECTIONS, type ClientRecord } from '../model.js';

/** software_id → client_ids, per store; built on first use, then kept up by {@link noteClient}. */
const indexes = new WeakMap<Store, Map<string, Set<string>>>();

function indexOf(store: Store): Map<string, Set<string>> {
  let index = indexes.get(store);
  if (!index) {
    index = new Map();
    for (const [id, client] of store.entries<ClientRecord>(BANK_COLLECTIONS.clients))
      add(index, client.software_id, id);
    indexes.set(store, index);
  }
  return index;
}

function add(index: Map<string, Set<string>>, softwareId: string, clientId: string): void {
  let ids = index.get(softwareId);
  if (!ids) {
    ids = new Set();
    index.set(softwareId, ids);
  }
  ids.add(clientId);
}

/** Records that a client was written (created or updated); call with every client put. */
export function noteClient(store: Store, client: ClientRecord): void {
  if (indexes.has(store)) add(indexOf(store), client.software_id, client.client_id);
}

/**
 * The client registered for this software, if any — without reading every
 * client (a bank that refuses or returns duplicates checks this on every
 * registration). Entries of deleted or changed clients are dropped as met.
 */
export function clientOfSoftware(store: Store, softwareId: string): ClientRecord | undefined {
  const index = indexOf(store);
  const ids = index.get(softwareId);
  if (!ids) return undefined;
  for (const id of ids) {
    const client = store.get<ClientRecord>(BANK_COLLECTIONS.clients, id);
    if (client && client.software_id === softwareId) return client;
    ids.delete(id);
  }
  if (ids.size === 0) index.delete(softwareId);
  return undefined;
}

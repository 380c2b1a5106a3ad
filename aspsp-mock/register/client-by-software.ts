import type { Store } from '../../lib/store/store.js';
import { BANK_COLLECTIONS, type ClientRecord } from '../model.js';

/**
 * software_id → client_id (the usual case: one client per software) or the set
 * of them, per store; built on first use, then kept up by {@link noteClient}.
 * A lone client_id is held as the string itself, so the index costs an entry a
 * software, not a Set (see docs/store.md, "Other per-record memory").
 */
type SoftwareIndex = Map<string, string | Set<string>>;

const indexes = new WeakMap<Store, SoftwareIndex>();

function indexOf(store: Store): SoftwareIndex {
  let index = indexes.get(store);
  if (!index) {
    index = new Map();
    for (const [id, client] of store.entries<ClientRecord>(BANK_COLLECTIONS.clients))
      add(index, client.software_id, id);
    indexes.set(store, index);
  }
  return index;
}

function add(index: SoftwareIndex, softwareId: string, clientId: string): void {
  const ids = index.get(softwareId);
  if (ids === undefined || ids === clientId) index.set(softwareId, clientId);
  else if (typeof ids === 'string') index.set(softwareId, new Set([ids, clientId]));
  else ids.add(clientId);
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

import type { Store } from '../../lib/store/store.js';
import { BANK_COLLECTIONS, type ClientRecord } from '../model.js';

/**
 * org_id → its clients' ids, per store: built on first use from the clients on record, then kept
 * up by {@link noteClientOfOrganisation}. A deleted client's id is dropped when next counted.
 */
type OrganisationIndex = Map<string, Set<string>>;

const indexes = new WeakMap<Store, OrganisationIndex>();

function indexOf(store: Store): OrganisationIndex {
  let index = indexes.get(store);
  if (!index) {
    index = new Map();
    for (const [id, client] of store.entries<ClientRecord>(BANK_COLLECTIONS.clients))
      add(index, client.org_id, id);
    indexes.set(store, index);
  }
  return index;
}

function add(index: OrganisationIndex, orgId: string, clientId: string): void {
  const ids = index.get(orgId);
  if (ids) ids.add(clientId);
  else index.set(orgId, new Set([clientId]));
}

/** Records that a client was created; call with every new client, before its write. */
export function noteClientOfOrganisation(store: Store, client: ClientRecord): void {
  add(indexOf(store), client.org_id, client.client_id);
}

/** Records that a client was deleted. */
export function forgetClientOfOrganisation(store: Store, client: ClientRecord): void {
  const ids = indexes.get(store)?.get(client.org_id);
  ids?.delete(client.client_id);
  if (ids?.size === 0) indexes.get(store)?.delete(client.org_id);
}

/**
 * Whether the organisation has fewer than `max` clients registered. The count is the index's;
 * only when it reaches `max` are the entries checked against the store (a client deleted some
 * other way is dropped then), so a registration reads no record until the organisation is full.
 */
export function organisationHasRoom(store: Store, orgId: string, max: number): boolean {
  const index = indexOf(store);
  const ids = index.get(orgId);
  if (!ids || ids.size < max) return true;
  for (const id of ids) {
    const client = store.get<ClientRecord>(BANK_COLLECTIONS.clients, id);
    if (!client || client.org_id !== orgId) ids.delete(id);
  }
  if (ids.size === 0) index.delete(orgId);
  return ids.size < max;
}

import type { Store } from '../../lib/store/store.js';
import { BANK_COLLECTIONS, type ClientRecord } from '../model.js';

/**
 * org_id → its clients' ids, per store: built on first use from the clients on record, then kept
 * up by {@link noteClientOfOrganisation}. A deleted client's id is dropped when next counted.
 * `checked` holds the organisations found full against the store since their set last changed,
 * each with the number of clients the store held then: while that number stands, their refusals
 * read no record.
 */
type OrganisationIndex = Map<string, Set<string>> & { checked?: Map<string, number> };

const indexes = new WeakMap<Store, OrganisationIndex>();

function indexOf(store: Store): OrganisationIndex {
  let index = indexes.get(store);
  if (!index) {
    index = Object.assign(new Map<string, Set<string>>(), { checked: new Map<string, number>() });
    for (const [id, client] of store.entries<ClientRecord>(BANK_COLLECTIONS.clients))
      add(index, client.org_id, id);
    indexes.set(store, index);
  }
  return index;
}

function add(index: OrganisationIndex, orgId: string, clientId: string): void {
  index.checked?.delete(orgId);
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
  const index = indexes.get(store);
  index?.checked?.delete(client.org_id);
  const ids = index?.get(client.org_id);
  ids?.delete(client.client_id);
  if (ids?.size === 0) indexes.get(store)?.delete(client.org_id);
}

/**
 * Whether the organisation has fewer than `max` clients registered. The count is the index's;
 * only when it reaches `max` are the entries checked against the store (a client deleted some
 * other way is dropped then), and again only once the organisation's clients or the number of
 * clients on file change: a registration reads no record until the organisation is full, and
 * the refusals that follow read none either, however many come.
 */
export function organisationHasRoom(store: Store, orgId: string, max: number): boolean {
  const index = indexOf(store);
  const ids = index.get(orgId);
  if (!ids || ids.size < max) return true;
  const total = clientsOnFile(store);
  if (total !== undefined && index.checked?.get(orgId) === total) return false;
  for (const id of ids) {
    const client = store.get<ClientRecord>(BANK_COLLECTIONS.clients, id);
    if (!client || client.org_id !== orgId) ids.delete(id);
  }
  if (ids.size === 0) index.delete(orgId);
  if (ids.size < max) return true;
  if (total !== undefined) index.checked?.set(orgId, total);
  return false;
}

/** The clients the store holds, when it counts them without reading them (the file store does). */
function clientsOnFile(store: Store): number | undefined {
  const count = (store as Partial<{ count(collection: string): number }>).count;
  return count ? count.call(store, BANK_COLLECTIONS.clients) : undefined;
}

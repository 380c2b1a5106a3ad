import type { Store } from '../../lib/store/store.js';
import { BANK_COLLECTIONS, type ClientRecord } from '../model.js';
import { ownerIndex } from '../owner-index.js';

/**
 * org_id → its clients' ids, per store: built on first use from the clients on record (in slices:
 * see {@link ownerIndex}), then kept up by {@link noteClientOfOrganisation}. A deleted client's id
 * is dropped when next counted. `checked` holds the organisations found full against the store
 * since their set last changed, each with the number of clients the store held then: while that
 * number stands, their refusals read no record.
 */
interface OrganisationIndex {
  ids: Map<string, Set<string>>;
  checked: Map<string, number>;
}

const index = ownerIndex<ClientRecord, OrganisationIndex>({
  collection: BANK_COLLECTIONS.clients,
  empty: () => ({ ids: new Map(), checked: new Map() }),
  add: (i, id, client) => add(i, client.org_id, id),
});

function add(i: OrganisationIndex, orgId: string, clientId: string): void {
  i.checked.delete(orgId);
  const ids = i.ids.get(orgId);
  if (ids) ids.add(clientId);
  else i.ids.set(orgId, new Set([clientId]));
}

/**
 * Resolves once the store's count of clients per organisation is built (the first call starts
 * one pass over the clients on record, in slices). Await it before {@link organisationHasRoomNow}.
 */
export async function clientsOfOrganisationReady(store: Store): Promise<void> {
  await index.ready(store);
}

/** Records that a client was created; call with every new client, before its write. */
export function noteClientOfOrganisation(store: Store, client: ClientRecord): void {
  index.change(store, (i) => add(i, client.org_id, client.client_id));
}

/** Records that a client was deleted. */
export function forgetClientOfOrganisation(store: Store, client: ClientRecord): void {
  index.change(store, (i) => {
    i.checked.delete(client.org_id);
    const ids = i.ids.get(client.org_id);
    ids?.delete(client.client_id);
    if (ids?.size === 0) i.ids.delete(client.org_id);
  });
}

/** {@link organisationHasRoomNow} once the count is built. */
export async function organisationHasRoom(store: Store, orgId: string, max: number): Promise<boolean> {
  await index.ready(store);
  return organisationHasRoomNow(store, orgId, max);
}

/**
 * Whether the organisation has fewer than `max` clients registered, synchronously (so that a
 * registration checks and records its client in one turn); the count must be built
 * ({@link clientsOfOrganisationReady}). The count is the index's; only when it reaches `max` are
 * the entries checked against the store (a client deleted some other way is dropped then), and
 * again only once the organisation's clients or the number of clients on file change: a
 * registration reads no record until the organisation is full, and the refusals that follow
 * read none either, however many come.
 */
export function organisationHasRoomNow(store: Store, orgId: string, max: number): boolean {
  const i = index.built(store);
  if (!i) throw new Error('the count of clients per organisation is not built yet');
  const ids = i.ids.get(orgId);
  if (!ids || ids.size < max) return true;
  const total = clientsOnFile(store);
  if (total !== undefined && i.checked.get(orgId) === total) return false;
  for (const id of ids) {
    const client = store.get<ClientRecord>(BANK_COLLECTIONS.clients, id);
    if (!client || client.org_id !== orgId) ids.delete(id);
  }
  if (ids.size === 0) i.ids.delete(orgId);
  if (ids.size < max) return true;
  if (total !== undefined) i.checked.set(orgId, total);
  return false;
}

/** The clients the store holds, when it counts them without reading them (the file store does). */
function clientsOnFile(store: Store): number | undefined {
  const count = (store as Partial<{ count(collection: string): number }>).count;
  return count ? count.call(store, BANK_COLLECTIONS.clients) : undefined;
}

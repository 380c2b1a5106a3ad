import type { ClientRecord } from '../model.js';
import type { ListingFilter } from './filter.js';
import type { ListingIndex } from './listing-index.js';

/** The records a filtered listing shows, found through the listing indexes, without reading the records. */
export interface Selection {
  /** Records selected, in every page. */
  total: number;
  /** Every selected id, possibly among others (`matches` decides); absent when every record is a candidate. */
  candidates?: Iterable<string>;
  matches(id: string): boolean;
}

const everything = (index: ListingIndex<unknown>): Selection => ({ total: index.size, matches: () => true });

/**
 * The clients a filter selects: the smallest of the exact sets its filters
 * name (one client id, the clients of an organisation, of a software id),
 * checked against the other filters. Costs the size of that set at most.
 */
export function selectClients(clients: ListingIndex<ClientRecord>, f: ListingFilter): Selection {
  if (f.client_id === undefined && f.org_id === undefined && f.software_id === undefined)
    return everything(clients);
  const matches = (id: string): boolean =>
    clients.has(id) &&
    (f.client_id === undefined || id === f.client_id) &&
    (f.org_id === undefined || clients.groupOf(id, 'org_id') === f.org_id) &&
    (f.software_id === undefined || clients.groupOf(id, 'software_id') === f.software_id);
  const sets: ReadonlySet<string>[] = [];
  if (f.client_id !== undefined) sets.push(new Set([f.client_id]));
  if (f.org_id !== undefined) sets.push(clients.idsWhere('org_id', f.org_id));
  if (f.software_id !== undefined) sets.push(clients.idsWhere('software_id', f.software_id));
  const smallest = sets.reduce((a, b) => (b.size < a.size ? b : a));
  let total = 0;
  if (sets.length === 1 && f.client_id === undefined) total = smallest.size;
  else for (const id of smallest) if (matches(id)) total++;
  return { total, candidates: smallest, matches };
}

/**
 * The records of a client-owned collection (tokens, consents) a filter
 * selects. Organisation and software are those of the owning client as
 * registered now, so a record of a deleted client matches only a client_id
 * filter. Costs the number of clients selected at most.
 */
export function selectOwned(
  owned: ListingIndex<unknown>,
  clients: ListingIndex<ClientRecord> | undefined,
  f: ListingFilter,
): Selection {
  if (f.org_id === undefined && f.software_id === undefined) {
    if (f.client_id === undefined) return everything(owned);
    const ids = owned.idsWhere('client_id', f.client_id);
    return {
      total: ids.size,
      candidates: ids,
      matches: (id) => owned.groupOf(id, 'client_id') === f.client_id,
    };
  }
  if (!clients) throw new Error('an organisation or software filter needs the clients index');
  const { candidates, matches: isClient } = selectClients(clients, f);
  const owners = new Set<string>();
  let total = 0;
  for (const c of candidates ?? [])
    if (isClient(c)) {
      owners.add(c);
      total += owned.idsWhere('client_id', c).size;
    }
  function* ofOwners(): Generator<string> {
    for (const c of owners) yield* owned.idsWhere('client_id', c);
  }
  return {
    total,
    candidates: ofOwners(),
    matches: (id) => {
      const owner = owned.groupOf(id, 'client_id');
      return owner !== undefined && owners.has(owner);
    },
  };
}

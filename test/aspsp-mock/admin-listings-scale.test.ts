/**
 * The bank's admin listings at a larger scale (20,000 clients): pages come
 * from the creation-order index (aspsp-mock/admin/listing-index.ts), so these
 * check what a whole-collection sort gave for free — every record once,
 * newest first, nothing missed while records are added and deleted between
 * pages, filtered pages equal to a brute-force filter, and the bounded walk
 * of a sparse filter resuming by cursor until the listing is complete.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackListings } from '../../aspsp-mock/admin/listings.js';
import { EXAMINE_PER_CALL } from '../../aspsp-mock/admin/paginate.js';
import { bankAdminRouter } from '../../aspsp-mock/admin/router.js';
import type { BankContext } from '../../aspsp-mock/context.js';
import {
  BANK_COLLECTIONS,
  type ClientRecord,
  type ConsentRecord,
  type TokenRecord,
} from '../../aspsp-mock/model.js';
import { errorHandler } from '../../lib/http/index.js';
import { createLogger } from '../../lib/logger.js';
import { MemoryStore } from '../../lib/store/memory-store.js';
import type { Store } from '../../lib/store/store.js';

const ADMIN = 'scale-admin-token';
const CLIENTS = 20_000;
/** The oldest clients all belong to this organisation: a filter on it is sparse among the newest. */
const OLD_ORG = 'org-old';
const OLD_ORG_CLIENTS = 2_500;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** Clients are created two a second: ties are ordered by id. */
const createdAt = (i: number): string => new Date(T0 + Math.floor(i / 2) * 1000).toISOString();

function client(i: number, id = `client-${String(i).padStart(6, '0')}`): ClientRecord {
  const at = createdAt(i);
  return {
    client_id: id,
    client_id_issued_at: Math.floor(Date.parse(at) / 1000),
    software_id: `sw-${i}`,
    org_id: i < OLD_ORG_CLIENTS ? OLD_ORG : `org-${i % 97}`,
    metadata: { token_endpoint_auth_method: 'client_secret_basic' },
    ssaClaims: {},
    software_jwks_endpoint: 'https://keystore.example/x.jwks',
    secretHash: 'ab'.repeat(32),
    createdAt: at,
    updatedAt: at,
  };
}

interface Page {
  total: number;
  limit: number;
  items: Record<string, unknown>[];
  next_cursor?: string;
}

let inner: MemoryStore;
let store: Store;
let base: string;
let close: () => Promise<void>;

async function get(path: string): Promise<Page> {
  const res = await fetch(`${base}/admin/${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as Page;
}

/** Follows next_cursor to the end; `between` runs after each page. */
async function all(path: string, between?: (pagesSoFar: Page[]) => Promise<void>): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor: string | undefined;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(cursor ? `${path}${sep}cursor=${cursor}` : path);
    pages.push(page);
    cursor = page.next_cursor;
    if (between) await between(pages);
  } while (cursor);
  return pages;
}

/** Newest first: creation time descending, ties by client_id descending. */
const newestFirst = (a: ClientRecord, b: ClientRecord): number =>
  a.createdAt === b.createdAt
    ? b.client_id.localeCompare(a.client_id)
    : b.createdAt.localeCompare(a.createdAt);

const ids = (pages: Page[]): string[] => pages.flatMap((p) => p.items.map((c) => String(c.client_id)));

beforeAll(async () => {
  inner = new MemoryStore(Object.values(BANK_COLLECTIONS));
  // Half the clients were stored before the bank started (the index is built from them on the first
  // listing), in shuffled order; the other half are written through the wrapped store afterwards.
  const order = Array.from({ length: CLIENTS }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = (i * 7919) % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (const i of order.slice(0, CLIENTS / 2))
    await inner.put(BANK_COLLECTIONS.clients, client(i).client_id, client(i));
  store = trackListings(inner);
  const ctx = {
    id: 'scale',
    store,
    now: () => new Date(T0),
  } as unknown as BankContext;
  const app = express();
  app.use('/admin', bankAdminRouter(ctx, ADMIN));
  app.use(errorHandler(createLogger('error', { service: 'test' })));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
  // The first listing builds the index while the other half is being written.
  const [first] = await Promise.all([
    get('clients?limit=1'),
    (async () => {
      for (const i of order.slice(CLIENTS / 2))
        await store.put(BANK_COLLECTIONS.clients, client(i).client_id, client(i));
    })(),
  ]);
  expect(first.items).toHaveLength(1);
});

afterAll(async () => {
  await close?.();
});

describe('admin listings at 20,000 clients', () => {
  it('pages through every client once, newest first, with the total on every page', async () => {
    const expected = inner.list<ClientRecord>(BANK_COLLECTIONS.clients).sort(newestFirst);
    expect(expected).toHaveLength(CLIENTS);
    const pages = await all('clients?limit=100');
    expect(pages).toHaveLength(CLIENTS / 100);
    expect(pages.every((p) => p.total === CLIENTS && p.limit === 100)).toBe(true);
    expect(ids(pages)).toEqual(expected.map((c) => c.client_id));
    expect(pages.at(-1)?.next_cursor).toBeUndefined();
    // Secrets stay masked at scale too.
    expect(pages[0].items[0].client_secret).toBe(`sha256:${'ab'.repeat(6)}…`);
  });

  it('stays exact under inserts and deletes between pages: no duplicate, no gap, new records on a fresh first page', async () => {
    const before = inner.list<ClientRecord>(BANK_COLLECTIONS.clients).sort(newestFirst);
    const place = new Map(before.map((c, i) => [c.client_id, i]));
    const deleted = new Set<string>();
    const added: string[] = [];
    const pages = await all('clients?limit=100', async (soFar) => {
      const n = soFar.length;
      const listedSoFar = ids(soFar);
      // A newer client is registered, and one not yet listed (50 further down) is deleted.
      const c = client(CLIENTS + n, `new-${String(n).padStart(4, '0')}`);
      await store.put(BANK_COLLECTIONS.clients, c.client_id, c);
      added.push(c.client_id);
      const victim = before[(place.get(listedSoFar.at(-1) ?? '') ?? 0) + 50]?.client_id;
      if (victim && !deleted.has(victim)) {
        deleted.add(victim);
        await store.delete(BANK_COLLECTIONS.clients, victim);
      }
    });
    const listed = ids(pages);
    expect(new Set(listed).size).toBe(listed.length);
    // Every client present when the walk started and never deleted is listed, in order; new ones are not.
    expect(listed).toEqual(before.map((c) => c.client_id).filter((id) => !deleted.has(id)));
    // A fresh first page starts with the newest of them.
    const fresh = await get('clients?limit=3');
    expect(fresh.items.map((c) => c.client_id)).toEqual(added.slice(-3).reverse());
    expect(fresh.total).toBe(CLIENTS + added.length - deleted.size);
    // Restore the original 20,000 for the tests that follow.
    for (const id of added) await store.delete(BANK_COLLECTIONS.clients, id);
    for (const id of deleted) {
      const i = Number(id.slice('client-'.length));
      await store.put(BANK_COLLECTIONS.clients, id, client(i));
    }
    expect((await get('clients?limit=1')).total).toBe(CLIENTS);
  });

  it('a filter with few candidates pages exactly (organisation, software id, client id, combined)', async () => {
    const everyone = inner.list<ClientRecord>(BANK_COLLECTIONS.clients).sort(newestFirst);
    const org = everyone.filter((c) => c.org_id === 'org-5').map((c) => c.client_id);
    expect(org.length).toBeGreaterThan(150);
    const pages = await all('clients?org_id=org-5&limit=40');
    expect(pages.every((p) => p.total === org.length)).toBe(true);
    expect(pages.slice(0, -1).every((p) => p.items.length === 40)).toBe(true);
    expect(ids(pages)).toEqual(org);
    expect(ids(await all('clients?software_id=sw-12345'))).toEqual(['client-012345']);
    expect(ids(await all('clients?org_id=org-5&software_id=sw-12345'))).toEqual(
      org.includes('client-012345') ? ['client-012345'] : [],
    );
    const combined = await get('clients?org_id=org-9&client_id=client-019990');
    expect(combined.total).toBe(
      everyone.filter((c) => c.client_id === 'client-019990' && c.org_id === 'org-9').length,
    );
    expect((await get('clients?client_id=nobody')).total).toBe(0);
  });

  it('a sparse filter with many candidates walks a bounded number of records per call and resumes by cursor', async () => {
    const expected = inner
      .list<ClientRecord>(BANK_COLLECTIONS.clients)
      .sort(newestFirst)
      .filter((c) => c.org_id === OLD_ORG)
      .map((c) => c.client_id);
    expect(expected).toHaveLength(OLD_ORG_CLIENTS);
    const pages = await all(`clients?org_id=${OLD_ORG}&limit=100`);
    // The organisation's clients are the oldest 2,500: the first call examines EXAMINE_PER_CALL newer
    // records, finds none, and says where to go on.
    expect(CLIENTS - OLD_ORG_CLIENTS).toBeGreaterThan(EXAMINE_PER_CALL);
    expect(pages[0].items).toEqual([]);
    expect(pages[0].next_cursor).toBeDefined();
    expect(pages.every((p) => p.total === OLD_ORG_CLIENTS && p.items.length <= 100)).toBe(true);
    expect(ids(pages)).toEqual(expected);
  });

  it('tokens and consents page by their own order, filtered by client, organisation or software', async () => {
    const tokens: TokenRecord[] = [];
    for (let i = 0; i < 3_000; i++) {
      const t: TokenRecord = {
        hash: `${i.toString(16).padStart(12, '0')}${'f'.repeat(52)}`,
        client_id: `client-${String(i % 50).padStart(6, '0')}`,
        scope: 'accounts',
        x5tS256: 'x',
        expiresAt: T0 / 1000 + 3600 + Math.floor(i / 4),
      };
      tokens.push(t);
      await store.put(BANK_COLLECTIONS.tokens, t.hash, t);
    }
    const consent = (i: number): ConsentRecord => ({
      ConsentId: `urn-consent-${i}`,
      client_id: `client-${String(OLD_ORG_CLIENTS + (i % 3)).padStart(6, '0')}`,
      Status: 'AwaitingAuthorisation',
      Permissions: ['ReadAccountsBasic'],
      CreationDateTime: new Date(T0 + i * 1000).toISOString(),
      StatusUpdateDateTime: new Date(T0 + i * 1000).toISOString(),
    });
    for (let i = 0; i < 300; i++)
      await store.put(BANK_COLLECTIONS.consents, consent(i).ConsentId, consent(i));
    const byExpiry = (a: TokenRecord, b: TokenRecord) =>
      b.expiresAt === a.expiresAt ? b.hash.localeCompare(a.hash) : b.expiresAt - a.expiresAt;
    const fingerprints = (pages: Page[]) => pages.flatMap((p) => p.items.map((t) => t.token));
    const shown = (list: TokenRecord[]) => list.sort(byExpiry).map((t) => `sha256:${t.hash.slice(0, 12)}…`);

    const every = await all('tokens?limit=100');
    expect(every[0].total).toBe(3_000);
    expect(fingerprints(every)).toEqual(shown([...tokens]));
    // Organisation OLD_ORG owns clients 0…2,499, so every token; org-5 owns none of clients 0…49.
    expect(fingerprints(await all(`tokens?org_id=${OLD_ORG}&limit=100`))).toEqual(shown([...tokens]));
    expect((await get('tokens?org_id=org-5')).total).toBe(0);
    const one = tokens.filter((t) => t.client_id === 'client-000007');
    const ofClient = await all('tokens?client_id=client-000007&limit=7');
    expect(ofClient[0].total).toBe(one.length);
    expect(fingerprints(ofClient)).toEqual(shown(one));
    expect(fingerprints(await all('tokens?software_id=sw-7'))).toEqual(shown(one));

    const consents = await all('consents?limit=100');
    expect(consents.flatMap((p) => p.items.map((c) => c.ConsentId))).toEqual(
      Array.from({ length: 300 }, (_, i) => `urn-consent-${299 - i}`),
    );
    const ofOrg = `org-${(OLD_ORG_CLIENTS + 1) % 97}`;
    const viaOrg = await all(`consents?org_id=${ofOrg}&limit=100`);
    expect(viaOrg.flatMap((p) => p.items.map((c) => c.client_id))).toEqual(
      Array.from({ length: 100 }, () => `client-${String(OLD_ORG_CLIENTS + 1).padStart(6, '0')}`),
    );
    // A deleted client's tokens still match its client_id, no longer its organisation.
    await store.delete(BANK_COLLECTIONS.clients, 'client-000007');
    expect((await get('tokens?client_id=client-000007')).total).toBe(one.length);
    expect((await get('tokens?software_id=sw-7')).total).toBe(0);
    await store.put(BANK_COLLECTIONS.clients, 'client-000007', client(7));
    // A purged token leaves every listing.
    await store.delete(BANK_COLLECTIONS.tokens, one[0].hash);
    expect(fingerprints(await all('tokens?client_id=client-000007'))).toEqual(shown(one.slice(1)));
  });
});

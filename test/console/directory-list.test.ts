/**
 * The Directory page lists organisations newest first, 50 a page, however many there are
 * (each onboarding and scenario run adds some): the page's size does not grow with them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Upstream } from '../../console/upstream.js';
import { type FakeTap, type LiveConsole, startFakeTap, startLiveConsole } from '../helpers/live-console.js';

let tap: FakeTap;
let con: LiveConsole;
let organisations: { OrganisationId: string; OrganisationName: string }[] = [];

const directory: Upstream = {
  url: 'https://directory.invalid',
  call: async () => {
    throw new Error('not used');
  },
  json: async <T>(_method: string, path: string) => {
    if (path !== '/admin/organisations') throw new Error(`unexpected ${path}`);
    return organisations.map((o) => ({
      ...o,
      OrganisationType: 'tpp',
      Roles: ['AISP'],
      Status: 'Active',
    })) as T;
  },
};

beforeAll(async () => {
  tap = await startFakeTap();
  con = await startLiveConsole(tap, {}, { directory });
});
afterAll(async () => {
  await con?.close();
  await tap?.close();
});

/** The organisation ids a page lists, in order. */
async function listed(query = ''): Promise<{ ids: string[]; bytes: number; text: string }> {
  const res = await fetch(`${con.url}/directory${query}`, { headers: { cookie: con.signIn() } });
  expect(res.status).toBe(200);
  const text = await res.text();
  return {
    ids: [...text.matchAll(/<tr><td><a href="\/directory\/(org\d+)">/g)].map((m) => m[1]),
    bytes: text.length,
    text,
  };
}

const org = (i: number) => `org${String(i).padStart(6, '0')}`;

describe('the Directory page', () => {
  it.each([
    { count: 3, query: '', first: 2, shown: 3, next: false, prev: false },
    { count: 50, query: '', first: 49, shown: 50, next: false, prev: false },
    { count: 51, query: '', first: 50, shown: 50, next: true, prev: false },
    { count: 51, query: '?page=2', first: 0, shown: 1, next: false, prev: true },
    { count: 5000, query: '', first: 4999, shown: 50, next: true, prev: false },
    { count: 5000, query: '?page=3', first: 4899, shown: 50, next: true, prev: true },
    { count: 5000, query: '?page=100', first: 49, shown: 50, next: false, prev: true },
    { count: 5000, query: '?page=999999', first: 49, shown: 50, next: false, prev: true },
    { count: 5000, query: '?page=0', first: 4999, shown: 50, next: true, prev: false },
    { count: 5000, query: '?page=-1', first: 4999, shown: 50, next: true, prev: false },
    { count: 5000, query: '?page=abc', first: 4999, shown: 50, next: true, prev: false },
    { count: 5000, query: `?page=${'9'.repeat(400)}`, first: 4999, shown: 50, next: true, prev: false },
  ])('$count organisations, $query: newest first from #$first, $shown shown', async (c) => {
    organisations = Array.from({ length: c.count }, (_, i) => ({
      OrganisationId: org(i),
      OrganisationName: `Organisation ${i}`,
    }));
    const page = await listed(c.query);
    expect(page.ids.length).toBe(c.shown);
    expect(page.ids[0]).toBe(org(c.first));
    expect(page.text).toContain(`data-organisations="${c.count}"`);
    expect(page.text.includes('rel="next"')).toBe(c.next);
    expect(page.text.includes('rel="prev"')).toBe(c.prev);
  });

  it('is no larger with 5,000 organisations than with 50', async () => {
    organisations = Array.from({ length: 50 }, (_, i) => ({
      OrganisationId: org(i),
      OrganisationName: `O ${i}`,
    }));
    const few = (await listed()).bytes;
    organisations = Array.from({ length: 5000 }, (_, i) => ({
      OrganisationId: org(i),
      OrganisationName: `O ${i}`,
    }));
    const many = (await listed()).bytes;
    expect(many).toBeLessThan(few + 200); // the same 50 rows, plus the count and a link
  });
});

import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import {
  type BuiltListing,
  ENTRY_BYTES,
  keptListings,
  type ListingRequest,
} from '../../directory/kept-listings.js';

/** `{"items":[…]}` of `n` items of `size` characters each, built as `revision`, counting the renders. */
function request(key: string, revision: number, n: number, size = 10, renders = { count: 0 }) {
  const items = Array.from({ length: n }, (_, i) => i);
  const req: ListingRequest<number> = {
    key,
    revision,
    items: () => items,
    render: (i) => {
      renders.count++;
      return i % 2 === 0 ? JSON.stringify('x'.repeat(size - 2)) : undefined;
    },
    member: 'items',
  };
  return req;
}

const text = (l: BuiltListing) => Buffer.concat(l.chunks).toString('utf8');

describe('kept listings', () => {
  it('build `{"member":[…]}` from the items rendered, leaving out those rendered as nothing', async () => {
    const listings = keptListings({ maxBytes: 1_000_000 });
    const built = await listings.listing(request('a', 1, 5, 4));
    expect(JSON.parse(text(built))).toEqual({ items: ['xx', 'xx', 'xx'] });
    expect(built.items).toBe(3);
    expect(built.bytes).toBe(Buffer.byteLength(text(built)));
    const empty = await listings.listing(request('b', 1, 0));
    expect(text(empty)).toBe('{"items":[]}');
  });

  it('a large listing comes in pieces that join into one JSON document', async () => {
    const listings = keptListings({ maxBytes: 100_000_000 });
    const built = await listings.listing(request('big', 1, 4000, 1000));
    expect(built.chunks.length).toBeGreaterThan(3);
    expect(JSON.parse(text(built)).items).toHaveLength(2000);
  });

  it('are kept while their revision stands, built again at another, and shared by callers asking at once', async () => {
    const listings = keptListings({ maxBytes: 1_000_000 });
    const renders = { count: 0 };
    const [one, two] = await Promise.all([
      listings.listing(request('a', 1, 10, 10, renders)),
      listings.listing(request('a', 1, 10, 10, renders)),
    ]);
    expect(one).toBe(two);
    expect(renders.count).toBe(10);
    expect(await listings.listing(request('a', 1, 10, 10, renders))).toBe(one);
    expect(renders.count).toBe(10);
    const next = await listings.listing(request('a', 2, 10, 10, renders));
    expect(next.revision).toBe(2);
    expect(renders.count).toBe(20);
    expect(listings.kept()).toEqual({ listings: 1, bytes: next.bytes + ENTRY_BYTES });
  });

  it('a build started before a newer one and finished after it does not replace it', async () => {
    const listings = keptListings({ maxBytes: 1_000_000 });
    const slowRequest = request('a', 1, 32, 10);
    const render = slowRequest.render;
    slowRequest.render = (i) => {
      const until = performance.now() + 1; // holds the loop a millisecond: the build yields midway
      while (performance.now() < until);
      return render(i);
    };
    const slow = listings.listing(slowRequest);
    const fresh = await listings.listing(request('a', 2, 2, 10));
    await slow;
    expect(await listings.listing(request('a', 2, 2, 10))).toBe(fresh);
  });

  it('hold at most maxBytes, the least recently asked for going first, and never one larger than that', async () => {
    const sizeOf = async (n: number) =>
      (await keptListings({ maxBytes: 1e9 }).listing(request('x', 1, n))).bytes;
    const each = (await sizeOf(20)) + ENTRY_BYTES;
    const listings = keptListings({ maxBytes: each * 3 });
    const renders = { count: 0 };
    for (const key of ['a', 'b', 'c']) await listings.listing(request(key, 1, 20, 10, renders));
    expect(listings.kept()).toEqual({ listings: 3, bytes: each * 3 });
    await listings.listing(request('a', 1, 20, 10, renders)); // asked for again: now the last to go
    expect(renders.count).toBe(60);
    await listings.listing(request('d', 1, 20, 10, renders));
    expect(listings.kept()).toEqual({ listings: 3, bytes: each * 3 });
    renders.count = 0;
    await listings.listing(request('a', 1, 20, 10, renders));
    expect(renders.count).toBe(0); // kept
    await listings.listing(request('b', 1, 20, 10, renders));
    expect(renders.count).toBe(20); // gone first, built again

    const huge = await listings.listing(request('huge', 1, 400));
    expect(huge.bytes).toBeGreaterThan(each * 3);
    expect(listings.kept().bytes).toBeLessThanOrEqual(each * 3);
    renders.count = 0;
    await listings.listing(request('huge', 1, 400, 10, renders));
    expect(renders.count).toBe(400); // not kept
  });

  it('count each listing kept as at least ENTRY_BYTES, so that empty ones stay bounded in number', async () => {
    const listings = keptListings({ maxBytes: 10 * ENTRY_BYTES + 200 });
    for (let i = 0; i < 1000; i++) await listings.listing(request(`empty${i}`, 1, 0));
    expect(listings.kept().listings).toBeLessThanOrEqual(10);
    expect(listings.kept().bytes).toBeLessThanOrEqual(10 * ENTRY_BYTES + 200);
  });

  it('give the event loop back while a long listing is built', async () => {
    const listings = keptListings({ maxBytes: 1_000_000 });
    const items = Array.from({ length: 64 }, (_, i) => i);
    const req: ListingRequest<number> = {
      key: 'slow',
      revision: 1,
      items: () => items,
      render: (i) => {
        const until = performance.now() + 1; // each item holds the loop a millisecond
        while (performance.now() < until);
        return String(i);
      },
      member: 'items',
    };
    let ranDuringBuild = false;
    let built = false;
    setImmediate(() => {
      ranDuringBuild = !built;
    });
    await listings.listing(req).then(() => {
      built = true;
    });
    expect(ranDuringBuild).toBe(true);
  });
});

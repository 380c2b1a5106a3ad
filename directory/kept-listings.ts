import { readInSlices } from '../lib/store/read-in-slices.js';

/** A JSON array listing as built: the revision it stands for and its bytes, in pieces. */
export interface BuiltListing {
  revision: number;
  /** The body's bytes in order; each piece a few hundred KB at most, so that sending them can pause between two. */
  chunks: Buffer[];
  bytes: number;
  /** Items listed. */
  items: number;
}

export interface ListingRequest<T> {
  /** Names the listing among those kept (its scope and filter). */
  key: string;
  /** What the listing's content depends on: a listing kept at another revision is built again. */
  revision: number;
  /** What to list, taken when the build starts (cheap: ids, no record read). */
  items: () => T[];
  /** An item's JSON text, or undefined to leave it out (filtered out, or gone). */
  render: (item: T) => string | undefined;
  /** The JSON member the array is put in: `{"<member>":[...]}`. */
  member: string;
}

export interface KeptListings {
  /**
   * The listing at `revision`: the one kept if it was built at that revision, else built now in
   * slices (the event loop given back every few milliseconds). Callers asking at the same time for
   * the same listing and revision share one build.
   */
  listing<T>(request: ListingRequest<T>): Promise<BuiltListing>;
  /** Listings kept and what they weigh: their bytes plus {@link ENTRY_BYTES} each (never more than the bound). */
  kept(): { listings: number; bytes: number };
}

/**
 * What a kept listing weighs besides its bytes (its key, entry and pieces): so that listings
 * kept stay bounded in number too, however small (an empty one is a dozen bytes).
 */
export const ENTRY_BYTES = 512;

/** A piece of the body is cut once it holds this many characters. */
const CHUNK_CHARS = 256 * 1024;

async function build<T>(request: ListingRequest<T>, revision: number): Promise<BuiltListing> {
  const chunks: Buffer[] = [Buffer.from(`{${JSON.stringify(request.member)}:[`, 'utf8')];
  let pending: string[] = [];
  let pendingChars = 0;
  let items = 0;
  const cut = () => {
    if (pending.length === 0) return;
    chunks.push(Buffer.from(pending.join(''), 'utf8'));
    pending = [];
    pendingChars = 0;
  };
  await readInSlices(request.items(), (item) => {
    const text = request.render(item);
    if (text === undefined) return;
    const piece = items++ === 0 ? text : `,${text}`;
    pending.push(piece);
    pendingChars += piece.length;
    if (pendingChars >= CHUNK_CHARS) cut();
  });
  cut();
  chunks.push(Buffer.from(']}', 'utf8'));
  let bytes = 0;
  for (const c of chunks) bytes += c.length;
  return { revision, chunks, bytes, items };
}

/**
 * Listings built once and kept while their revision stands, weighing at most `maxBytes` in all
 * (the least recently asked for going first; a listing heavier than that is built for each
 * asker and not kept). Builds run in slices, so that a listing of thousands of records never holds the
 * event loop for long, whether it is kept or not.
 */
export function keptListings(options: { maxBytes: number }): KeptListings {
  const kept = new Map<string, BuiltListing>();
  const building = new Map<string, { revision: number; done: Promise<BuiltListing> }>();
  let keptBytes = 0;
  const weight = (listing: BuiltListing) => listing.bytes + ENTRY_BYTES;
  const forget = (key: string): void => {
    const old = kept.get(key);
    if (!old) return;
    kept.delete(key);
    keptBytes -= weight(old);
  };
  const keep = (key: string, listing: BuiltListing): void => {
    const old = kept.get(key);
    // a build started before a newer one but finished after it does not replace it
    if (old && old.revision > listing.revision) return;
    forget(key);
    if (weight(listing) > options.maxBytes) return;
    for (const [k] of kept) {
      if (keptBytes + weight(listing) <= options.maxBytes) break;
      forget(k);
    }
    kept.set(key, listing);
    keptBytes += weight(listing);
  };
  return {
    listing<T>(request: ListingRequest<T>): Promise<BuiltListing> {
      const { key, revision } = request;
      const hit = kept.get(key);
      if (hit && hit.revision === revision) {
        // most recently asked for: last to go
        kept.delete(key);
        kept.set(key, hit);
        return Promise.resolve(hit);
      }
      const running = building.get(key);
      if (running && running.revision === revision) return running.done;
      const done = build(request, revision).then((listing) => {
        keep(key, listing);
        return listing;
      });
      const entry = { revision, done };
      building.set(key, entry);
      const settle = () => {
        if (building.get(key) === entry) building.delete(key);
      };
      done.then(settle, settle);
      return done;
    },
    kept: () => ({ listings: kept.size, bytes: keptBytes }),
  };
}

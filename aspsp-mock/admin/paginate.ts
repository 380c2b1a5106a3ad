import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Request } from 'express';
import { InvalidPageRequest } from './errors.js';
import type { ListingIndex, SortKey } from './listing-index.js';
import type { Selection } from './selection.js';

export type { SortKey } from './listing-index.js';

/** Items per page unless `limit` says otherwise, and the most a page may hold. */
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
const MAX_CURSOR_LENGTH = 512;
/**
 * A filtered listing whose candidates number at most this many sorts them
 * (exact pages); a larger one walks the collection's order instead.
 */
export const SORT_CANDIDATES_UP_TO = 2_000;
/** The most records a walk examines in one call; past it, the page ends with a cursor to go on from. */
export const EXAMINE_PER_CALL = 10_000;
/** Records examined between two yields to the event loop. */
const WALK_SLICE = 2_000;

export interface Page<T> {
  /** Records in the whole listing (every page). */
  total: number;
  limit: number;
  items: T[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  next_cursor?: string;
}

function one(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new InvalidPageRequest(`give ${name} once`);
  return v;
}

/** `limit`: a whole number from 1 to MAX_LIMIT (default DEFAULT_LIMIT). */
function readLimit(req: Request): number {
  const raw = one(req, 'limit');
  if (raw === undefined) return DEFAULT_LIMIT;
  if (!/^[0-9]{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_LIMIT)
    throw new InvalidPageRequest(`limit must be a whole number from 1 to ${MAX_LIMIT}`);
  return Number(raw);
}

const encodeCursor = (k: SortKey): string => Buffer.from(JSON.stringify([k.at, k.id])).toString('base64url');

/** `cursor`: opaque to the caller; only a value this API issued decodes. */
function readCursor(req: Request): SortKey | undefined {
  const raw = one(req, 'cursor');
  if (raw === undefined) return undefined;
  const invalid = new InvalidPageRequest('cursor is not one this listing issued');
  if (raw.length === 0 || raw.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(raw)) throw invalid;
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string')
      return { at: v[0], id: v[1] };
  } catch {
    // falls through to the refusal
  }
  throw invalid;
}

/** The request's page: its limit and where it resumes. Read before any await, so a bad one is a 400 at once. */
export function readPageRequest(req: Request): { limit: number; cursor?: SortKey } {
  return { limit: readLimit(req), cursor: readCursor(req) };
}

/** Newer first; equal times by id (the cursor's order). */
const newerFirst = (a: SortKey, b: SortKey): number =>
  a.at === b.at ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.at > b.at ? -1 : 1;

/**
 * One page of a listing, newest first: the selected records after the cursor,
 * at most `limit`, each read from the store and shown through `view` (which
 * decides what is masked). Never sorts or copies the collection:
 * - a selection of at most SORT_CANDIDATES_UP_TO candidates is sorted and paged exactly;
 * - otherwise the collection's order is walked from the cursor, keeping the
 *   records the selection matches, with a yield every WALK_SLICE records and
 *   at most EXAMINE_PER_CALL examined; when that bound is hit the page holds
 *   what was found (possibly nothing) and a cursor to go on from.
 * Unfiltered, a page examines `limit` + 1 live records.
 */
export async function paginate<R, V>(
  page: { limit: number; cursor?: SortKey },
  index: ListingIndex<R>,
  selection: Selection,
  read: (id: string) => R | undefined,
  view: (r: R) => V,
): Promise<Page<V>> {
  const { limit, cursor } = page;
  const shown: { key: SortKey; r: R }[] = [];
  let next: SortKey | undefined;
  if (selection.candidates && selection.total <= SORT_CANDIDATES_UP_TO) {
    const keys: SortKey[] = [];
    for (const id of selection.candidates) {
      const key = index.keyOf(id);
      if (key && selection.matches(id) && (!cursor || newerFirst(cursor, key) < 0)) keys.push(key);
    }
    keys.sort(newerFirst);
    for (const key of keys) {
      if (shown.length === limit) {
        next = shown[shown.length - 1].key;
        break;
      }
      const r = read(key.id);
      if (r !== undefined) shown.push({ key, r });
    }
  } else {
    let from = cursor;
    let examined = 0;
    walk: for (;;) {
      let inSlice = 0;
      for (const key of index.newestFirst(from)) {
        if (examined === EXAMINE_PER_CALL) {
          next = from; // there is more to examine: go on after the last record examined
          break walk;
        }
        if (inSlice === WALK_SLICE) break;
        examined++;
        inSlice++;
        if (selection.matches(key.id)) {
          if (shown.length === limit) {
            next = shown[shown.length - 1].key; // one more record matches: the page is full
            break walk;
          }
          const r = read(key.id);
          if (r !== undefined) shown.push({ key, r });
        }
        from = key;
      }
      if (inSlice < WALK_SLICE) break; // the order is exhausted
      await yieldToEventLoop();
    }
  }
  return {
    total: selection.total,
    limit,
    items: shown.map((x) => view(x.r)),
    ...(next ? { next_cursor: encodeCursor(next) } : {}),
  };
}

import type { Request } from 'express';
import { InvalidPageRequest } from './errors.js';

/** Items per page unless `limit` says otherwise, and the most a page may hold. */
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
const MAX_CURSOR_LENGTH = 512;

/** Where a record sorts in a listing: newest first by `at`, then by `id` (both strings). */
export interface SortKey {
  at: string;
  id: string;
}

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

/** Newer first; equal times by id, so the order is total and a cursor resumes exactly. */
const before = (a: SortKey, b: SortKey): number =>
  a.at === b.at ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.at > b.at ? -1 : 1;

/**
 * One page of a listing, newest first: records after the request's cursor, at
 * most its limit, each shown through `view` (which decides what is masked).
 * Only the page's records are viewed; the sort keys are computed once a call.
 */
export function paginate<R, V>(
  req: Request,
  records: R[],
  key: (r: R) => SortKey,
  view: (r: R) => V,
): Page<V> {
  const limit = readLimit(req);
  const cursor = readCursor(req);
  const keyed = records.map((r) => ({ r, k: key(r) })).sort((a, b) => before(a.k, b.k));
  const start = cursor ? keyed.findIndex((x) => before(x.k, cursor) > 0) : 0;
  const from = start < 0 ? keyed.length : start;
  const slice = keyed.slice(from, from + limit);
  const more = from + limit < keyed.length;
  return {
    total: keyed.length,
    limit,
    items: slice.map((x) => view(x.r)),
    ...(more && slice.length ? { next_cursor: encodeCursor(slice[slice.length - 1].k) } : {}),
  };
}

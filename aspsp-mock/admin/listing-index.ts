import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** Where a record sorts in a listing: newest first by `at`, then by `id` (both strings). */
export interface SortKey {
  at: string;
  id: string;
}

/** How a listed collection's records sort and which of their fields a filter may select on. */
export interface ListingShape<R> {
  key(record: R): SortKey;
  /** Field name → value, for each field kept in a value → ids index (the exact-match filters). */
  groups(record: R): Record<string, string>;
}

/** One record's place in the order: its sort key and the values of its grouped fields. */
interface Entry {
  at: string;
  id: string;
  groups: Record<string, string>;
}

/** Entries merged between two yields to the event loop while the index is built. */
const BUILD_SLICE = 2_000;
/** While the index is built, the event loop is given back after this much work (records are parsed as read). */
const SLICE_MS = 10;
/** Records a slice indexes at most (sorted as one run). */
const RUN = 2_000;

/** Ascending (older first); equal times by id, so the order is total and a cursor resumes exactly. */
const compare = (a: SortKey, b: SortKey): number =>
  a.at === b.at ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.at < b.at ? -1 : 1;

/**
 * The creation order of one collection, kept beside the store so that a page
 * of a listing costs O(limit) instead of a sort of the whole collection: an
 * array of entries sorted by key (oldest first, so a new record is usually
 * pushed at the end), a map id → live entry, and for each filter field a map
 * value → ids. A deleted or re-keyed record leaves its old entry in the array
 * as a tombstone (its id no longer maps to it), skipped by walks and swept out
 * once tombstones outnumber live entries.
 */
export class ListingIndex<R> {
  private sorted: Entry[] = [];
  private readonly live = new Map<string, Entry>();
  private readonly groupIndex = new Map<string, Map<string, Set<string>>>();
  private tombstones = 0;

  constructor(private readonly shape: ListingShape<R>) {}

  /** Live records in the index. */
  get size(): number {
    return this.live.size;
  }

  /** Builds the index from a collection's records, sorting in slices between yields (never one long sort). */
  static async build<R>(shape: ListingShape<R>, records: Iterable<[string, R]>): Promise<ListingIndex<R>> {
    const index = new ListingIndex(shape);
    let runs: Entry[][] = [];
    let run: Entry[] = [];
    let sliceStart = performance.now();
    for (const [id, record] of records) {
      const entry = index.entryOf(id, record);
      index.live.set(id, entry);
      index.addGroups(entry);
      run.push(entry);
      if (run.length === RUN || (run.length % 64 === 0 && performance.now() - sliceStart > SLICE_MS)) {
        runs.push(run.sort(compare));
        run = [];
        await yieldToEventLoop();
        sliceStart = performance.now();
      }
    }
    if (run.length > 0) runs.push(run.sort(compare));
    // Bottom-up merge of the sorted runs, yielding every BUILD_SLICE entries moved.
    while (runs.length > 1) {
      const merged: Entry[][] = [];
      for (let i = 0; i < runs.length; i += 2)
        merged.push(i + 1 < runs.length ? await mergeInSlices(runs[i], runs[i + 1]) : runs[i]);
      runs = merged;
    }
    index.sorted = runs[0] ?? [];
    return index;
  }

  private entryOf(id: string, record: R): Entry {
    const { at } = this.shape.key(record);
    return { at, id, groups: this.shape.groups(record) };
  }

  private addGroups(entry: Entry): void {
    for (const [field, value] of Object.entries(entry.groups)) {
      let byValue = this.groupIndex.get(field);
      if (!byValue) {
        byValue = new Map();
        this.groupIndex.set(field, byValue);
      }
      let ids = byValue.get(value);
      if (!ids) {
        ids = new Set();
        byValue.set(value, ids);
      }
      ids.add(entry.id);
    }
  }

  private removeGroups(entry: Entry): void {
    for (const [field, value] of Object.entries(entry.groups)) {
      const byValue = this.groupIndex.get(field);
      const ids = byValue?.get(value);
      ids?.delete(entry.id);
      if (ids?.size === 0) byValue?.delete(value);
    }
  }

  /** Records a write: `record` as now stored under `id`, or undefined when it was deleted. */
  note(id: string, record: R | undefined): void {
    const old = this.live.get(id);
    if (old) {
      this.removeGroups(old);
      this.live.delete(id);
    }
    if (record === undefined) {
      if (old) this.retire(old);
      return;
    }
    const entry = this.entryOf(id, record);
    this.addGroups(entry);
    this.live.set(id, entry);
    if (old && old.at === entry.at) {
      // Same place in the order: the new entry takes the old one's slot.
      const i = this.position(old);
      if (this.sorted[i] === old) {
        this.sorted[i] = entry;
        return;
      }
    }
    if (old) this.retire(old);
    const last = this.sorted[this.sorted.length - 1];
    if (!last || compare(last, entry) <= 0) this.sorted.push(entry);
    else this.sorted.splice(this.position(entry), 0, entry); // an older key than the newest: rare
  }

  private retire(_entry: Entry): void {
    this.tombstones++;
    if (this.tombstones > 1024 && this.tombstones > this.live.size) {
      this.sorted = this.sorted.filter((e) => this.live.get(e.id) === e);
      this.tombstones = 0;
    }
  }

  /** Index of the first entry not before `key` (ascending order). */
  private position(key: SortKey): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(this.sorted[mid], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The ids whose `field` equals `value` (empty when none). */
  idsWhere(field: string, value: string): ReadonlySet<string> {
    return this.groupIndex.get(field)?.get(value) ?? new Set();
  }

  /** Whether a record with this id is in the index. */
  has(id: string): boolean {
    return this.live.has(id);
  }

  /** The sort key of a live record. */
  keyOf(id: string): SortKey | undefined {
    return this.live.get(id);
  }

  /** The value of a grouped field of a live record. */
  groupOf(id: string, field: string): string | undefined {
    return this.live.get(id)?.groups[field];
  }

  /**
   * Live entries newest first, starting after `cursor` (a key this index gave
   * out, whether or not that record still exists): a binary search, then a
   * walk. Consume it without awaiting in between (a write may move entries);
   * to pause, resume later with the last key met as the cursor.
   */
  *newestFirst(cursor?: SortKey): Generator<SortKey> {
    const sorted = this.sorted;
    for (let i = (cursor ? this.position(cursor) : sorted.length) - 1; i >= 0; i--) {
      const e = sorted[i];
      if (this.live.get(e.id) === e) yield e;
    }
  }
}

/** Merges two sorted runs, yielding to the event loop every BUILD_SLICE entries. */
async function mergeInSlices(a: Entry[], b: Entry[]): Promise<Entry[]> {
  const out: Entry[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length || j < b.length) {
    const stop = Math.min(out.length, k + BUILD_SLICE);
    while (k < stop) out[k++] = j >= b.length || (i < a.length && compare(a[i], b[j]) <= 0) ? a[i++] : b[j++];
    if (k < out.length) await yieldToEventLoop();
  }
  return out;
}

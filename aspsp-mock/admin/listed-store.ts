import type { Store } from '../../lib/store/store.js';
import { ListingIndex, type ListingShape } from './listing-index.js';

type IndexState<R> =
  | { kind: 'building'; ready: Promise<ListingIndex<R>>; touched: Set<string> }
  | { kind: 'ready'; index: ListingIndex<R> };

/**
 * The bank's store, seen through the admin listings: every read and write goes
 * to the store it wraps, and each write to a listed collection also updates
 * that collection's {@link ListingIndex} once one exists. An index is built on
 * the first listing of its collection (the records read one at a time, sorted
 * in slices between yields); writes made while it is built are replayed from
 * the store when it is done. Until a listing is asked for, nothing is kept.
 */
export class ListedStore implements Store {
  private readonly states = new Map<string, IndexState<unknown>>();

  constructor(
    readonly inner: Store,
    private readonly shapes: Readonly<Record<string, ListingShape<never>>>,
  ) {}

  get<T>(collection: string, id: string): T | undefined {
    return this.inner.get<T>(collection, id);
  }

  list<T>(collection: string): T[] {
    return this.inner.list<T>(collection);
  }

  entries<T>(collection: string): IterableIterator<[string, T]> {
    return this.inner.entries<T>(collection);
  }

  /** Records in a collection, when the wrapped store counts them (the file store does). */
  count(collection: string): number {
    const counted = (this.inner as Partial<{ count(collection: string): number }>).count;
    if (counted) return counted.call(this.inner, collection);
    let n = 0;
    for (const _ of this.inner.entries(collection)) n++;
    return n;
  }

  put<T>(collection: string, id: string, value: T): Promise<void> {
    const written = this.inner.put(collection, id, value);
    this.noteWrite(collection, id, value);
    return written;
  }

  delete(collection: string, id: string): Promise<void> {
    const written = this.inner.delete(collection, id);
    this.noteWrite(collection, id, undefined);
    return written;
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private noteWrite(collection: string, id: string, value: unknown): void {
    const state = this.states.get(collection);
    if (state?.kind === 'ready') state.index.note(id, value);
    else if (state?.kind === 'building') state.touched.add(id);
  }

  /** The listing index of a listed collection, built on first use. */
  listing<R>(collection: string): Promise<ListingIndex<R>> {
    const state = this.states.get(collection) as IndexState<R> | undefined;
    if (state?.kind === 'ready') return Promise.resolve(state.index);
    if (state?.kind === 'building') return state.ready;
    const shape = this.shapes[collection] as ListingShape<R> | undefined;
    if (!shape) return Promise.reject(new Error(`'${collection}' is not a listed collection`));
    const touched = new Set<string>();
    const ready = (async () => {
      try {
        const index = await ListingIndex.build(shape, this.inner.entries<R>(collection));
        for (const id of touched) index.note(id, this.inner.get<R>(collection, id));
        this.states.set(collection, { kind: 'ready', index } as IndexState<unknown>);
        return index;
      } catch (err) {
        this.states.delete(collection);
        throw err;
      }
    })();
    this.states.set(collection, { kind: 'building', ready, touched } as IndexState<unknown>);
    return ready;
  }
}

import { readInSlices } from '../lib/store/read-in-slices.js';
import type { Store } from '../lib/store/store.js';

/** How to make an index of a collection: an empty one, a record added, and an optional last step. */
export interface OwnerIndexShape<R, I> {
  collection: string;
  empty(): I;
  add(index: I, id: string, record: R): void;
  /** Runs once every record was added (it may yield too); the index is used after it. */
  finish?(index: I): Promise<void>;
}

/** An index of a store's records by owner, kept beside the store (the limits per TPP). */
export interface OwnerIndex<I> {
  /**
   * The store's index: built on first call by one pass over the collection in slices (the event
   * loop is never held for long; concurrent callers wait for the same pass), then kept up by
   * {@link OwnerIndex.change}.
   */
  ready(store: Store): Promise<I>;
  /** The store's index if it is built. */
  built(store: Store): I | undefined;
  /**
   * Applies a change made to the store: at once when the index is built, at the end of the pass
   * when one is running (before any caller of `ready` sees it), not at all when none has started
   * (the pass will read the store as it then is).
   */
  change(store: Store, apply: (index: I) => void): void;
}

type State<I> = { index?: I; building: Promise<I>; queued: ((index: I) => void)[] };

/** An {@link OwnerIndex} of the collection `shape` describes, one per store. */
export function ownerIndex<R, I>(shape: OwnerIndexShape<R, I>): OwnerIndex<I> {
  const states = new WeakMap<Store, State<I>>();
  return {
    ready(store) {
      const known = states.get(store);
      if (known) return known.index ? Promise.resolve(known.index) : known.building;
      const state: State<I> = { building: Promise.resolve(shape.empty()), queued: [] };
      state.building = (async () => {
        try {
          const index = shape.empty();
          await readInSlices(store.entries<R>(shape.collection), ([id, record]) =>
            shape.add(index, id, record),
          );
          await shape.finish?.(index);
          for (const apply of state.queued) apply(index);
          state.queued = [];
          state.index = index;
          return index;
        } catch (err) {
          states.delete(store); // the next call tries again
          throw err;
        }
      })();
      states.set(store, state);
      return state.building;
    },
    built(store) {
      return states.get(store)?.index;
    },
    change(store, apply) {
      const state = states.get(store);
      if (!state) return;
      if (state.index) apply(state.index);
      else state.queued.push(apply);
    },
  };
}

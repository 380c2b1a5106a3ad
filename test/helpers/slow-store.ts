import { BANK_COLLECTIONS } from '../../aspsp-mock/model.js';
import { MemoryStore } from '../../lib/store/memory-store.js';

/** Turns of the event loop, counted by a chain of setImmediate callbacks until stopped. */
export function eventLoopTurns(): { readonly now: number; stop(): void } {
  let n = 0;
  let on = true;
  const spin = () => {
    if (!on) return;
    n++;
    setImmediate(spin);
  };
  setImmediate(spin);
  return {
    get now() {
      return n;
    },
    stop() {
      on = false;
    },
  };
}

/**
 * A bank store whose records cost about 20 µs each to read through `entries` (the file store
 * parses each record's JSON), noting the turn of the event loop each was read in: a pass that
 * holds the loop reads everything in one turn.
 */
export class SlowStore extends MemoryStore {
  readonly readTurns = new Set<number>();

  constructor(private readonly turns: { readonly now: number }) {
    super(Object.values(BANK_COLLECTIONS));
  }

  override *entries<T>(collection: string): IterableIterator<[string, T]> {
    for (const entry of super.entries<T>(collection)) {
      const until = performance.now() + 0.02;
      while (performance.now() < until);
      this.readTurns.add(this.turns.now);
      yield entry;
    }
  }
}

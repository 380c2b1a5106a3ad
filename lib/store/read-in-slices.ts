import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** The longest a pass holds the event loop between two yields, in milliseconds. */
export const SLICE_MS = 8;

/**
 * Calls `visit` with each of `records` (a store's entries, read one at a time), yielding to the
 * event loop whenever {@link SLICE_MS} have passed, so that a pass over a large collection never
 * holds the loop for long. Records changed during the pass may or may not be seen. Resolves once
 * every record was visited.
 */
export async function readInSlices<T>(records: Iterable<T>, visit: (record: T) => void): Promise<void> {
  let sliceStart = performance.now();
  let n = 0;
  for (const record of records) {
    visit(record);
    if (++n % 16 === 0 && performance.now() - sliceStart > SLICE_MS) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }
}

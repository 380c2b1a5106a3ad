import { performance } from 'node:perf_hooks';

const threshold = Number(process.env.OBMOCK_SLOW_SLICE_MS);

/**
 * Runs `fn` (synchronous work of the store) and, when OBMOCK_SLOW_SLICE_MS is
 * set, logs to stderr what it was if it held the event loop that long or
 * longer. A debugging aid for the event-loop figures in docs/store.md.
 */
export function slice<T>(what: () => string, fn: () => T): T {
  if (!(threshold > 0)) return fn();
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    const ms = performance.now() - t0;
    if (ms >= threshold) process.stderr.write(`[store slow slice] ${ms.toFixed(0)} ms ${what()}\n`);
  }
}

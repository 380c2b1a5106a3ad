/**
 * Debug aid for the event-loop figures: with OBMOCK_SLOW_SLICE_MS=N in the
 * environment, logs to stderr every stretch of N ms or more during which the
 * event loop did not turn (a timer every few ms measures its own lateness) and
 * every garbage-collection pause of N ms or more with its kind (major
 * mark-compact, minor scavenge, incremental marking, weak callbacks). The store's
 * own slices (open, replay, commit, compaction chunks) are logged by lib/store
 * under the same variable. Unset: nothing is measured.
 */
import { constants, PerformanceObserver, performance } from 'node:perf_hooks';

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major (mark-compact)',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor (scavenge)',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

export function watchSlowSlices(name: string): void {
  const threshold = Number(process.env.OBMOCK_SLOW_SLICE_MS);
  if (!(threshold > 0)) return;
  const log = (what: string, ms: number) =>
    process.stderr.write(`[${name} slow slice] ${ms.toFixed(0)} ms ${what}\n`);
  const tick = 5;
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const late = now - last - tick;
    if (late >= threshold) log('event loop blocked', late);
    last = now;
  }, tick).unref();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration < threshold) continue;
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      log(`GC ${kind === undefined ? '' : (GC_KINDS[kind] ?? kind)}`, e.duration);
    }
  }).observe({ entryTypes: ['gc'] });
}

/**
 * The soak subject: directory and one strict bank in one process (as
 * bench/sandbox-server.ts), which also reports, every `--interval` seconds, one
 * JSON line of its own health: event-loop delay (p50/p99/max, from
 * perf_hooks.monitorEventLoopDelay), RSS, heap, the bank store's record text
 * (off the heap: live and held) and the records the bank holds.
 * With `--clients N` the bank's store is first filled offline to N clients
 * (bench/lib/prefill-clients.ts), so the services start by reading them from
 * disk; a first line of kind 'start' gives the prefill and start times and the
 * memory once started.
 *
 *   node dist/bench/soak-server.js --data-dir <dir> [--interval 60] [--clients N]
 */
import { constants, monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FileStore } from '../lib/store/index.js';
import { defaultBankDb, prefillClients } from './lib/prefill-clients.js';
import { runServer, startSandbox, stopWithParent } from './lib/serve-sandbox.js';
import { watchSlowSlices } from './lib/slow-slices.js';

export interface SoakHealth {
  kind: 'health';
  eventLoopP50Ms: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  rssMiB: number;
  heapUsedMiB: number;
  /** Heap used as last seen just after a full (mark-compact) garbage collection: the live heap, without request garbage. */
  heapAfterFullGcMiB: number;
  /** The bank store's record text, off the V8 heap: bytes of live records, and of the chunks held. */
  storeLiveMiB: number;
  storeHeldMiB: number;
  clients: number;
  tokens: number;
  jtis: number;
}

export interface SoakStart {
  kind: 'start';
  prefilled: number;
  prefillMs: number;
  /** Time to start directory and bank (the bank's store opened with the prefilled clients). */
  startMs: number;
  /** After a full garbage collection. */
  rssMiB: number;
  heapUsedMiB: number;
  clients: number;
}

/** A full garbage collection, so the memory figures count live data only. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const mib = (n: number): number => Math.round((n / 1024 / 1024) * 10) / 10;
const ms = (ns: number): number => Math.round(ns / 1e5) / 10;

runServer('soak-server', async () => {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      interval: { type: 'string', default: '60' },
      clients: { type: 'string', default: '0' },
    },
    strict: true,
  });
  const dataDir = values['data-dir'];
  const interval = Number(values.interval);
  const clients = Number(values.clients);
  if (!dataDir || !(interval > 0) || !Number.isInteger(clients) || clients < 0)
    throw new Error('usage: soak-server --data-dir <dir> [--interval SECONDS] [--clients N]');
  watchSlowSlices('soak-server');
  let t0 = performance.now();
  const prefilled = clients > 0 ? await prefillClients(defaultBankDb(dataDir), clients) : 0;
  const prefillMs = Math.round(performance.now() - t0);
  t0 = performance.now();
  const sandbox = await startSandbox(dataDir);
  const startMs = Math.round(performance.now() - t0);
  // The bank's store as the bank holds it may be a wrapper (the admin listings' ListedStore,
  // which keeps their order index): the figures are the file store's, underneath.
  const store = fileStoreOf(sandbox.aspsp.banks[0].ctx.store);
  collectGarbage();
  const mem0 = process.memoryUsage();
  const start: SoakStart = {
    kind: 'start',
    prefilled,
    prefillMs,
    startMs,
    rssMiB: mib(mem0.rss),
    heapUsedMiB: mib(mem0.heapUsed),
    clients: store.count('clients'),
  };
  let heapAfterFullGc = mem0.heapUsed;
  const gcWatch = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      if (
        (e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR
      )
        heapAfterFullGc = getHeapStatistics().used_heap_size;
  });
  gcWatch.observe({ entryTypes: ['gc'] });
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const timer = setInterval(() => {
    const mem = process.memoryUsage();
    const health: SoakHealth = {
      kind: 'health',
      eventLoopP50Ms: ms(histogram.percentile(50)),
      eventLoopP99Ms: ms(histogram.percentile(99)),
      eventLoopMaxMs: ms(histogram.max),
      rssMiB: mib(mem.rss),
      heapUsedMiB: mib(mem.heapUsed),
      heapAfterFullGcMiB: mib(heapAfterFullGc),
      storeLiveMiB: mib(store.memory().liveBytes),
      storeHeldMiB: mib(store.memory().heldBytes),
      clients: store.count('clients'),
      tokens: store.count('tokens'),
      jtis: store.count('jtis'),
    };
    histogram.reset();
    process.stdout.write(`${JSON.stringify(health)}\n`);
  }, interval * 1000);
  stopWithParent(sandbox, () => {
    clearInterval(timer);
    gcWatch.disconnect();
  });
  process.stdout.write(`${JSON.stringify(start)}\n`);
  process.stdout.write(`${JSON.stringify(sandbox.info)}\n`);
});

/** The FileStore under any wrappers that keep theirs as `inner`. */
function fileStoreOf(store: unknown): FileStore {
  let s = store as { inner?: unknown };
  for (let i = 0; i < 4 && !(s instanceof FileStore) && s.inner; i++) s = s.inner as { inner?: unknown };
  if (!(s instanceof FileStore)) throw new Error('soak: the bank store is not a file store');
  return s;
}

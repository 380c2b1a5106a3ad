/**
 * `node dist/bench/store-stall.js [--clients 100000] [--seconds 60]`: the bank
 * store alone at a given size. Fills a FileStore with that many clients (of
 * the bank's record shape and about 3.5 KB each, bench/lib/prefill-clients.ts),
 * reopens it (printing the time and the memory after a full GC), then writes new records at full rate (group commits,
 * journal threshold passed, background compactions) while
 * perf_hooks.monitorEventLoopDelay watches the event loop. Prints the open
 * time, writes per second, compactions, event-loop delay p50/p99/max and RSS.
 * The load average is printed beside: on a busy machine the delay includes
 * time the process waited for a CPU.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { bankCollections } from '../aspsp-mock/model.js';
import { FileStore } from '../lib/store/index.js';
import { syntheticClient } from './lib/prefill-clients.js';
import { watchSlowSlices } from './lib/slow-slices.js';

const ms = (ns: number) => (ns / 1e6).toFixed(1);
const mib = (n: number) => (n / 1048576).toFixed(0);

/** A full garbage collection, so the memory figures count live data only. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { clients: { type: 'string', default: '100000' }, seconds: { type: 'string', default: '60' } },
    strict: true,
  });
  const clients = Number(values.clients);
  const seconds = Number(values.seconds);
  watchSlowSlices('store-stall');
  const dir = mkdtempSync(join(tmpdir(), 'obmock-store-stall-'));
  try {
    const now = new Date();
    let store = await FileStore.open(dir, { collections: bankCollections() });
    for (let i = 0; i < clients; i += 1000) {
      await Promise.all(
        Array.from({ length: Math.min(1000, clients - i) }, (_, j) =>
          store.put('clients', `c${i + j}`, syntheticClient(now)),
        ),
      );
    }
    await store.close();
    const t0 = performance.now();
    store = await FileStore.open(dir, { collections: bankCollections() });
    const openMs = performance.now() - t0;
    collectGarbage();
    const mem = process.memoryUsage();
    process.stdout.write(
      `${store.count('clients')} clients reopened in ${openMs.toFixed(0)} ms; after a full GC: RSS ${mib(mem.rss)} MiB, ` +
        `heap ${mib(mem.heapUsed)} MiB (${mib((mem.heapUsed / store.count('clients')) * 10_000)} MiB per 10,000 clients); load average ${loadavg()[0].toFixed(1)}\n`,
    );
    const h = monitorEventLoopDelay({ resolution: 10 });
    h.enable();
    const end = performance.now() + seconds * 1000;
    let writes = 0;
    const writer = async (w: number) => {
      for (let n = 0; performance.now() < end; n++) {
        await store.put('clients', `new-${w}-${n}`, syntheticClient(now));
        writes++;
      }
    };
    await Promise.all(Array.from({ length: 16 }, (_, w) => writer(w)));
    await store.settled();
    h.disable();
    collectGarbage();
    const after = process.memoryUsage();
    const text = store.memory();
    process.stdout.write(
      `${store.count('clients')} clients; open ${openMs.toFixed(0)} ms; ${(writes / seconds).toFixed(0)} writes/s for ${seconds} s; ` +
        `${store.stats.compactions} compactions; event-loop delay p50 ${ms(h.percentile(50))} ms, p99 ${ms(h.percentile(99))} ms, max ${ms(h.max)} ms; ` +
        `after a full GC: RSS ${mib(after.rss)} MiB, heap ${mib(after.heapUsed)} MiB ` +
        `(${((after.heapUsed - mem.heapUsed) / Math.max(1, writes)) | 0} bytes per record written); ` +
        `record text off the heap ${mib(text.liveBytes)} MiB live, ${mib(text.heldBytes)} MiB held; load average ${loadavg()[0].toFixed(1)}\n`,
    );
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`store-stall: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

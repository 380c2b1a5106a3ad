/**
 * `node dist/bench/admin-listings.js [--clients 100000] [--calls 50]`: what a
 * call to the bank's admin listings costs at a given store size. Fills a bank
 * store offline (bench/lib/prefill-clients.ts), reopens it, serves
 * `{issuer}/admin/clients` from it on loopback (the bank's own router over the
 * store wrapped as the bank wraps it) and times, as the median of `--calls`
 * calls each: the first page, a page 50 pages deep, a filter by organisation,
 * and the first call (which builds the listing index) with the event loop's
 * longest stall during it. For comparison it times what a call cost before
 * the index: reading and sorting the whole collection. The load average is
 * printed beside: on a busy machine every figure includes time spent waiting
 * for a CPU.
 */
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import express from 'express';
import { trackListings } from '../aspsp-mock/admin/listings.js';
import { bankAdminRouter } from '../aspsp-mock/admin/router.js';
import type { BankContext } from '../aspsp-mock/context.js';
import { BANK_COLLECTIONS, bankCollections, type ClientRecord } from '../aspsp-mock/model.js';
import { errorHandler } from '../lib/http/index.js';
import { createLogger } from '../lib/logger.js';
import { FileStore } from '../lib/store/index.js';
import { prefillClients } from './lib/prefill-clients.js';
import { watchSlowSlices } from './lib/slow-slices.js';
import { withTempDir } from './lib/temp-dir.js';

const ADMIN = 'bench-admin-token';
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number): string => `${x.toFixed(2)} ms`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { clients: { type: 'string', default: '100000' }, calls: { type: 'string', default: '50' } },
    strict: true,
  });
  const clients = Number(values.clients);
  const calls = Number(values.calls);
  if (!Number.isInteger(clients) || clients < 1 || !Number.isInteger(calls) || calls < 1)
    throw new Error('usage: admin-listings [--clients N] [--calls N]');
  watchSlowSlices('admin-listings');
  await withTempDir('obmock-listings-', async (dir) => {
    let t0 = performance.now();
    await prefillClients(dir, clients);
    process.stdout.write(`prefill ${clients} clients: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    t0 = performance.now();
    const raw = await FileStore.open(dir, { collections: bankCollections() });
    process.stdout.write(`reopen: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const store = trackListings(raw);
    const ctx = { id: 'bench', store, now: () => new Date() } as unknown as BankContext;
    const app = express();
    app.use('/admin', bankAdminRouter(ctx, ADMIN));
    app.use(errorHandler(createLogger('error', { service: 'bench' })));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin`;
    const get = async (path: string): Promise<{ ms: number; next?: string; items: ClientRecord[] }> => {
      const start = performance.now();
      const res = await fetch(`${base}/${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
      const body = (await res.json()) as { next_cursor?: string; items: ClientRecord[] };
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
      return { ms: performance.now() - start, next: body.next_cursor, items: body.items };
    };
    try {
      const loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      const first = await get('clients?limit=20');
      loop.disable();
      process.stdout.write(
        `first call (builds the index): ${fmt(first.ms)}, longest event-loop stall ${fmt(loop.max / 1e6)}\n`,
      );
      const times = async (what: string, path: () => Promise<string>) => {
        const ms: number[] = [];
        for (let i = 0; i < calls; i++) ms.push((await get(await path())).ms);
        process.stdout.write(`${what}: median ${fmt(median(ms))}, max ${fmt(Math.max(...ms))}\n`);
      };
      await times('first page, limit 100', async () => 'clients?limit=100');
      let deep = '';
      let cursor = first.next;
      for (let i = 0; i < 50 && cursor; i++) {
        deep = `clients?limit=100&cursor=${cursor}`;
        cursor = (await get(deep)).next;
      }
      await times('a page 50 pages deep, limit 100', async () => deep);
      const org = first.items[0].org_id;
      await times('filtered by organisation', async () => `clients?org_id=${org}`);
      // Before the index: every call read the whole collection and sorted it.
      const before: number[] = [];
      for (let i = 0; i < Math.min(calls, 10); i++) {
        const start = performance.now();
        const all = raw.list<ClientRecord>(BANK_COLLECTIONS.clients);
        all
          .map((c) => ({ c, at: c.createdAt, id: c.client_id }))
          .sort((a, b) => (a.at === b.at ? (a.id < b.id ? -1 : 1) : a.at > b.at ? -1 : 1));
        before.push(performance.now() - start);
      }
      process.stdout.write(
        `before (read and sort the whole collection, on the loop): median ${fmt(median(before))}\n`,
      );
      process.stdout.write(
        `load average ${loadavg()
          .map((x) => x.toFixed(1))
          .join(' ')}\n`,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await raw.close();
    }
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});

/**
 * The soak subject: directory and one strict bank in one process (as
 * bench/sandbox-server.ts), which also reports, every `--interval` seconds, one
 * JSON line of its own health: event-loop delay (p50/p99/max, from
 * perf_hooks.monitorEventLoopDelay), RSS, heap and the records the bank holds.
 *
 *   node dist/bench/soak-server.js --data-dir <dir> [--interval 60]
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startAspsp } from '../aspsp-mock/index.js';
import { startDirectory } from '../directory/index.js';
import type { FileStore } from '../lib/store/index.js';
import type { SandboxServerInfo } from './sandbox-server.js';

export interface SoakHealth {
  kind: 'health';
  eventLoopP50Ms: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  rssMiB: number;
  heapUsedMiB: number;
  clients: number;
  tokens: number;
  jtis: number;
}

const mib = (n: number): number => Math.round((n / 1024 / 1024) * 10) / 10;
const ms = (ns: number): number => Math.round(ns / 1e5) / 10;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'data-dir': { type: 'string' }, interval: { type: 'string', default: '60' } },
    strict: true,
  });
  const dataDir = values['data-dir'];
  const interval = Number(values.interval);
  if (!dataDir || !(interval > 0))
    throw new Error('usage: soak-server --data-dir <dir> [--interval SECONDS]');
  const directory = await startDirectory({ dataDir, port: 0, bindAddress: '127.0.0.1', logLevel: 'silent' });
  const aspsp = await startAspsp({
    dataDir,
    port: 0,
    bindAddress: '127.0.0.1',
    logLevel: 'silent',
    directory: {
      url: directory.url,
      caBundlePem: readFileSync(directory.ca.bundle, 'utf8'),
      adminToken: directory.adminToken,
    },
  });
  const bank = aspsp.banks[0];
  const store = bank.ctx.store as FileStore;
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
      clients: store.count('clients'),
      tokens: store.count('tokens'),
      jtis: store.count('jtis'),
    };
    histogram.reset();
    process.stdout.write(`${JSON.stringify(health)}\n`);
  }, interval * 1000);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    Promise.all([aspsp.close(), directory.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const info: SandboxServerInfo = {
    directoryUrl: directory.url,
    adminToken: directory.adminToken,
    caBundle: directory.ca.bundle,
    issuer: bank.issuer,
    discovery: bank.discovery,
    orgId: bank.orgId,
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`soak-server: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

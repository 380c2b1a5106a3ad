import { performance } from 'node:perf_hooks';
import { mainThreadCpuMs, processCpuMs } from './cpu.js';

export interface SyncRateOptions {
  /** Untimed iterations first (JIT, caches). */
  warmupOps?: number;
  /** Measure at least this long… */
  minMs?: number;
  /** …and at least this many operations. */
  minOps?: number;
}

export interface SyncRate {
  opsPerSec: number;
  ops: number;
  elapsedMs: number;
}

/**
 * The median of several rates (mean of the middle two for an even count). Floor
 * rounds bracket a load phase; their median sees the same machine conditions
 * (other processes included) as the load phase did, where the best round would
 * compare a quiet moment with a busy one.
 */
export function medianRate(rates: SyncRate[]): SyncRate {
  if (rates.length === 0) throw new RangeError('medianRate: no rates');
  const sorted = [...rates].sort((a, b) => a.opsPerSec - b.opsPerSec);
  const mid = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[mid];
  const [a, b] = [sorted[mid - 1], sorted[mid]];
  return {
    opsPerSec: (a.opsPerSec + b.opsPerSec) / 2,
    ops: a.ops + b.ops,
    elapsedMs: a.elapsedMs + b.elapsedMs,
  };
}

/** Ops/s of a synchronous operation run back to back on this thread. */
export function measureSyncRate(op: () => void, options: SyncRateOptions = {}): SyncRate {
  const warmupOps = options.warmupOps ?? 50;
  const minMs = options.minMs ?? 1500;
  const minOps = options.minOps ?? 200;
  for (let i = 0; i < warmupOps; i++) op();
  const start = performance.now();
  let ops = 0;
  let elapsedMs = 0;
  while (ops < minOps || elapsedMs < minMs) {
    op();
    ops++;
    elapsedMs = performance.now() - start;
  }
  return { opsPerSec: (ops * 1000) / elapsedMs, ops, elapsedMs };
}

export interface LoadOptions {
  /** Measured operations. */
  ops: number;
  /** Operations run (same concurrency) before the clock starts. */
  warmup: number;
  /** Operations in flight at once (closed loop: each worker waits for its answer). */
  concurrency: number;
  /** One operation; `i` counts from 0 across warm-up and measurement. Must throw on failure. */
  op(i: number): Promise<void>;
  /** The server process, whose CPU time over the measured phase is reported too. */
  serverPid?: number;
}

export interface LoadResult {
  opsPerSec: number;
  ops: number;
  elapsedMs: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of this process (the load generator) per measured operation. */
  clientCpuMsPerOp: number;
  /** CPU time of the server process per measured operation, where it can be read. */
  serverCpuMsPerOp?: number;
  /** The part of it on the server's main thread (its event loop), where it can be read. */
  serverMainThreadCpuMsPerOp?: number;
}

/** The value at quantile q (0–1) of ascending `sorted`, nearest rank. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/**
 * Runs `concurrency` workers that each issue operations one after another until
 * `total` have started. The first failure stops every worker and is rethrown.
 */
async function closedLoop(
  first: number,
  total: number,
  concurrency: number,
  op: (i: number) => Promise<void>,
  latencies: number[] | undefined,
): Promise<void> {
  let next = first;
  const end = first + total;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && next < end) {
      const i = next++;
      const t0 = performance.now();
      try {
        await op(i);
      } catch (error) {
        failure ??= { error };
        return;
      }
      latencies?.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  if (failure) throw failure.error;
}

/** Warm-up, then a timed closed-loop run of `ops` operations: throughput and latency. */
export async function measureLoad(options: LoadOptions): Promise<LoadResult> {
  const { ops, warmup, concurrency, op } = options;
  if (!Number.isInteger(ops) || ops < 1) throw new RangeError(`ops must be a positive integer, got ${ops}`);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  if (warmup > 0) await closedLoop(0, warmup, concurrency, op, undefined);
  const latencies: number[] = [];
  const clientCpu0 = processCpuMs()!;
  const serverCpu0 = options.serverPid === undefined ? undefined : processCpuMs(options.serverPid);
  const serverMain0 = options.serverPid === undefined ? undefined : mainThreadCpuMs(options.serverPid);
  const start = performance.now();
  await closedLoop(Math.max(0, warmup), ops, concurrency, op, latencies);
  const elapsedMs = performance.now() - start;
  const clientCpu = processCpuMs()! - clientCpu0;
  const serverCpu1 = options.serverPid === undefined ? undefined : processCpuMs(options.serverPid);
  const serverMain1 = options.serverPid === undefined ? undefined : mainThreadCpuMs(options.serverPid);
  latencies.sort((a, b) => a - b);
  return {
    opsPerSec: (ops * 1000) / elapsedMs,
    ops,
    elapsedMs,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    clientCpuMsPerOp: clientCpu / ops,
    ...(serverCpu0 !== undefined && serverCpu1 !== undefined
      ? { serverCpuMsPerOp: (serverCpu1 - serverCpu0) / ops }
      : {}),
    ...(serverMain0 !== undefined && serverMain1 !== undefined
      ? { serverMainThreadCpuMsPerOp: (serverMain1 - serverMain0) / ops }
      : {}),
  };
}

/** "2000 ops in 2.31 s, latency p50 6.1 ms, p99 14.0 ms; CPU per op: server 1.10 ms (95% of a core; main thread 0.90 ms), client 0.40 ms" */
export function describeLoad(r: LoadResult): string {
  const wallMsPerOp = r.elapsedMs / r.ops;
  const server =
    r.serverCpuMsPerOp === undefined
      ? ''
      : `server ${r.serverCpuMsPerOp.toFixed(2)} ms (${((100 * r.serverCpuMsPerOp) / wallMsPerOp).toFixed(0)}% of a core${
          r.serverMainThreadCpuMsPerOp === undefined
            ? ''
            : `; main thread ${r.serverMainThreadCpuMsPerOp.toFixed(2)} ms`
        }), `;
  return `${r.ops} ops in ${(r.elapsedMs / 1000).toFixed(2)} s, latency p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms; CPU per op: ${server}client ${r.clientCpuMsPerOp.toFixed(2)} ms`;
}

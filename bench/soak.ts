/**
 * `npm run soak -- --minutes N`: valid registrations at full rate (8 keep-alive
 * mTLS connections) against a fresh sandbox in its own process, for N
 * minutes. Prints, per interval (a minute by default): registrations per
 * second, p50/p99 latency of POST /register, the server's event-loop delay
 * p99 and max, its RSS and heap, the bank store's record text (off the heap,
 * live/held) and the records the bank holds. Not part of
 * the test suite; see docs/store.md for what the figures are measured against.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KeyPool } from '../certs/index.js';
import {
  buildRegistrationClaims,
  refreshSsa,
  signRegistrationJwt,
  type TppMaterial,
} from '../tpp-client/index.js';
import { bankPool, onboardBenchTpp } from './lib/bank-setup.js';
import type { SandboxProcess } from './lib/sandbox-process.js';
import { serviceNodeArgs } from './lib/service-node-args.js';
import type { SandboxServerInfo } from './sandbox-server.js';
import type { SoakHealth, SoakStart } from './soak-server.js';

const USAGE = `usage: npm run soak -- [--minutes N] [--interval SECONDS] [--concurrency N]
  --minutes N        how long to run (default 10)
  --interval S       seconds per printed line (default 60)
  --concurrency N    requests in flight (default 8)
  --clients N        first fill the bank's store offline to N clients (default 0)`;

const SERVER = fileURLToPath(new URL('./soak-server.js', import.meta.url));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      options: {
        minutes: { type: 'string', default: '10' },
        interval: { type: 'string', default: '60' },
        concurrency: { type: 'string', default: '8' },
        clients: { type: 'string', default: '0' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const minutes = Number(values.minutes);
  const interval = Number(values.interval);
  const concurrency = Number(values.concurrency);
  const clients = Number(values.clients);
  if (
    !(minutes > 0) ||
    !(interval > 0) ||
    !Number.isInteger(concurrency) ||
    concurrency < 1 ||
    !Number.isInteger(clients) ||
    clients < 0
  ) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'obmock-soak-'));
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      ...serviceNodeArgs(),
      SERVER,
      '--data-dir',
      dataDir,
      '--interval',
      String(interval),
      '--clients',
      String(clients),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  const health: SoakHealth[] = [];
  let info: SandboxServerInfo | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`soak server exited (code ${code})`)));
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as SandboxServerInfo | SoakHealth | SoakStart;
      if ('kind' in msg && msg.kind === 'start') {
        process.stdout.write(
          `soak: ${msg.prefilled > 0 ? `prefilled ${msg.prefilled} clients in ${(msg.prefillMs / 1000).toFixed(1)} s; ` : ''}` +
            `server started with ${msg.clients} clients in ${(msg.startMs / 1000).toFixed(1)} s; ` +
            `RSS ${msg.rssMiB} MiB, heap ${msg.heapUsedMiB} MiB; load ${loadavg()[0].toFixed(1)}\n`,
        );
      } else if ('kind' in msg) health.push(msg);
      else {
        info = msg;
        resolve();
      }
    });
  });
  try {
    await ready;
    const s: SandboxProcess = { ...info!, ca: readFileSync(info!.caBundle, 'utf8'), pid: child.pid! };
    const keys = new KeyPool({ bits: 2048, size: 2 });
    let m: TppMaterial = await onboardBenchTpp(s, keys);
    keys.close();
    const pool = bankPool(s, m, concurrency);
    const path = `${new URL(s.issuer).pathname}/register`;
    const deadline = performance.now() + minutes * 60_000;
    let latencies: number[] = [];
    let failures = 0;
    let lastSsa = performance.now();
    const sign = () =>
      signRegistrationJwt(
        buildRegistrationClaims({
          softwareStatement: m.ssa,
          aud: s.orgId,
          tokenEndpointAuthMethod: 'tls_client_auth',
          transportCertPem: m.transport.certPem,
          redirectUris: ['https://bench.example/cb'],
          lifetimeSeconds: 300,
        }),
        m.signing.keyPem,
        { kid: m.signing.kid },
      );
    const worker = async () => {
      while (performance.now() < deadline) {
        const jwt = await sign();
        const t0 = performance.now();
        const res = await pool.request({
          method: 'POST',
          path,
          headers: { 'content-type': 'application/jose' },
          body: jwt,
        });
        await res.body.text();
        if (res.statusCode === 201) latencies.push(performance.now() - t0);
        else failures++;
      }
    };
    process.stdout.write(
      `soak: ${minutes} min of POST /register, ${concurrency} in flight; one line per ${interval} s\n` +
        'minute  reg/s   p50 ms  p99 ms  fail  | server: loop p99 ms  loop max ms  rss MiB  heap MiB (after full GC)  store MiB live/held  clients   load\n',
    );
    const soakStart = performance.now();
    let lineStart = performance.now();
    const printLine = () => {
      const seconds = (performance.now() - lineStart) / 1000;
      lineStart = performance.now();
      const sorted = latencies.sort((a, b) => a - b);
      const h = health.at(-1);
      process.stdout.write(
        `${((performance.now() - soakStart) / 60_000).toFixed(2).padEnd(7)} ${(sorted.length / seconds).toFixed(1).padStart(6)}  ${percentile(sorted, 50).toFixed(0).padStart(6)}  ${percentile(sorted, 99).toFixed(0).padStart(6)}  ${String(failures).padStart(4)}  | ` +
          `${String(h?.eventLoopP99Ms ?? '-').padStart(17)}  ${String(h?.eventLoopMaxMs ?? '-').padStart(11)}  ${String(h?.rssMiB ?? '-').padStart(7)}  ${(h ? `${h.heapUsedMiB} (${h.heapAfterFullGcMiB})` : '-').padStart(24)}  ${(h ? `${h.storeLiveMiB}/${h.storeHeldMiB}` : '-').padStart(19)}  ${String(h?.clients ?? '-').padStart(7)}  ${loadavg()[0].toFixed(1).padStart(5)}\n`,
      );
      latencies = [];
      failures = 0;
    };
    const report = setInterval(() => {
      printLine();
      // A fresh SSA every 10 minutes: the bank refuses SSAs older than an hour.
      if (performance.now() - lastSsa > 600_000) {
        lastSsa = performance.now();
        refreshSsa(m).then(
          (fresh) => {
            m = fresh;
          },
          () => undefined,
        );
      }
    }, interval * 1000);
    await Promise.all(Array.from({ length: concurrency }, worker));
    clearInterval(report);
    if (latencies.length > 0) printLine();
    await pool.close();
    return 0;
  } finally {
    child.stdin?.end();
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`soak: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * lib/process/lower-background-priority.cts, preloaded as the service processes are
 * started (bench/lib/service-node-args.ts), read back from /proc in a new node process.
 */
const PRELOAD = fileURLToPath(
  new URL('../../dist/lib/process/lower-background-priority.cjs', import.meta.url),
);

/** A second preload, run after the first: the threads that exist at that moment. */
const RECORD_THREADS = `globalThis.threadsAtPreload = require('node:fs').readdirSync('/proc/self/task');\n`;

/**
 * After the preloads: start libuv's thread pool (a file read, a signature checked in it)
 * and a worker thread, then report every thread's nice value (field 19 of its stat).
 */
const REPORT = `
const { readdirSync, readFileSync } = require('node:fs');
const { generateKeyPairSync, sign, verify } = require('node:crypto');
const { Worker } = require('node:worker_threads');
const nice = (tid) => Number(readFileSync('/proc/self/task/' + tid + '/stat', 'utf8').split(') ')[1].split(' ')[16]);
(async () => {
  await require('node:fs/promises').readFile(__filename);
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.from('x');
  const ok = await new Promise((res, rej) => verify('sha256', data, publicKey, sign('sha256', data, privateKey), (e, v) => e ? rej(e) : res(v)));
  const worker = new Worker('require("node:worker_threads").parentPort.postMessage(require("node:fs").readFileSync("/proc/thread-self/stat", "utf8").split(" ")[0])', { eval: true });
  const workerTid = await new Promise((res) => worker.once('message', res));
  const threads = Object.fromEntries(readdirSync('/proc/self/task').map((t) => [t, nice(t)]));
  await worker.terminate();
  process.stdout.write(JSON.stringify({ pid: String(process.pid), atPreload: globalThis.threadsAtPreload, workerTid, ok, threads }));
})();
`;

interface Report {
  pid: string;
  atPreload: string[];
  workerTid: string;
  ok: boolean;
  threads: Record<string, number>;
}

function run(dir: string, args: string[]): Report {
  writeFileSync(join(dir, 'record-threads.cjs'), RECORD_THREADS);
  writeFileSync(join(dir, 'report.cjs'), REPORT);
  const { NODE_OPTIONS: _, ...env } = process.env;
  const out = execFileSync(
    process.execPath,
    [...args, '--require', join(dir, 'record-threads.cjs'), join(dir, 'report.cjs')],
    { env, encoding: 'utf8' },
  );
  return JSON.parse(out) as Report;
}

describe.runIf(process.platform === 'linux')('the background-priority preload', () => {
  const tmp = () => tempDir('obmock-nice-');
  // the nice value this test runs at, which a new process inherits (0 unless run under `nice`)
  const base = getPriority();

  it('gives the threads Node started before it (V8’s platform) nice 19, and no other thread', () => {
    const r = run(tmp(), ['--require', PRELOAD]);
    expect(r.ok).toBe(true);
    const lowered = Object.keys(r.threads).filter((t) => r.threads[t] === 19);
    // the main thread (the event loop) keeps its priority
    expect(r.threads[r.pid]).toBe(base);
    // every other thread that existed at the preload: Node's delayed-task runner and V8's
    // four workers (--v8-pool-size defaults to 4), at least
    expect(r.atPreload.length).toBeGreaterThanOrEqual(6);
    expect(lowered.sort()).toEqual(r.atPreload.filter((t) => t !== r.pid).sort());
    // libuv's pool (started by the file read and the verification) and the worker thread,
    // created later by the main thread, keep the main thread's priority
    const later = Object.keys(r.threads).filter((t) => !r.atPreload.includes(t));
    expect(later).toContain(r.workerTid);
    expect(later.length).toBeGreaterThanOrEqual(5);
    for (const t of later) expect(r.threads[t], `thread ${t}`).toBe(base);
  });

  it('lowers as many workers as --v8-pool-size asks for', () => {
    const two = run(tmp(), ['--v8-pool-size=2', '--require', PRELOAD]);
    const four = run(tmp(), ['--require', PRELOAD]);
    const lowered = (r: Report) => Object.values(r.threads).filter((n) => n === 19).length;
    expect(lowered(four) - lowered(two)).toBe(2);
  });

  it('leaves every thread at the inherited nice value without the preload', () => {
    const r = run(tmp(), []);
    expect(Object.values(r.threads).every((n) => n === base)).toBe(true);
    expect(Object.keys(r.threads).length).toBeGreaterThan(r.atPreload.length);
  });
});

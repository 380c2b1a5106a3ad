/**
 * Preloaded by every service process (`node --require …/lower-background-priority.cjs`,
 * see bench/lib/service-node-args.ts): gives V8's background threads the lowest
 * scheduling priority, so that on a busy machine the event loop's thread runs first.
 *
 * A fresh service spends its first thousands of requests with V8 compiling its hot
 * code on the platform's worker threads (TurboFan), and those threads also run the
 * concurrent parts of garbage collection. Under the registration load on two cores
 * they took 30–40 % of the bank's CPU, competing with the event loop (which every
 * request waits for) and with the clients. At nice 19 they get the cores when the
 * event loop does not need them; nothing they do is lost, it finishes later (the
 * event loop then runs unoptimised code a little longer, and V8's main-thread
 * garbage collection steps still keep the heap bounded). docs/speed.md, "V8's
 * background threads yield to the event loop".
 *
 * It must run as a preload: at that moment the only threads besides the main one are
 * Node's platform threads (its delayed-task runner and V8's workers, `--v8-pool-size`,
 * 4 by default). libuv's thread pool (file system, crypto callbacks, the store's
 * durable writes: work a request waits for) starts at its first use, later, and so do
 * worker threads; both are created by the main thread and keep its priority, as does the
 * main thread itself (a worker thread runs the preload too, and it does nothing there).
 * On a system without `/proc/self/task` (not Linux) it does nothing;
 * raising a thread's nice value needs no privilege, and any error leaves the default.
 */
import fs = require('node:fs');
import os = require('node:os');
import workerThreads = require('node:worker_threads');

/** The lowest priority (highest nice value) a thread can have on Linux. */
const BACKGROUND_NICE = 19;

function lowerBackgroundPriority(): void {
  // A worker thread runs the process's preloads again, when libuv's pool and other
  // threads exist: only the main thread's run, at the process's start, may act.
  if (!workerThreads.isMainThread) return;
  let threads: string[];
  try {
    threads = fs.readdirSync('/proc/self/task');
  } catch {
    return;
  }
  for (const tid of threads) {
    if (Number(tid) === process.pid) continue;
    try {
      os.setPriority(Number(tid), BACKGROUND_NICE);
    } catch {
      // keep the thread's priority
    }
  }
}

lowerBackgroundPriority();

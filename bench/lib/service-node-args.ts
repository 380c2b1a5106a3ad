import { fileURLToPath } from 'node:url';

/**
 * Node options every service process runs with: `npm start` and the container
 * image pass the same ones (test/bench/service-node-args.test.ts checks it).
 *
 * A young generation of 64 MiB per semi-space, from the start (V8's default
 * starts at 1 MiB and stops at 16 or 32 MiB depending on the machine's
 * memory). Under a steady load, what survives a scavenge is mostly what the
 * requests in flight hold at that moment; with a young generation four times
 * larger, scavenges come four times less often, so far fewer of those objects
 * are copied and promoted per request, and the old generation fills (and is
 * marked by a full collection) less often. The cost is memory: 128 MiB of
 * young generation reserved while the service runs. See docs/speed.md,
 * "Garbage collection under the registration load".
 *
 * V8's interrupt budget a quarter of its default (67,584 in Node 20): a hot
 * function is considered for optimised code after a quarter of the bytecode
 * it used to run first, so a fresh service reaches its steady cost per
 * request after fewer requests (the bank's registrations: ≈2,000 instead of
 * ≈3,500). Nothing changes once warm. See docs/speed.md, "Fourth round".
 *
 * Not `--no-lazy-feedback-allocation`: it made the bank's warm-up 4–9 % faster,
 * but with it V8 intermittently mis-ran Express's `app.get(setting)` and the
 * directory answered 500 to every request from then on (docs/speed.md,
 * "Feedback from the first call: measured, then undone").
 *
 * A preload that gives V8's background threads (its optimising compiler and
 * the concurrent parts of garbage collection) the lowest scheduling priority,
 * so that they use the cores the event loop leaves free
 * (lib/process/lower-background-priority.cts; docs/speed.md, "V8's background
 * threads yield to the event loop"). The path is relative to the package root,
 * where `npm start` and the container image run; see {@link serviceNodeArgs}.
 */
const V8_OPTIONS = ['--min-semi-space-size=64', '--max-semi-space-size=64', '--interrupt-budget=16384'];

/** The compiled preload, relative to the package root. */
const PRELOAD_IN_PACKAGE = './dist/lib/process/lower-background-priority.cjs';

export const SERVICE_NODE_ARGS: readonly string[] = [...V8_OPTIONS, '--require', PRELOAD_IN_PACKAGE];

/**
 * The compiled preload's absolute path: next to this module in dist/ (dist/bench/lib →
 * dist/lib/process), or, when this module runs from its source (the tests), in dist/.
 */
const PRELOAD = fileURLToPath(
  new URL(
    import.meta.url.includes('/dist/bench/')
      ? '../../lib/process/lower-background-priority.cjs'
      : `../../${PRELOAD_IN_PACKAGE}`,
    import.meta.url,
  ),
);

/** {@link SERVICE_NODE_ARGS} for a process started from any directory: the preload's path made absolute. */
export function serviceNodeArgs(): string[] {
  return [...V8_OPTIONS, '--require', PRELOAD];
}

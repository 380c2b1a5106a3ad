import { afterAll, beforeAll } from 'vitest';
import { onboardTpp, startTestSandbox, type TestSandbox, type TestTpp } from './sandbox.js';

/**
 * An object standing for the value `get` returns once a `beforeAll` hook has made it: every
 * property read goes through to that value, so a test file can name it at top level
 * (`const sb = useTestSandbox()`) and use it as it is in its hooks and tests.
 */
function later<T extends object>(what: string, get: () => T | undefined): T {
  const value = (): T => {
    const v = get();
    if (!v) throw new Error(`${what} is used before the beforeAll hook that makes it ran`);
    return v;
  };
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(value(), key),
    has: (_, key) => Reflect.has(value(), key),
    ownKeys: () => Reflect.ownKeys(value()),
    getOwnPropertyDescriptor: (_, key) => {
      const d = Reflect.getOwnPropertyDescriptor(value(), key);
      return d ? { ...d, configurable: true } : undefined;
    },
  });
}

/** A directory + bank (`startTestSandbox`) started before this file's tests and closed after them. */
export function useTestSandbox(opts: Parameters<typeof startTestSandbox>[0] = {}): TestSandbox {
  let sb: TestSandbox | undefined;
  beforeAll(async () => {
    sb = await startTestSandbox(opts);
  });
  afterAll(async () => {
    await sb?.close();
  });
  return later('the test sandbox', () => sb);
}

/**
 * TPPs onboarded at `sb`'s directory (one per entry of `opts`, in parallel) before this file's
 * tests; their mTLS agents closed after them. Call after `useTestSandbox`.
 */
export function useTestTpps(sb: TestSandbox, opts: Parameters<typeof onboardTpp>[1][]): TestTpp[] {
  const tpps: (TestTpp | undefined)[] = opts.map(() => undefined);
  beforeAll(async () => {
    const made = await Promise.all(opts.map((o) => onboardTpp(sb, o)));
    made.forEach((t, i) => {
      tpps[i] = t;
    });
  });
  afterAll(async () => {
    for (const t of tpps) await t?.agent.close();
  });
  return opts.map((_, i) => later(`test TPP ${i + 1}`, () => tpps[i]));
}

/** One TPP onboarded at `sb` before this file's tests (see `useTestTpps`). */
export function useTestTpp(sb: TestSandbox, opts: Parameters<typeof onboardTpp>[1] = {}): TestTpp {
  return useTestTpps(sb, [opts])[0];
}

import { createHash, X509Certificate } from 'node:crypto';
import { HttpTimeoutError, type RetryEvent } from '../../tpp-client/index.js';
import type { ScenarioContext, ScenarioTpp } from '../context.js';
import type { Scenario } from '../types.js';

const FAULTS = 'docs/faults.md (sandbox bank fault injection)';

/**
 * The TPP library against a misbehaving bank: faults added through the bank's admin API,
 * count-based and on one endpoint, deleted afterwards. Each scenario's calls go over a transport
 * certificate of its own (the TPP's key and software, a new certificate from the directory) and
 * its fault is limited to that certificate (`clientCertificate`), so the scenarios running at
 * the same time never meet it: they need not run alone.
 */
async function faultedCertificate(
  t: ScenarioContext,
): Promise<{ tpp: ScenarioTpp; scope: { clientCertificate: string } }> {
  const tpp = await t.step('a transport certificate of its own, for the fault to be limited to', () =>
    t.otherCertificate('TPP (faulted certificate)'),
  );
  const der = new X509Certificate(tpp.material.transport.certPem).raw;
  return { tpp, scope: { clientCertificate: createHash('sha256').update(der).digest('base64url') } };
}

/**
 * The latency fault and the client's deadline: the deadline well under the latency (1 s apart,
 * so a loaded machine still times out).
 */
const LATENCY_MS = 1500;
const DEADLINE_MS = 500;

export const faults: Scenario[] = [
  {
    id: 'FAULT-register-429-retry',
    rules: ['tpp.retry'],
    title: '429 with Retry-After on a registration → the library waits and retries: 2 attempts, 201',
    reference: `RFC 6585 §4; RFC 9110 §10.2.3 Retry-After; ${FAULTS} kind rate_limit`,
    tags: ['faults', 'retry', 'register'],
    needs: ['fault-injection'],
    async run(t) {
      const { tpp, scope } = await faultedCertificate(t);
      const body = await t.request({}, tpp);
      const retries: RetryEvent[] = [];
      const fault = { kind: 'rate_limit', endpoints: ['register'], count: 1, retryAfterSeconds: 1, ...scope };
      const res = await t.withFault(fault, () =>
        t.step('register (the next registration gets 429, Retry-After: 1)', () =>
          t.register(body, { tpp, retry: { retries: 2, onRetry: (e) => retries.push(e) } }),
        ),
      );
      t.expectStatus(res, t.target.hints.createStatus ?? 201);
      t.check(res.attempts === 2, `the registration took ${res.attempts} attempts, expected 2`);
      t.check(
        retries[0]?.status === 429 && retries[0].fromRetryAfter && retries[0].delayMs === 1000,
        `the retry did not wait the Retry-After of 1 s (${JSON.stringify(retries[0] ?? null)})`,
      );
    },
  },
  {
    id: 'FAULT-token-503-retry',
    rules: ['tpp.retry'],
    title: '503 on a token request → the library retries: 2 attempts, 200',
    reference: `RFC 9110 §15.6.4; RFC 6749 §5.2 temporarily_unavailable; ${FAULTS} kind status`,
    tags: ['faults', 'retry', 'token'],
    needs: ['fault-injection'],
    async run(t) {
      const { tpp, scope } = await faultedCertificate(t);
      const client = await t.step('register', () => t.registerValid({}, tpp));
      const retries: RetryEvent[] = [];
      const fault = { kind: 'status', status: 503, endpoints: ['token'], count: 1, ...scope };
      const res = await t.withFault(fault, () =>
        t.step('client-credentials token (the next token request gets 503)', () =>
          t.token(client, { retry: { retries: 2, baseDelayMs: 50, onRetry: (e) => retries.push(e) } }, tpp),
        ),
      );
      t.expectStatus(res, 200);
      t.check(res.attempts === 2, `the token request took ${res.attempts} attempts, expected 2`);
      t.check(
        retries[0]?.status === 503,
        `the first attempt was not a 503 (${JSON.stringify(retries[0] ?? null)})`,
      );
    },
  },
  {
    id: 'FAULT-register-latency-timeout',
    rules: ['tpp.retry'],
    title: 'a registration answered after 1.5 s with a 0.5 s client timeout → timeout; the next one → 201',
    reference: `${FAULTS} kind latency; the TPP library's per-call deadline (timeoutMs)`,
    tags: ['faults', 'timeout', 'register'],
    needs: ['fault-injection'],
    async run(t) {
      const { tpp, scope } = await faultedCertificate(t);
      const fault = { kind: 'latency', latencyMs: LATENCY_MS, endpoints: ['register'], count: 1, ...scope };
      const started = Date.now();
      await t.withFault(fault, async () => {
        const outcome = await t.step('register with a 0.5 s deadline (the bank waits 1.5 s)', async () => {
          try {
            const res = await t.register(await t.request({}, tpp), { tpp, timeoutMs: DEADLINE_MS });
            return `an answer (${res.status}) after ${Date.now() - started} ms`;
          } catch (err) {
            return err instanceof HttpTimeoutError
              ? undefined
              : `${(err as Error).name}: ${(err as Error).message}`;
          }
        });
        t.check(outcome === undefined, `expected an HttpTimeoutError, got ${outcome}`);
        // The fault is spent: a new request (new jti) goes through.
        await t.step('register again', () => t.registerValid({}, tpp));
      });
      // The bank still handles the abandoned request when its 1.5 s are up: let it, so that work
      // does not spill into the next scenario (or past the end of the run).
      await t.step('let the bank finish the abandoned request', async () => {
        await new Promise((r) => setTimeout(r, Math.max(0, LATENCY_MS + 300 - (Date.now() - started))));
      });
    },
  },
];

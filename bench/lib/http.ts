import type { Pool } from 'undici';
import type { BenchClient, BenchRequest, BenchResponse } from './bench-client.js';
import { createTlsLoadClient } from './tls-load-client.js';

export type { BenchClient, BenchRequest, BenchResponse } from './bench-client.js';

/** Thrown for any answer other than the expected status: a benchmark of errors is worthless. */
export class UnexpectedResponse extends Error {
  constructor(
    readonly request: BenchRequest,
    readonly status: number,
    readonly body: string,
    expected: number,
  ) {
    super(`${request.method} ${request.path}: expected ${expected}, got ${status}: ${body.slice(0, 500)}`);
  }
}

/**
 * The load generator's client of one origin: `connections` keep-alive TLS
 * connections, one request in flight on each (no pipelining), trusting only
 * `ca` (see tls-load-client.ts for why it is not undici).
 */
export function createLoadClient(origin: string, ca: string, connections: number): BenchClient {
  return createTlsLoadClient({ origin, connections, tls: { ca } });
}

/** An undici pool seen as a {@link BenchClient} (where a figure's floor is an undici call). */
export function undiciClient(pool: Pool): BenchClient {
  return {
    async request(req) {
      const res = await pool.request({
        method: req.method,
        path: req.path,
        headers: req.headers,
        body: req.body,
      });
      return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
    },
    close: () => pool.close(),
  };
}

/** Sends a request, reads the whole body, and throws unless the status is `expected`. */
export async function send(client: BenchClient, req: BenchRequest, expected: number): Promise<BenchResponse> {
  const res = await client.request(req);
  if (res.status !== expected) throw new UnexpectedResponse(req, res.status, res.body, expected);
  return res;
}

/** As {@link send}, parsing the body as a JSON object. */
export async function sendJson<T = Record<string, unknown>>(
  client: BenchClient,
  req: BenchRequest,
  expected: number,
): Promise<T> {
  const res = await send(client, req, expected);
  try {
    return JSON.parse(res.body) as T;
  } catch {
    throw new Error(
      `${req.method} ${req.path}: the ${res.status} answer is not JSON: ${res.body.slice(0, 200)}`,
    );
  }
}

import { Pool } from 'undici';

export interface BenchRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface BenchResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

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
 * A keep-alive connection pool to one origin: `connections` sockets, one
 * request in flight on each (no pipelining), trusting only `ca`.
 */
export function createPool(origin: string, ca: string, connections: number): Pool {
  return new Pool(origin, {
    connections,
    pipelining: 1,
    connect: { ca },
    keepAliveTimeout: 30_000,
  });
}

/** Sends a request, reads the whole body, and throws unless the status is `expected`. */
export async function send(pool: Pool, req: BenchRequest, expected: number): Promise<BenchResponse> {
  const res = await pool.request({
    method: req.method,
    path: req.path,
    headers: req.headers,
    body: req.body,
  });
  const body = await res.body.text();
  if (res.statusCode !== expected) throw new UnexpectedResponse(req, res.statusCode, body, expected);
  return { status: res.statusCode, headers: res.headers, body };
}

/** As {@link send}, parsing the body as a JSON object. */
export async function sendJson<T = Record<string, unknown>>(
  pool: Pool,
  req: BenchRequest,
  expected: number,
): Promise<T> {
  const res = await send(pool, req, expected);
  try {
    return JSON.parse(res.body) as T;
  } catch {
    throw new Error(
      `${req.method} ${req.path}: the ${res.status} answer is not JSON: ${res.body.slice(0, 200)}`,
    );
  }
}

/** What the benchmarks send and get back, whichever client carries it. */
export interface BenchRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface BenchResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A keep-alive client of one origin: a request in, the whole answer out. */
export interface BenchClient {
  request(req: BenchRequest): Promise<BenchResponse>;
  close(): Promise<void>;
}

import { type Dispatcher, request } from 'undici';

export class FetchError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'too_large' | 'status' | 'network',
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

export interface BoundedFetchOptions {
  dispatcher: Dispatcher;
  timeoutMs: number;
  maxBytes: number;
  headers?: Record<string, string>;
}

/**
 * GET with a deadline for the whole exchange and a cap on the body size:
 * the body is read incrementally and the request aborted past `maxBytes`.
 */
export async function boundedGet(
  url: string,
  options: BoundedFetchOptions,
): Promise<{ status: number; body: Buffer }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    const res = await request(url, {
      method: 'GET',
      dispatcher: options.dispatcher,
      headers: options.headers,
      signal: controller.signal,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    // A body abandoned past maxBytes is destroyed, which undici reports as an 'error' event:
    // without a listener that would be an uncaught exception.
    res.body.on('error', () => undefined);
    const declared = Number(res.headers['content-length'] ?? '0');
    if (declared > options.maxBytes) {
      res.body.destroy();
      throw new FetchError(`${url}: response larger than ${options.maxBytes} bytes`, 'too_large');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > options.maxBytes) {
        res.body.destroy();
        throw new FetchError(`${url}: response larger than ${options.maxBytes} bytes`, 'too_large');
      }
      chunks.push(chunk as Buffer);
    }
    return { status: res.statusCode, body: Buffer.concat(chunks) };
  } catch (err) {
    if (err instanceof FetchError) throw err;
    if (controller.signal.aborted)
      throw new FetchError(`${url}: no answer within ${options.timeoutMs} ms`, 'timeout');
    throw new FetchError(`${url}: ${(err as Error).message}`, 'network');
  } finally {
    clearTimeout(timer);
  }
}

import type { Dispatcher } from 'undici';

/** A whole response as the TPP's client reads it: status, headers as undici parses them, body text. */
export interface DispatchedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface DispatchedCall {
  response: Promise<DispatchedResponse>;
  /** Aborts the call (at once when it is under way, else as soon as undici starts it), as an AbortSignal does. */
  abort(reason: Error): void;
}

/**
 * One request through undici's dispatcher interface: the response body is gathered into one
 * string as it arrives (UTF-8, a BOM skipped, as undici's `body.text()` decodes it), without the
 * stream, promise and abort-signal layers of `Dispatcher.request`: those cost more of a TPP's CPU
 * per call than the HTTP exchange itself. `onResponseStart` is called when the status line and
 * headers are in. Undici's own limits (headers and body timeouts, the agent's maximum response
 * size) apply as with `request`; their errors reject `response` unchanged.
 *
 * The promise settles only after the connection has been handed back: undici frees it in a
 * `setImmediate` it schedules once the end has been handled, and a call made before that would
 * open a second connection (a new TLS handshake).
 */
export function dispatchRequest(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  onResponseStart: () => void,
): DispatchedCall {
  let controller: Dispatcher.DispatchController | undefined;
  let abortReason: Error | undefined;
  let settle!: { resolve(r: DispatchedResponse): void; reject(err: unknown): void };
  const response = new Promise<DispatchedResponse>((resolve, reject) => {
    settle = { resolve, reject };
  });
  let status = 0;
  let headers: DispatchedResponse['headers'] = {};
  const chunks: Buffer[] = [];
  let size = 0;
  const handler: Dispatcher.DispatchHandler = {
    onRequestStart(c) {
      if (abortReason) c.abort(abortReason);
      else controller = c;
    },
    onResponseStart(_c, statusCode, responseHeaders) {
      if (statusCode < 200) return; // an informational answer: the final one follows
      status = statusCode;
      headers = responseHeaders as DispatchedResponse['headers'];
      onResponseStart();
    },
    onResponseData(_c, chunk) {
      chunks.push(chunk);
      size += chunk.length;
    },
    onResponseEnd() {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      const bom = body.length > 2 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;
      const result = { status, headers, text: body.toString('utf8', bom ? 3 : 0) };
      // undici schedules the connection's release (a setImmediate) after this callback returns
      process.nextTick(() => setImmediate(() => settle.resolve(result)));
    },
    onResponseError(_c, err) {
      settle.reject(err);
    },
  };
  try {
    dispatcher.dispatch(options, handler);
  } catch (err) {
    settle.reject(err);
  }
  return {
    response,
    abort(reason) {
      if (abortReason) return;
      abortReason = reason;
      controller?.abort(reason);
    },
  };
}

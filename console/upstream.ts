import type { HttpClient, HttpResponse } from '../tpp-client/index.js';

/** A service answered a console call with an error: its status and OAuth-style error, shown on the page. */
export class UpstreamError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    description: string,
  ) {
    super(description);
    this.name = 'UpstreamError';
  }
}

function errorOf(res: HttpResponse): UpstreamError {
  try {
    const body = JSON.parse(res.text) as { error?: unknown; error_description?: unknown };
    return new UpstreamError(
      res.status,
      String(body.error ?? 'error'),
      String(body.error_description ?? '').slice(0, 500),
    );
  } catch {
    return new UpstreamError(res.status, 'error', res.text.slice(0, 200));
  }
}

/** How the console's own calls name their sender: the live flow shows it as the caller. */
export const CONSOLE_USER_AGENT = 'obmock-console';

/** A service the console calls with the admin token. */
export interface Upstream {
  url: string;
  call(
    method: string,
    path: string,
    options?: { body?: string; contentType?: string; accept?: string },
  ): Promise<HttpResponse>;
  json<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T>;
}

export function upstream(http: HttpClient, url: string, adminToken: string): Upstream {
  const call: Upstream['call'] = async (method, path, options = {}) => {
    const res = await http.request(method, `${url}${path}`, {
      headers: {
        authorization: `Bearer ${adminToken}`,
        'user-agent': CONSOLE_USER_AGENT,
        accept: options.accept ?? 'application/json',
        ...(options.contentType ? { 'content-type': options.contentType } : {}),
      },
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
    if (res.status >= 400) throw errorOf(res);
    return res;
  };
  return {
    url,
    call,
    async json<T>(method: string, path: string, body?: unknown, contentType = 'application/json') {
      const res = await call(method, path, {
        ...(body !== undefined ? { body: JSON.stringify(body), contentType } : {}),
      });
      return (res.text ? JSON.parse(res.text) : undefined) as T;
    },
  };
}

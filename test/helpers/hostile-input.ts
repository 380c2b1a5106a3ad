/**
 * Shared pieces of the hostile-input sweeps (test/<service>/hostile-input-sweep.test.ts): every
 * route of a service read from its Express router, one table of malformed and hostile variants
 * applied to each, and the checks every refusal must pass — spec-shaped, bounded, and without
 * stack traces, file paths, internal URLs or secrets.
 */
import { type Dispatcher, getGlobalDispatcher } from 'undici';
import { expect } from 'vitest';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string;
}

/** "METHOD /path" of every route of an Express app or router (nested routers mounted at a plain path included). */
export function routesOf(owner: unknown, prefix = ''): string[] {
  const o = owner as { router?: { stack: Layer[] }; stack?: Layer[] };
  const stack = o.router?.stack ?? o.stack ?? [];
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const m of Object.keys(layer.route.methods))
        if (m !== '_all') out.push(`${m.toUpperCase()} ${prefix}${layer.route.path}`);
    } else if (layer.handle?.stack) {
      const mount = layer.rawPath && layer.rawPath !== '/' ? layer.rawPath : '';
      out.push(...routesOf(layer.handle, `${prefix}${mount}`));
    }
  }
  return out;
}

/** Path-parameter values a caller may send: each must be refused as a client error, never a 5xx. */
export const ODD_SEGMENTS: readonly [string, string][] = [
  ['traversal', '..%2F..%2F..%2Fetc%2Fpasswd'],
  ['dot-dot', '%2E%2E'],
  ['4 KiB long', 'A'.repeat(4096)],
  ['NUL', 'a%00b'],
  ['CRLF', 'a%0D%0ASet-Cookie:%20x=1'],
  ['right-to-left override', 'a%E2%80%AEb'],
  ['markup', '%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
  ['prototype name', '__proto__'],
  ['constructor', 'constructor'],
  ['quote and backslash', "a'%22%5Cb"],
];

/** A percent sign not followed by two hex digits: the path cannot be decoded (400). */
export const BAD_ENCODING = '%ZZ';

/** A query string of repeated, bracketed and prototype names and bad encoding. */
export const JUNK_QUERY =
  '?a=1&a=2&a[b]=c&__proto__[x]=1&constructor[prototype][y]=1&limit=-1&cursor=%FF%FE&x=%ZZ&' +
  'q='.concat('z'.repeat(2000));

/** Authorization headers that carry no valid credential. */
export const BAD_AUTHORIZATION: readonly [string, string][] = [
  ['empty Bearer', 'Bearer'],
  ['Bearer and spaces', 'Bearer    '],
  ['Basic instead of Bearer', 'Basic Zm9vOmJhcg=='],
  ['two words after Bearer', 'Bearer abc def'],
  ['8 KiB token', `Bearer ${'t'.repeat(8192)}`],
  ['non-ASCII token', 'Bearer t\u00e9st'],
  ['scheme only, lower case', 'bearer'],
];

/** What an error answer must never contain: stack frames, source paths, Node internals, low-level error names. */
const LEAKS: readonly [string, RegExp][] = [
  ['stack frame', /\bat [\w.<>]+ \(|\bat (?:file:|node:)/],
  ['source file', /\.(?:ts|js|mjs|cjs):\d+/],
  ['absolute path', /(?:^|[\s'"(=])\/(?:home|work|tmp|usr|var|etc|root|opt|srv|app)\//],
  ['Windows path', /[A-Za-z]:\\\\/],
  ['Node internals', /node:internal|node_modules/],
  ['system error code', /\bE(?:CONNREFUSED|CONNRESET|NOTFOUND|ACCES|NOENT|PIPE|ADDRINUSE|TIMEDOUT)\b/],
  [
    'JavaScript error',
    /\b(?:TypeError|ReferenceError|SyntaxError|RangeError)\b|Cannot read propert|is not a function|undefined is not|\[object Object\]/,
  ],
  ['private key', /PRIVATE KEY/],
  ['loopback URL', /https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?/],
];

/** Fails when `text` holds anything of LEAKS or one of `secrets` (tokens, keys) verbatim. */
export function expectNoLeak(
  text: string,
  secrets: string[] = [],
  where = '',
  publicOrigins: string[] = [],
): void {
  // The service's own public URLs (its issuer, the directory it names in discovery) are no leak.
  for (const o of publicOrigins) text = text.split(o).join('<public>');
  for (const [what, re] of LEAKS)
    expect(re.test(text), `${where}: ${what} in ${text.slice(0, 300)}`).toBe(false);
  for (const s of secrets)
    if (s) expect(text.includes(s), `${where}: a secret in ${text.slice(0, 300)}`).toBe(false);
}

/** An OAuth-style error body: exactly `error` and `error_description`, the description at most 500 characters. */
export function expectOAuthError(text: string, where = ''): { error: string; error_description: string } {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${where}: not JSON: ${text.slice(0, 200)}`);
  }
  expect(Object.keys(body).sort(), `${where}: ${text.slice(0, 300)}`).toEqual(['error', 'error_description']);
  expect(typeof body.error, where).toBe('string');
  expect(typeof body.error_description, where).toBe('string');
  expect((body.error_description as string).length, where).toBeLessThanOrEqual(500);
  return body as { error: string; error_description: string };
}

export interface RawResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One request exactly as given: `headers` as name/value pairs, so a header can be repeated.
 * The path is sent as written (no normalisation of `..` or percent signs).
 */
export async function sendRaw(
  dispatcher: Dispatcher | undefined,
  origin: string,
  method: string,
  path: string,
  headers: [string, string][] = [],
  body?: string | Buffer,
): Promise<RawResult> {
  // Dispatcher.request sends `path` as it is; a URL would first be normalised (`%2E%2E` → `..` → gone).
  const res = await (dispatcher ?? getGlobalDispatcher()).request({
    origin,
    path,
    method: method as Dispatcher.HttpMethod,
    headers: headers.flat(),
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text };
}

/** Fills each `:param` of an Express path with `value` (already percent-encoded as wanted). */
export const fill = (path: string, value: string | ((param: string) => string)): string =>
  path.replace(/:([A-Za-z]+)/g, (_, p: string) => (typeof value === 'string' ? value : value(p)));

/** Nothing a request did reached Object.prototype. */
export function expectPrototypeClean(): void {
  const probe = {} as Record<string, unknown>;
  for (const k of ['x', 'y', 'polluted', 'isAdmin'])
    expect(probe[k], `Object.prototype.${k}`).toBeUndefined();
}

/** What the sweep needs to know of one route. */
export interface RouteSpec {
  /** "METHOD /express/path" as `routesOf` lists it. */
  route: string;
  /** The route needs a credential: a request without a valid one is 401. */
  auth?: boolean;
  /** The route reads a body of these media types (the first is sent by the valid-shaped rows), at most `limit` bytes. */
  body?: { types: string[]; json?: boolean; limit: number };
  /** The right statuses for a path parameter that names nothing (default 400 or 404). */
  oddStatus?: number[];
  /** The status when every parameter names nothing and the query is junk (default 200 or any 4xx: unknown parameters may be ignored). */
  placeholderStatus?: number[];
  /** The statuses right for a body of the right media type that is not what the route wants (default 400 or 404). */
  badBodyStatus?: number[];
}

export interface HostileCase {
  name: string;
  method: string;
  path: string;
  headers: [string, string][];
  body?: string | Buffer;
  /** Any of these is right. */
  status: number[];
}

const CLIENT_ERRORS = [400, 401, 403, 404, 405, 409, 413, 415];

/** JSON bodies of the right media type that are not the object any route wants. */
const BAD_JSON: readonly [string, string][] = [
  ['invalid JSON', '{"a": '],
  ['JSON array', '[]'],
  ['JSON null', 'null'],
  ['JSON string', '"x"'],
  ['JSON number', '1e999'],
  ['3,000 nested arrays', `${'['.repeat(3000)}${']'.repeat(3000)}`],
  ['__proto__ member', '{"__proto__": {"polluted": true, "isAdmin": true}}'],
  ['constructor.prototype member', '{"constructor": {"prototype": {"polluted": true}}}'],
  ['lone surrogate', '{"a": "\\ud800"}'],
  ['BOM then JSON', '\ufeff{}'],
];

/**
 * The table of malformed and hostile variants of one route: odd and undecodable path
 * parameters, credentials that are no credential or are given twice, wrong and repeated media
 * types, invalid, wrongly typed, oversized and prototype-polluting JSON, a junk query and an
 * unsupported method. `placeholder` names nothing that exists, so no variant can change data.
 */
export function hostileCases(
  spec: RouteSpec,
  opts: { auth: [string, string][]; placeholder: (param: string) => string },
): HostileCase[] {
  const [method, path] = spec.route.split(' ');
  const base = fill(path, opts.placeholder);
  const params = path.match(/:[A-Za-z]+/g) ?? [];
  const auth = opts.auth;
  const type = spec.body?.types[0];
  const ok = type ? ([['content-type', type]] as [string, string][]) : [];
  const emptyBody = spec.body ? (spec.body.json ? '{}' : '') : undefined;
  const cases: HostileCase[] = [];
  const add = (c: Omit<HostileCase, 'method'>) => cases.push({ method, ...c });

  for (const p of params) {
    for (const [what, value] of ODD_SEGMENTS) {
      add({
        name: `${p} ${what}`,
        path: fill(path, (q) => (`:${q}` === p ? value : opts.placeholder(q))),
        headers: [...auth, ...ok],
        body: emptyBody,
        status: spec.oddStatus ?? [400, 404],
      });
    }
    add({
      name: `${p} not decodable`,
      path: fill(path, (q) => (`:${q}` === p ? BAD_ENCODING : opts.placeholder(q))),
      headers: [...auth, ...ok],
      body: emptyBody,
      status: [400],
    });
  }
  add({
    name: 'junk query',
    path: `${base}${JUNK_QUERY}`,
    headers: [...auth, ...ok],
    body: emptyBody,
    status: spec.placeholderStatus ?? [200, ...CLIENT_ERRORS],
  });
  if (spec.auth) {
    for (const [what, value] of BAD_AUTHORIZATION)
      add({
        name: `Authorization: ${what}`,
        path: base,
        headers: [['authorization', value], ...ok],
        body: emptyBody,
        status: [401],
      });
    add({ name: 'no Authorization', path: base, headers: ok, body: emptyBody, status: [401] });
    add({
      name: 'Authorization twice (valid, then junk)',
      path: base,
      headers: [...auth, ['authorization', 'Bearer junk'], ...ok],
      body: emptyBody,
      status: [400],
    });
    add({
      name: 'Authorization twice (junk, then valid)',
      path: base,
      headers: [['authorization', 'Bearer junk'], ...auth, ...ok],
      body: emptyBody,
      status: [400],
    });
  }
  if (spec.body) {
    const b = spec.body;
    const other = b.types.includes('text/plain') ? 'application/xml' : 'text/plain';
    add({
      name: `Content-Type ${other}`,
      path: base,
      headers: [...auth, ['content-type', other]],
      body: 'x',
      status: [415],
    });
    add({ name: 'no Content-Type', path: base, headers: auth, body: 'x', status: [415] });
    add({
      name: 'Content-Type with a wrong parameter',
      path: base,
      headers: [...auth, ['content-type', `${type}; charset=utf-7`]],
      body: emptyBody,
      status: [...(spec.badBodyStatus ?? [400, 404]), 415],
    });
    add({
      name: 'Content-Type twice',
      path: base,
      headers: [...auth, ...ok, ['content-type', other]],
      body: emptyBody,
      status: [400],
    });
    add({
      name: `body of ${b.limit + 1} bytes`,
      path: base,
      headers: [...auth, ...ok],
      body: Buffer.alloc(b.limit + 1, 0x61),
      status: [413],
    });
    if (b.json)
      for (const [what, text] of BAD_JSON)
        add({
          name: what,
          path: base,
          headers: [...auth, ...ok],
          body: text,
          status: spec.badBodyStatus ?? [400, 404],
        });
    else
      add({
        name: 'binary junk',
        path: base,
        headers: [...auth, ...ok],
        body: Buffer.from([0, 0xff, 0xfe, 0x80, 0x0a]),
        status: spec.badBodyStatus ?? [400, 404],
      });
  }
  return cases;
}

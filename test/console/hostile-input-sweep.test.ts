import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleApp } from '../../console/app.js';
import { startTestConsole, type TestConsole } from '../helpers/console.js';
import {
  BAD_ENCODING,
  expectNoLeak,
  expectPrototypeClean,
  fill,
  JUNK_QUERY,
  ODD_SEGMENTS,
  routesOf,
  sendRaw,
} from '../helpers/hostile-input.js';
import { call, onboardTpp } from '../helpers/sandbox.js';

/**
 * Every route of the workshop console, read from its Express app, against malformed and hostile
 * input, signed in (cookie and CSRF token) unless the row says otherwise. The console answers
 * pages, not JSON: a page it cannot show is a 4xx page, a form it cannot carry out goes back
 * (303) to a local page with the reason, a request without a session or CSRF token is refused
 * before anything runs. No answer shows internals, no redirect leaves the console, and afterwards
 * the console still serves the session and nothing stored at the directory or the bank changed.
 */

let t: TestConsole;
let plain: Agent;
let origin = '';
let cookie = '';
let csrf = '';

beforeAll(async () => {
  t = await startTestConsole();
  plain = new Agent({ connect: { ca: t.sb.caBundle } });
  origin = new URL(t.console.url).origin;
  const link = new URL(t.console.signInLink());
  const res = await sendRaw(undefined, origin, 'GET', `${link.pathname}${link.search}`);
  expect(res.status).toBe(303);
  cookie = String(res.headers['set-cookie']).split(';')[0];
  const page = await sendRaw(undefined, origin, 'GET', '/directory', [['cookie', cookie]]);
  csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  expect(csrf).not.toBe('');
}, 60_000);
afterAll(async () => {
  await plain?.close();
  await t?.close();
});

/** What the directory and the bank hold: organisations, the bank's clients, its faults. */
async function stored(): Promise<string> {
  const admin = { headers: { authorization: `Bearer ${t.sb.directory.adminToken}` } };
  const orgs = await call(plain, 'GET', `${t.sb.directory.url}/admin/organisations`, admin);
  const clients = await call(plain, 'GET', `${t.sb.bank.issuer}/admin/clients?limit=100`, admin);
  const faults = await call(plain, 'GET', `${t.sb.bank.issuer}/admin/faults`, admin);
  return [orgs.text, clients.text, faults.text].join('\n');
}

interface Row {
  name: string;
  method: string;
  path: string;
  headers: [string, string][];
  body?: string | Buffer;
  status: number[];
}

const PLACEHOLDER: Record<string, string> = {
  org: 'Z'.repeat(18),
  ss: 'Z'.repeat(22),
  kid: 'Zkid',
  bank: 'default',
  kind: 'clients',
  fault: 'f-none',
  id: '999999',
  run: 'r-none',
  scenario: 's-none',
  name: 'none.css',
};
/** Streams that stay open (server-sent events): only their refusals are tried. */
const STREAMS = new Set(['/live/events']);
/** Forms that would change something with any body: only refused variants are sent to them. */
const ACTING = new Set([
  '/tpp/onboard',
  '/tpp/act',
  '/scenarios/runs',
  '/directory/organisations',
  '/sign-out',
]);

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM: [string, string] = ['content-type', 'application/x-www-form-urlencoded'];

function rows(): Row[] {
  const routes = routesOf(createConsoleApp({ logger: { warn() {} } } as never));
  const out: Row[] = [];
  const session: [string, string][] = [['cookie', '']];
  for (const route of routes) {
    const [method, path] = route.split(' ');
    if (path === '/sign-in' || path === '/health' || path === '/favicon.ico') continue;
    const params = path.match(/:[A-Za-z]+/g) ?? [];
    const base = fill(path, (p) => PLACEHOLDER[p] ?? 'Z');
    const add = (r: Omit<Row, 'method'>) =>
      out.push({ method, ...r, name: `${method} ${r.path.slice(0, 70)} — ${r.name}` });
    const signedIn = (): [string, string][] => [['cookie', cookie]];
    if (method === 'HEAD') continue; // the live stream's HEAD: its GET's rows cover it
    if (method === 'GET') {
      // The stylesheet and script are served to anyone (the sign-in page needs them).
      if (!path.startsWith('/assets/'))
        add({ name: 'no session', path: base, headers: session, status: [303] });
      if (STREAMS.has(path)) continue;
      for (const p of params) {
        for (const [what, v] of ODD_SEGMENTS)
          add({
            name: `${p} ${what}`,
            path: fill(path, (q) => (`:${q}` === p ? v : (PLACEHOLDER[q] ?? 'Z'))),
            headers: signedIn(),
            status: [400, 404],
          });
        add({
          name: `${p} not decodable`,
          path: fill(path, (q) => (`:${q}` === p ? BAD_ENCODING : (PLACEHOLDER[q] ?? 'Z'))),
          headers: signedIn(),
          status: [400],
        });
      }
      // `/` sends the browser on to /directory.
      add({
        name: 'junk query',
        path: `${base}${JUNK_QUERY}`,
        headers: signedIn(),
        status: path === '/' ? [303] : [200, 400, 404],
      });
      continue;
    }
    // POST
    const withCsrf = (extra: Record<string, string> = {}) => form({ _csrf: csrf, ...extra });
    add({ name: 'no session', path: base, headers: [FORM], body: withCsrf(), status: [401] });
    add({
      name: 'no CSRF token',
      path: base,
      headers: [FORM, ['cookie', cookie]],
      body: form({ a: '1' }),
      status: [403],
    });
    add({
      name: 'another CSRF token',
      path: base,
      headers: [FORM, ['cookie', cookie]],
      body: form({ _csrf: 'x'.repeat(csrf.length) }),
      status: [403],
    });
    add({
      name: 'foreign Origin',
      path: base,
      headers: [FORM, ['cookie', cookie], ['origin', 'https://evil.example']],
      body: withCsrf(),
      status: [403],
    });
    add({
      name: 'JSON instead of a form',
      path: base,
      headers: [
        ['content-type', 'application/json'],
        ['cookie', cookie],
      ],
      body: JSON.stringify({ _csrf: csrf }),
      status: [403],
    });
    add({
      name: 'Content-Type twice',
      path: base,
      headers: [FORM, FORM, ['cookie', cookie]],
      body: withCsrf(),
      status: [400],
    });
    add({
      name: 'form of 65 KiB',
      path: base,
      headers: [FORM, ['cookie', cookie]],
      body: withCsrf({ x: 'a'.repeat(65 * 1024) }),
      status: [413],
    });
    add({
      name: '101 fields',
      path: base,
      headers: [FORM, ['cookie', cookie]],
      body: withCsrf(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}`, '1']))),
      status: [413],
    });
    if (ACTING.has(path)) continue;
    for (const p of params) {
      for (const [what, v] of ODD_SEGMENTS)
        add({
          name: `${p} ${what}`,
          path: fill(path, (q) => (`:${q}` === p ? v : (PLACEHOLDER[q] ?? 'Z'))),
          headers: [FORM, ['cookie', cookie]],
          body: withCsrf(),
          status: [303, 400, 404],
        });
      add({
        name: `${p} not decodable`,
        path: fill(path, (q) => (`:${q}` === p ? BAD_ENCODING : (PLACEHOLDER[q] ?? 'Z'))),
        headers: [FORM, ['cookie', cookie]],
        body: withCsrf(),
        status: [400],
      });
    }
    for (const back of ['//evil.example/x', '//2130706433/x', '/\\evil.example', 'https://evil.example/'])
      add({
        name: `_back ${back}`,
        path: base,
        headers: [FORM, ['cookie', cookie]],
        body: withCsrf({ _back: back, kind: 'nonsense', ss: '../..' }),
        status: [303, 400, 404],
      });
  }
  // Signing out ends the session every other row uses: its rows go last.
  return [
    ...out.filter((r) => !r.path.startsWith('/sign-out')),
    ...out.filter((r) => r.path.startsWith('/sign-out')),
  ];
}

describe('the console: every route against malformed and hostile input', () => {
  let before = '';
  beforeAll(async () => {
    before = await stored();
  });

  it('each variant: the right status, a page or message without internals, no redirect away', async () => {
    const failures: string[] = [];
    const all = rows();
    for (const r of all) {
      const res = await sendRaw(undefined, origin, r.method, r.path, r.headers, r.body);
      if (!r.status.includes(res.status)) {
        failures.push(`${r.name}: ${res.status} (want ${r.status.join('/')}) ${res.text.slice(0, 160)}`);
        continue;
      }
      const location = res.headers.location;
      if (location !== undefined) {
        // A redirect stays on the console: one leading slash, then a path.
        if (!/^\/(?![/\\])/.test(String(location)))
          failures.push(`${r.name}: redirects to ${String(location)}`);
      }
      expectNoLeak(res.text, [t.sb.directory.adminToken], r.name, [
        t.sb.directory.url,
        new URL(t.sb.bank.issuer).origin,
      ]);
      // The message a form left for the next page, read with the same session.
      if (res.status === 303 && r.headers.some(([k, v]) => k === 'cookie' && v === cookie) && location) {
        const next = await sendRaw(undefined, origin, 'GET', String(location).split('#')[0], [
          ['cookie', cookie],
        ]);
        expectNoLeak(next.text, [t.sb.directory.adminToken], `${r.name} → ${String(location)}`, [
          t.sb.directory.url,
          new URL(t.sb.bank.issuer).origin,
        ]);
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
    expect(all.length).toBeGreaterThan(300);
  }, 180_000);

  it('afterwards: /health answers, the session still works, nothing stored changed', async () => {
    expect(await stored()).toBe(before);
    expect((await sendRaw(undefined, origin, 'GET', '/health')).status).toBe(200);
    const page = await sendRaw(undefined, origin, 'GET', '/directory', [['cookie', cookie]]);
    expect(page.status).toBe(200);
    expectPrototypeClean();
  });
});

describe('the console acts on the record its address names, or on none', () => {
  it('a kid or organisation id with a character outside its alphabet names nothing: 404 / back with the reason, nothing revoked', async () => {
    const tpp = await onboardTpp(t.sb);
    try {
      const listUrl = `${t.sb.directory.url}/v2.1/organisation/${tpp.orgId}/software-statement/${tpp.softwareId}/certificate`;
      const auth = { headers: { authorization: `Bearer ${tpp.token}` } };
      const certs = await call(plain, 'GET', listUrl, auth);
      const kid = String(
        (certs.json().keys as { kid: string; use: string }[]).find((k) => k.use === 'tls')?.kid,
      );
      // `kid$` was cleaned up to `kid`, and the certificate `kid` revoked.
      const res = await sendRaw(
        undefined,
        origin,
        'POST',
        `/directory/${tpp.orgId}/certificates/${kid}%24/revoke`,
        [FORM, ['cookie', cookie]],
        // as the page's Revoke button sends it
        form({ _csrf: csrf, ss: tpp.softwareId, _back: `/directory/${tpp.orgId}/ss/${tpp.softwareId}` }),
      );
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/directory/${tpp.orgId}/ss/${tpp.softwareId}`);
      const flash = await sendRaw(undefined, origin, 'GET', String(res.headers.location), [
        ['cookie', cookie],
      ]);
      expect(flash.text).toContain('There is no such certificate.');
      expect((await call(plain, 'GET', listUrl, auth)).text).toBe(certs.text);
      // `..` was cleaned up to the empty id, and the directory's list of every organisation read as one.
      for (const odd of [`${tpp.orgId}%21`, '%2E%2E', `${tpp.orgId}%00`]) {
        const page = await sendRaw(undefined, origin, 'GET', `/directory/${odd}`, [['cookie', cookie]]);
        expect(page.status, odd).toBe(404);
        expect(page.text).toContain('There is no such organisation or software statement.');
      }
    } finally {
      await tpp.agent.close();
    }
  });
});

describe('Cookie lines and the session cookie (docs/console.md, "Sessions")', () => {
  let other = '';
  let otherCsrf = '';
  beforeAll(async () => {
    // A second session, standing for one an attacker holds and tosses into the victim's browser.
    const link = new URL(t.console.signInLink());
    const res = await sendRaw(undefined, origin, 'GET', `${link.pathname}${link.search}`);
    other = String(res.headers['set-cookie']).split(';')[0];
    const page = await sendRaw(undefined, origin, 'GET', '/directory', [['cookie', other]]);
    otherCsrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    expect(otherCsrf).not.toBe('');
  });

  it.each([
    [
      'two Cookie lines, the session in the second',
      () => [
        ['cookie', 'theme=dark'],
        ['cookie', cookie],
      ],
    ],
    [
      'two Cookie lines, the session in the first',
      () => [
        ['cookie', cookie],
        ['cookie', 'theme=dark; x=1'],
      ],
    ],
    ['one line with other cookies around the session', () => [['cookie', `a=1; ${cookie}; b=2`]]],
  ])('%s: read as one list, the session is used (200)', async (_what, headers) => {
    const res = await sendRaw(undefined, origin, 'GET', '/directory', headers() as [string, string][]);
    expect(res.status, res.text.slice(0, 200)).toBe(200);
  });

  it.each([
    [
      'two sessions on two lines',
      () => [
        ['cookie', other],
        ['cookie', cookie],
      ],
    ],
    [
      'two sessions on two lines, the other order',
      () => [
        ['cookie', cookie],
        ['cookie', other],
      ],
    ],
    ['two sessions in one line', () => [['cookie', `${other}; ${cookie}`]]],
    ['the same session twice', () => [['cookie', `${cookie}; ${cookie}`]]],
    ['a second, empty session cookie', () => [['cookie', `${cookie}; obmock_console=`]]],
  ])('%s: neither is used — 400 with what to do, no page', async (_what, headers) => {
    const res = await sendRaw(undefined, origin, 'GET', '/directory', headers() as [string, string][]);
    expect(res.status).toBe(400);
    expect(res.text).toContain('obmock_console cookie more than once');
    expect(res.text).not.toContain('_csrf');
    expectNoLeak(res.text, [t.sb.directory.adminToken, cookie.split('=')[1], other.split('=')[1]], _what);
  });

  it('a form with two session cookies is not carried out, whichever session its CSRF token is of', async () => {
    for (const token of [otherCsrf, csrf]) {
      const res = await sendRaw(
        undefined,
        origin,
        'POST',
        '/sign-out',
        [FORM, ['cookie', other], ['cookie', cookie]],
        form({ _csrf: token }),
      );
      expect(res.status).toBe(400);
    }
    for (const c of [other, cookie])
      expect((await sendRaw(undefined, origin, 'GET', '/directory', [['cookie', c]])).status).toBe(200);
  });
});

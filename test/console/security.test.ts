import { readFileSync, statSync } from 'node:fs';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSETS } from '../../console/app.js';
import { startTestConsole, type TestConsole } from '../helpers/console.js';

/** What the browser loads besides each page's HTML: one stylesheet and one script (docs/console.md). */
const ASSET_BUDGET_BYTES = 32 * 1024;

let t: TestConsole;
beforeAll(async () => {
  t = await startTestConsole();
});
afterAll(async () => {
  await t?.close();
});

async function get(path: string, cookie?: string) {
  const res = await request(`${t.console.url}${path}`, {
    headers: cookie ? { cookie } : {},
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

async function post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await request(`${t.console.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

async function signIn(): Promise<{ cookie: string; csrf: string }> {
  const link = new URL(t.console.signInLink());
  const res = await get(`${link.pathname}${link.search}`);
  expect(res.status).toBe(303);
  const setCookie = String(res.headers['set-cookie']);
  const cookie = setCookie.split(';')[0];
  const page = await get('/directory', cookie);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  expect(csrf).toBeTruthy();
  return { cookie, csrf: csrf! };
}

async function organisationNames(): Promise<string[]> {
  const agent = new Agent({ connect: { ca: t.sb.caBundle } });
  const res = await request(`${t.sb.directory.url}/admin/organisations`, {
    dispatcher: agent,
    headers: { authorization: `Bearer ${t.sb.directory.adminToken}` },
  });
  const orgs = (await res.body.json()) as { OrganisationName: string }[];
  await agent.close();
  return orgs.map((o) => o.OrganisationName);
}

describe('console access', () => {
  it.each([
    '/',
    '/directory',
    '/banks',
    '/tpp',
    '/live',
    '/scenarios',
    '/live/events',
    '/live/messages/1',
  ])('GET %s without a session redirects to the sign-in page and shows nothing', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/sign-in');
    expect(res.text).not.toContain(t.sb.bank.orgId);
    const signInPage = await get('/sign-in');
    expect(signInPage.status).toBe(200);
    expect(signInPage.text).not.toContain(t.sb.directory.adminToken);
    expect(signInPage.text).not.toContain(t.sb.bank.orgId);
    expect(signInPage.text).not.toContain(t.sb.directory.url);
    expect(signInPage.text).not.toMatch(/<nav/);
  });

  it('a forged session cookie is no session', async () => {
    const res = await get('/directory', 'obmock_console=forged');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/sign-in');
  });

  it('the one-time link opens an HttpOnly, SameSite=Strict session once', async () => {
    const link = new URL(t.console.signInLink());
    const first = await get(`${link.pathname}${link.search}`);
    expect(first.status).toBe(303);
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toMatch(/^obmock_console=[A-Za-z0-9_-]{40,};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const again = await get(`${link.pathname}${link.search}`);
    expect(again.status).toBe(401);
    expect(again.headers['set-cookie']).toBeUndefined();
    const page = await get('/directory', setCookie.split(';')[0]);
    expect(page.status).toBe(200);
    expect(page.text).toContain(t.sb.bank.orgId); // the bank's organisation is listed
  });

  it('the admin token opens a session; anything else does not', async () => {
    const wrong = await post('/sign-in', { token: 'not-the-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const right = await post('/sign-in', { token: t.sb.directory.adminToken });
    expect(right.status).toBe(303);
    expect(String(right.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const foreign = await post(
      '/sign-in',
      { token: t.sb.directory.adminToken },
      { origin: 'http://evil.example', host: new URL(t.console.url).host },
    );
    expect(foreign.status).toBe(401);
  });
});

describe('CSRF', () => {
  it('a state change without the CSRF token is refused and changes nothing', async () => {
    const { cookie } = await signIn();
    const before = await organisationNames();
    const res = await post(
      '/directory/organisations',
      { name: 'CSRF victim', type: 'tpp', roles: 'AISP' },
      { cookie },
    );
    expect(res.status).toBe(403);
    expect(await organisationNames()).toEqual(before);
  });

  it('a wrong token, or the right one from another origin, is refused too', async () => {
    const { cookie, csrf } = await signIn();
    const before = await organisationNames();
    const wrong = await post(
      '/directory/organisations',
      { name: 'CSRF victim', type: 'tpp', roles: 'AISP', _csrf: `${csrf}x` },
      { cookie },
    );
    expect(wrong.status).toBe(403);
    const foreign = await post(
      '/directory/organisations',
      { name: 'CSRF victim', type: 'tpp', roles: 'AISP', _csrf: csrf },
      { cookie, origin: 'http://evil.example' },
    );
    expect(foreign.status).toBe(403);
    expect(await organisationNames()).toEqual(before);
  });

  it('without a session a state change is 401, even with a token', async () => {
    const res = await post('/directory/organisations', { name: 'x', type: 'tpp', roles: 'AISP', _csrf: 'x' });
    expect(res.status).toBe(401);
  });

  it('an ASPSP made with only AISP ticked gets the ASPSP role the directory requires of a bank', async () => {
    const { cookie, csrf } = await signIn();
    const res = await post(
      '/directory/organisations',
      { name: 'Console bank check', type: 'aspsp', roles: 'AISP', _csrf: csrf },
      { cookie },
    );
    expect(res.status).toBe(303);
    const agent = new Agent({ connect: { ca: t.sb.caBundle } });
    try {
      const list = await request(`${t.sb.directory.url}/admin/organisations`, {
        dispatcher: agent,
        headers: { authorization: `Bearer ${t.sb.directory.adminToken}` },
      });
      const orgs = (await list.body.json()) as {
        OrganisationName: string;
        OrganisationType: string;
        Roles: string[];
      }[];
      const bank = orgs.find((o) => o.OrganisationName === 'Console bank check');
      expect(bank).toMatchObject({ OrganisationType: 'aspsp' });
      expect([...bank!.Roles].sort()).toEqual(['AISP', 'ASPSP']);
    } finally {
      await agent.close();
    }
  });

  it('with the token the same form works', async () => {
    const { cookie, csrf } = await signIn();
    const res = await post(
      '/directory/organisations',
      { name: 'Console CSRF check', type: 'tpp', roles: 'AISP', _csrf: csrf },
      { cookie },
    );
    expect(res.status).toBe(303);
    expect(await organisationNames()).toContain('Console CSRF check');
  });
});

describe('what the browser loads', () => {
  it('every page carries a strict CSP and has no inline script or style', async () => {
    const { cookie } = await signIn();
    for (const path of ['/sign-in', '/directory', '/banks', '/tpp', '/live', '/scenarios']) {
      const res = await get(path, cookie);
      expect(res.status, path).toBe(200);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i);
      expect(res.text).not.toMatch(/\sstyle=|<style/i);
      expect(res.text).not.toMatch(/(src|href)="(https?:)?\/\/(?!localhost|127\.0\.0\.1)/);
    }
  });

  it(`stylesheet and script stay within the ${ASSET_BUDGET_BYTES / 1024} KiB budget`, async () => {
    let total = 0;
    for (const name of Object.keys(ASSETS)) {
      const res = await get(`/assets/${name}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(ASSETS[name as keyof typeof ASSETS]);
      total += Buffer.byteLength(res.text);
      expect(Buffer.byteLength(res.text)).toBe(
        statSync(new URL(`../../console/assets/${name}`, import.meta.url)).size,
      );
    }
    expect(total).toBeLessThanOrEqual(ASSET_BUDGET_BYTES);
    expect((await get('/assets/..%2Fapp.ts')).status).toBe(404);
    expect(readFileSync(new URL('../../console/assets/console.js', import.meta.url), 'utf8')).not.toMatch(
      /https?:\/\//,
    );
  });
});

describe('message tap', () => {
  it('answers only the admin token, and masks secrets in what it kept', async () => {
    const agent = new Agent({ connect: { ca: t.sb.caBundle } });
    const base = new URL(t.sb.bank.issuer).origin;
    // A call carrying a bearer token, so the tap has something to mask.
    await (
      await request(`${t.sb.bank.issuer}/.well-known/openid-configuration`, {
        dispatcher: agent,
        headers: { authorization: 'Bearer secret-bearer-value-123456' },
      })
    ).body.dump();
    for (const auth of [undefined, 'Bearer wrong', `Basic ${t.sb.directory.adminToken}`]) {
      const res = await request(`${base}/admin/messages`, {
        dispatcher: agent,
        headers: auth ? { authorization: auth } : {},
      });
      expect(res.statusCode).toBe(401);
      expect(await res.body.text()).not.toContain('openid-configuration');
    }
    const res = await request(`${base}/admin/messages`, {
      dispatcher: agent,
      headers: { authorization: `Bearer ${t.sb.directory.adminToken}` },
    });
    expect(res.statusCode).toBe(200);
    const body = (await res.body.json()) as {
      messages: { path: string; requestHeaders: Record<string, string> }[];
    };
    // The one this test sent (the console itself reads discovery too, without a token).
    const seen = body.messages.find(
      (m) => m.path.endsWith('/.well-known/openid-configuration') && m.requestHeaders.authorization,
    );
    expect(seen?.requestHeaders.authorization).toBe('Bearer secr…');
    expect(JSON.stringify(body)).not.toContain('secret-bearer-value-123456');
    await agent.close();
  });
});

describe('hostile input', () => {
  it.each([
    ['GET', '/directory/..%2F..%2Fadmin'],
    ['GET', '/directory/%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
    ['GET', '/directory/AAAAAAAAAAAAAAAAAA/ss/BBBBBBBBBBBBBBBBBBBBBB'],
    ['GET', '/directory/AAAAAAAAAAAAAAAAAA/ss/BBBB/ssa'],
    ['GET', '/directory/AAAAAAAAAAAAAAAAAA/certificates/%00%0A.pem'],
    ['GET', '/live/messages/not-a-number'],
    ['GET', '/live/messages/99999999'],
    ['GET', '/scenarios/runs/nope'],
    ['GET', '/scenarios/runs/nope/report.html'],
    ['GET', `/${'x'.repeat(5000)}`],
  ])('%s %.60s: a clear refusal, no internals, the console keeps serving', async (_method, path) => {
    const { cookie } = await signIn();
    const res = await get(path, cookie);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.text).not.toMatch(/at .*\.(ts|js):\d+|node_modules|Error:|<script>alert/);
    expect(res.text).not.toContain(t.sb.directory.adminToken);
    expect((await get('/directory', cookie)).status).toBe(200);
  });

  it.each([
    [
      '/directory/organisations',
      { name: '', type: 'bank', roles: 'NOPE' },
      /invalid_request|The service answered 400/,
    ],
    ['/directory/organisations', { name: 'x'.repeat(5000), type: 'tpp', roles: 'AISP' }, /answered 400/],
    ['/banks/default/faults', { kind: 'explode', endpoint: 'register', count: '1' }, /answered 400/],
    [
      '/banks/nope/faults',
      { kind: 'status', endpoint: 'register', count: '1' },
      /404 not_found: the console knows no such bank/,
    ],
    ['/tpp/act', { action: 'rm -rf', bank: 'default' }, /unknown action/],
    ['/scenarios/runs', { only: 'NO-SUCH-*', bank: 'default' }, /no scenario matches/],
  ])('POST %s with bad fields: back with the service’s answer, nothing stored', async (path, form, message) => {
    const { cookie, csrf } = await signIn();
    const before = await organisationNames();
    const res = await post(path, { ...form, _csrf: csrf }, { cookie });
    expect(res.status).toBe(303);
    const next = await get(String(res.headers.location), cookie);
    expect(next.text).toMatch(message);
    expect(next.text).not.toMatch(/at .*\.(ts|js):\d+|node_modules/);
    expect(await organisationNames()).toEqual(before);
  });

  it('an invalid CSR is refused with the directory’s reason', async () => {
    const { cookie, csrf } = await signIn();
    const org = await post(
      '/directory/organisations',
      { name: 'CSR checks', type: 'tpp', roles: 'AISP', _csrf: csrf },
      { cookie },
    );
    const orgPath = String(org.headers.location);
    const ss = await post(
      `${orgPath}/software-statements`,
      { name: 'CSR app', redirect: 'https://app.example.com/cb', roles: 'AISP', _csrf: csrf },
      { cookie },
    );
    const ssPath = String(ss.headers.location);
    expect(ssPath).toMatch(/^\/directory\/[A-Za-z0-9]+\/ss\/[A-Za-z0-9]+$/);
    for (const csr of [
      'not a CSR',
      '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----',
    ]) {
      const res = await post(`${ssPath}/certificates`, { csr, type: 'obtransport', _csrf: csrf }, { cookie });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(ssPath);
      const page = await get(ssPath, cookie);
      expect(page.text).toMatch(/The service answered 400 \w+: /);
      expect(page.text).not.toMatch(/Certificate issued/);
    }
  });
});

describe('bound to a LAN address', () => {
  it('serves attendees at that address, with sessions and CSRF as on loopback', async () => {
    const { networkInterfaces } = await import('node:os');
    const lan = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (!lan) return; // no LAN interface on this machine: nothing to check
    const { startConsole } = await import('../../console/index.js');
    const { silentLogger } = await import('../../lib/logger.js');
    const lanConsole = await startConsole({
      host: lan,
      bindAddress: lan,
      port: 0,
      directory: { url: t.sb.directory.url, adminToken: t.sb.directory.adminToken },
      banks: [],
      caBundlePem: t.sb.caBundle,
      logger: silentLogger,
    });
    try {
      expect(lanConsole.url).toBe(`http://${lan}:${lanConsole.port}`);
      const link = lanConsole.signInLink();
      expect(link.startsWith(`http://${lan}:`)).toBe(true);
      const signedIn = await request(link);
      expect(signedIn.statusCode).toBe(303);
      const cookie = String(signedIn.headers['set-cookie']).split(';')[0];
      const page = await request(`${lanConsole.url}/directory`, { headers: { cookie } });
      expect(page.statusCode).toBe(200);
      expect(await page.body.text()).toContain(t.sb.bank.orgId);
      const forged = await request(`${lanConsole.url}/directory/organisations`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'name=x&type=tpp&roles=AISP',
      });
      expect(forged.statusCode).toBe(403);
      await forged.body.dump();
    } finally {
      await lanConsole.close();
    }
  });
});

/**
 * The console's Banks page from the bank's admin listings, the TPP page's
 * choice of token endpoint auth method, and a refused registration's checklist
 * in the live flow — at HTTP level (the browser walk covers the same pages in chromium).
 */
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../helpers/console.js';

let t: TestConsole;
let session: { cookie: string; csrf: string };
let admin: Agent;

async function get(path: string) {
  const res = await request(`${t.console.url}${path}`, { headers: { cookie: session.cookie } });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

/** Posts a console form and returns the flash message of the page it redirects to. */
async function submit(path: string, form: Record<string, string>): Promise<string> {
  const res = await request(`${t.console.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
    body: new URLSearchParams({ _csrf: session.csrf, ...form }).toString(),
  });
  await res.body.text();
  expect(res.statusCode).toBe(303);
  const next = await get(String(res.headers.location));
  return (
    /class="flash[^"]*"[^>]*>([\s\S]*?)<\/(?:div|p)>/.exec(next.text)?.[1]?.replace(/<[^>]+>/g, '') ?? ''
  );
}

async function bankTotal(kind: 'clients' | 'tokens' | 'consents'): Promise<number> {
  const res = await request(`${t.sb.bank.issuer}/admin/${kind}`, {
    dispatcher: admin,
    headers: { authorization: `Bearer ${t.sb.directory.adminToken}` },
  });
  return ((await res.body.json()) as { total: number }).total;
}

beforeAll(async () => {
  t = await startTestConsole();
  admin = new Agent({ connect: { ca: t.sb.caBundle } });
  const link = new URL(t.console.signInLink());
  const res = await request(`${t.console.url}${link.pathname}${link.search}`);
  await res.body.text();
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  session = { cookie, csrf: '' };
  const page = await get('/tpp');
  session.csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
  expect(await submit('/tpp/onboard', {})).toMatch(/onboarded: organisation/);
});

afterAll(async () => {
  await admin?.close();
  await t?.close();
});

describe('TPP page: token endpoint auth method', () => {
  it('offers exactly the methods the bank’s discovery advertises', async () => {
    const page = await get('/tpp');
    const offered = [...page.text.matchAll(/<option>([a-z_]+)<\/option>/g)].map((m) => m[1]);
    const discovery = (await (await request(t.sb.bank.discovery, { dispatcher: admin })).body.json()) as {
      token_endpoint_auth_methods_supported: string[];
    };
    expect(offered.length).toBeGreaterThan(1);
    expect(new Set(offered)).toEqual(
      new Set(
        discovery.token_endpoint_auth_methods_supported.filter((m) =>
          ['tls_client_auth', 'private_key_jwt', 'client_secret_basic', 'client_secret_post'].includes(m),
        ),
      ),
    );
  });

  it.each([
    'tls_client_auth',
    'private_key_jwt',
    'client_secret_basic',
    'client_secret_post',
  ])('registers with %s and gets a token with it', async (method) => {
    const registered = await submit('/tpp/act', { action: 'register', bank: 'default', auth_method: method });
    expect(registered).toMatch(new RegExp(`registered: client_id [0-9a-f-]{36} \\(${method}\\)`));
    const clientId = /client_id ([0-9a-f-]{36})/.exec(registered)![1];
    expect(await submit('/tpp/act', { action: 'token', bank: 'default' })).toMatch(
      new RegExp(`token issued with ${method}`),
    );
    // The bank's own record says the same.
    const res = await request(`${t.sb.bank.issuer}/admin/clients?limit=1`, {
      dispatcher: admin,
      headers: { authorization: `Bearer ${t.sb.directory.adminToken}` },
    });
    const newest = ((await res.body.json()) as { items: Record<string, unknown>[] }).items[0];
    expect(newest).toMatchObject({ client_id: clientId, token_endpoint_auth_method: method });
    if (method.startsWith('client_secret')) expect(newest.client_secret).toMatch(/^sha256:/);
    // The TPP page shows no secret: only the masked exchange.
    const page = await get('/tpp');
    expect(page.text).toContain(`data-auth-method="default">${method}`);
    expect(page.text).not.toMatch(/"client_secret"\s*:\s*"[A-Za-z0-9_-]{20,}"/);
  });

  it.each([
    'client_secret_jwt',
    'none',
    '<script>',
    '',
  ])('refuses %j, a method the bank does not advertise or the TPP cannot use', async (method) => {
    const before = await bankTotal('clients');
    const flash = await submit('/tpp/act', { action: 'register', bank: 'default', auth_method: method });
    if (method === '') expect(flash).toMatch(/registered: client_id .*\(tls_client_auth\)/);
    else {
      expect(flash).toMatch(/does not advertise/);
      expect(flash).not.toContain('<script>');
      expect(await bankTotal('clients')).toBe(before);
    }
  });
});

describe('Banks page', () => {
  it('shows the bank’s own counts and records, secrets as fingerprints', async () => {
    const consent = await submit('/tpp/act', { action: 'consent', bank: 'default' });
    expect(consent).toMatch(/consent \S+ \(AwaitingAuthorisation\)/);
    const [clients, tokens, consents] = await Promise.all([
      bankTotal('clients'),
      bankTotal('tokens'),
      bankTotal('consents'),
    ]);
    expect(clients).toBeGreaterThanOrEqual(5);
    const page = await get('/banks');
    expect(page.status).toBe(200);
    const count = (kind: string) =>
      Number(new RegExp(`data-count="${kind}">[^<]*<strong>(\\d+)</strong>`).exec(page.text)?.[1]);
    expect(count('clients')).toBe(clients);
    expect(count('tokens')).toBe(tokens);
    expect(count('consents')).toBe(consents);
    expect(page.text).toContain('data-listing="default-clients"');
    expect(page.text).toMatch(/sha256:[0-9a-f]{12}…/);
    // More than the preview: a link to the paginated listing, which pages with the bank's cursor.
    expect(page.text).toContain('href="/banks/default/clients"');
    const all = await get('/banks/default/clients');
    expect(all.status).toBe(200);
    const rows = all.text.match(/<tr><td><code>[0-9a-f-]{36}<\/code>/g) ?? [];
    expect(rows.length).toBe(Math.min(clients, 20));
  });

  it('filters a listing by client id, organisation or software id, the filter kept across listings', async () => {
    const all = await request(`${t.sb.bank.issuer}/admin/clients?limit=100`, {
      dispatcher: admin,
      headers: { authorization: `Bearer ${t.sb.directory.adminToken}` },
    });
    const clients = ((await all.body.json()) as { items: { client_id: string; org_id: string }[] }).items;
    const one = clients[0];
    const banks = await get('/banks');
    expect(banks.text).toContain('data-filter="default-clients"');
    // the filter sits under the listing it filters, below the faults' forms
    const filterAt = banks.text.indexOf('data-filter="default-clients"');
    expect(filterAt).toBeGreaterThan(banks.text.indexOf('<h3>Registered clients</h3>'));
    expect(filterAt).toBeGreaterThan(banks.text.indexOf('/faults/clear'));
    const byClient = await get(`/banks/default/clients?client_id=${one.client_id}`);
    expect(byClient.status).toBe(200);
    expect(byClient.text).toContain('data-total="1"');
    const rows = byClient.text.match(/<tr><td><code>[0-9a-f-]{36}<\/code>/g) ?? [];
    expect(rows).toEqual([`<tr><td><code>${one.client_id}</code>`]);
    expect(byClient.text).toContain(`value="${one.client_id}"`);
    expect(byClient.text).toContain(`href="/banks/default/tokens?client_id=${one.client_id}"`);
    const byOrg = await get(`/banks/default/clients?org_id=${one.org_id}`);
    expect(byOrg.text).toContain(`data-total="${clients.filter((c) => c.org_id === one.org_id).length}"`);
    // Empty fields are no filter; a malformed one is the bank's 400, shown without the markup.
    expect((await get('/banks/default/clients?org_id=&software_id=')).text).toContain(
      `data-total="${clients.length}"`,
    );
    const bad = await get('/banks/default/consents?software_id=%3Cscript%3E');
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/invalid_request/);
    expect(bad.text).not.toContain('<script>');
  });

  it('answers 404 for an unknown bank or listing, and a bad cursor is the bank’s 400', async () => {
    expect((await get('/banks/nope/clients')).status).toBe(404);
    expect((await get('/banks/default/secrets')).status).toBe(404);
    const bad = await get('/banks/default/tokens?cursor=not-ours');
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/invalid_request/);
  });
});

describe('live flow: every check of a refused registration', () => {
  it('shows the checklist with the revocation check failed, the ones before it passed, the rest not reached', async () => {
    const tpp = await get('/tpp');
    const [, orgId, softwareId] = /href="\/directory\/([A-Za-z0-9]+)\/ss\/([A-Za-z0-9]+)"/.exec(tpp.text)!;
    const ss = await get(`/directory/${orgId}/ss/${softwareId}`);
    const kid = /<tr><td><code>([^<]+)<\/code><\/td><td>tls<\/td>/.exec(ss.text)![1];
    expect(await submit(`/directory/${orgId}/certificates/${kid}/revoke`, { ss: softwareId })).toMatch(
      /revoked: it is on the CRL now/,
    );
    // The bank may reuse its CRL for crlCacheSeconds (1 s): wait that long.
    await new Promise((r) => setTimeout(r, (t.sb.bank.ctx.settings.crlCacheSeconds + 0.2) * 1000));
    expect(
      await submit('/tpp/act', { action: 'register', bank: 'default', auth_method: 'tls_client_auth' }),
    ).toMatch(/the bank refused: 401 invalid_client: .*revoked/);
    // The refused exchange in the live flow (ids are the console's; newest last).
    let detail = '';
    for (let attempt = 0; attempt < 40 && !detail; attempt++) {
      for (let id = 400; id >= 1; id--) {
        const res = await get(`/live/messages/${id}`);
        if (res.status === 200 && /POST <code>\/banks\/default\/register<\/code> → 401/.test(res.text)) {
          detail = res.text;
          break;
        }
      }
      if (!detail) await new Promise((r) => setTimeout(r, 250));
    }
    expect(detail).toContain('data-checks');
    // the registration JWT decoded, and the SSA it carries decoded as well (signed by the directory)
    expect(detail).toContain('<h3>JWT in the request</h3>');
    const ssa =
      /<h3>JWT in the request: its software_statement claim<\/h3><pre tabindex="0" data-jwt>([^<]*)<\/pre>/.exec(
        detail,
      );
    expect(ssa?.[1]).toMatch(/iss(?:&quot;|&#34;|")\s*:\s*(?:&quot;|&#34;|")OpenBanking Ltd/);
    expect(ssa?.[1]).toContain(softwareId);
    const results = [...detail.matchAll(/data-check="([a-z-]+)" data-result="([a-z ]+)"/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(results.slice(0, 5)).toEqual([
      ['certificate-presented', 'passed'],
      ['certificate-parses', 'passed'],
      ['certificate-chain', 'passed'],
      ['certificate-validity', 'passed'],
      ['certificate-revocation', 'failed'],
    ]);
    expect(results.length).toBeGreaterThan(10);
    expect(results.slice(5).every(([, r]) => r === 'not reached')).toBe(true);
  });

  it('a token request over the revoked certificate: the token endpoint’s checks, revocation failed', async () => {
    expect(await submit('/tpp/act', { action: 'token', bank: 'default' })).toMatch(/401 invalid_client/);
    let detail = '';
    for (let attempt = 0; attempt < 40 && !detail; attempt++) {
      for (let id = 400; id >= 1; id--) {
        const res = await get(`/live/messages/${id}`);
        if (res.status === 200 && /POST <code>\/banks\/default\/token<\/code> → 401/.test(res.text)) {
          detail = res.text;
          break;
        }
      }
      if (!detail) await new Promise((r) => setTimeout(r, 250));
    }
    const results = [...detail.matchAll(/data-check="([a-z-]+)" data-result="([a-z ]+)"/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(results.slice(0, 7)).toEqual([
      ['parameters', 'passed'],
      ['grant-type', 'passed'],
      ['certificate-presented', 'passed'],
      ['certificate-parses', 'passed'],
      ['certificate-chain', 'passed'],
      ['certificate-validity', 'passed'],
      ['certificate-revocation', 'failed'],
    ]);
    expect(results.slice(7).map(([c]) => c)).toContain('client-authenticated');
    expect(results.slice(7).every(([, r]) => r === 'not reached')).toBe(true);
  });
});

/**
 * What a session's TPP made is retired when it is no longer used (docs/console.md, "Each
 * session's TPP"): on sign-out, on *Onboard again* and when the console stops, its clients are
 * deleted at the banks (RFC 7592 DELETE by the TPP itself) and its organisation revoked at the
 * directory; other sessions' records are untouched; sign-out does not wait for it; a retirement
 * is bounded in time and a failed step is logged once, without secrets. Session numbers continue
 * after those the directory holds, so a restarted console never repeats a `Console TPP N`.
 */
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type BankDefinition, DEFAULT_BANK } from '../../aspsp-mock/config.js';
import { createAdvertisedMethods } from '../../console/advertised-methods.js';
import { type RunningConsole, startConsole } from '../../console/index.js';
import { createSessionTpps } from '../../console/session-tpps.js';
import { createSessions } from '../../console/sessions.js';
import { createLogger } from '../../lib/logger.js';
import { consoleOptionsFor } from '../helpers/console.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

interface Session {
  cookie: string;
  csrf: string;
  n: number;
}

let sb: TestSandbox;
let con: RunningConsole | undefined;
let admin: Agent;

const consoleOptions = () => consoleOptionsFor(sb);

async function get(c: RunningConsole, s: Pick<Session, 'cookie'>, path: string) {
  const res = await request(`${c.url}${path}`, { headers: { cookie: s.cookie } });
  return { status: res.statusCode, text: await res.body.text() };
}

async function signIn(c: RunningConsole = con!): Promise<Session> {
  const res = await request(`${c.url}/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: sb.directory.adminToken }).toString(),
  });
  await res.body.dump();
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  const page = (await get(c, { cookie }, '/tpp')).text;
  return {
    cookie,
    csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1],
    n: Number(/data-tpp-user-agent>obmock-console TPP \(session (\d+)\)</.exec(page)![1]),
  };
}

const text = (h: string) => h.replace(/<[^>]+>/g, '').trim();
const orgOf = (page: string) =>
  /<th>Organisation<\/th><td><a href="\/directory\/([A-Za-z0-9]+)"/.exec(page)?.[1];
const clientOf = (page: string) => /data-client-id="default">([^<]+)</.exec(page)?.[1];

async function press(s: Session, form: Record<string, string>, c: RunningConsole = con!): Promise<string> {
  const path = form.action ? '/tpp/act' : '/tpp/onboard';
  const res = await request(`${c.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: s.cookie },
    body: new URLSearchParams({ _csrf: s.csrf, bank: 'default', ...form }).toString(),
  });
  await res.body.dump();
  expect(res.statusCode).toBe(303);
  const page = (await get(c, s, String(res.headers.location))).text;
  return text(/class="flash[^"]*"[^>]*>([\s\S]*?)<\/div>/.exec(page)?.[1] ?? '');
}

/** Onboards and registers a session's TPP at the default bank; its organisation and client. */
async function onboarded(s: Session, c: RunningConsole = con!): Promise<{ org: string; client: string }> {
  expect(await press(s, {}, c)).toMatch(/^onboarded/);
  expect(await press(s, { action: 'register', auth_method: 'private_key_jwt' }, c)).toMatch(/^registered/);
  const page = (await get(c, s, '/tpp')).text;
  return { org: orgOf(page)!, client: clientOf(page)! };
}

async function adminJson<T>(
  url: string,
  init: { method?: string; body?: string } = {},
): Promise<[number, T]> {
  const res = await request(url, {
    dispatcher: admin,
    method: (init.method ?? 'GET') as 'GET',
    headers: { authorization: `Bearer ${sb.directory.adminToken}`, 'content-type': 'application/json' },
    ...(init.body ? { body: init.body } : {}),
  });
  return [res.statusCode, (await res.body.json()) as T];
}

const orgStatus = async (org: string) =>
  (await adminJson<{ Status: string }>(`${sb.directory.url}/admin/organisations/${org}`))[1].Status;
const bankHas = async (clientId: string, issuer = sb.bank.issuer) =>
  (
    await adminJson<{ items: { client_id: string }[] }>(
      `${issuer}/admin/clients?client_id=${encodeURIComponent(clientId)}`,
    )
  )[1].items.some((c) => c.client_id === clientId);
const latencyOnManagement = async (ms: number) => {
  const [status] = await adminJson(`${sb.bank.issuer}/admin/faults`, {
    method: 'POST',
    body: JSON.stringify({ kind: 'latency', endpoints: ['manage'], count: 1, latencyMs: ms }),
  });
  expect(status).toBe(201);
};

beforeAll(async () => {
  // a second bank manages registrations with RFC 7592 registration access tokens (pingfederate's switch)
  const rfc7592: BankDefinition = {
    ...DEFAULT_BANK,
    id: 'rfc7592',
    settings: { ...DEFAULT_BANK.settings, managementAuth: 'registration-access-token' },
    sealKey: 'ec',
  };
  sb = await startTestSandbox({ banks: [DEFAULT_BANK, rfc7592] });
  admin = new Agent({ connect: { ca: sb.caBundle } });
  con = await startConsole(consoleOptions());
}, 60_000);

afterAll(async () => {
  await con?.close();
  await admin?.close();
  await sb?.close();
});

describe("a session's TPP is retired when it is no longer used", { timeout: 60_000 }, () => {
  it("sign-out: its client deleted at the bank, its organisation revoked; the other session's untouched; sign-out does not wait", async () => {
    const [a, b] = [await signIn(), await signIn()];
    const mine = await onboarded(a);
    const theirs = await onboarded(b);
    expect(await bankHas(mine.client)).toBe(true);
    expect(await orgStatus(mine.org)).toBe('Active');

    // the bank's management endpoint answers 1.5 s late: the sign-out does not wait for it
    await latencyOnManagement(1500);
    const started = Date.now();
    const out = await request(`${con!.url}/sign-out`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: a.cookie },
      body: new URLSearchParams({ _csrf: a.csrf }).toString(),
    });
    await out.body.dump();
    expect(out.statusCode).toBe(303);
    expect(Date.now() - started).toBeLessThan(1000);

    await vi.waitFor(async () => expect(await orgStatus(mine.org)).toBe('Revoked'), { timeout: 10_000 });
    expect(await bankHas(mine.client)).toBe(false);
    // revocation put the organisation's certificates on the CRL: none of them is Active any more
    const [certStatus, certs] = await adminJson<unknown>(
      `${sb.directory.url}/v2.1/organisation/${mine.org}/certificate`,
    );
    expect(certStatus).toBe(200);
    const statuses = JSON.stringify(certs).match(/"(?:status|Status)":"(\w+)"/g) ?? [];
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((x) => x.includes('Active'))).toEqual([]);

    // B's organisation and client stay, and B goes on working
    expect(await orgStatus(theirs.org)).toBe('Active');
    expect(await bankHas(theirs.client)).toBe(true);
    expect(await press(b, { action: 'token' })).toMatch(/^token issued with private_key_jwt/);
  });

  it('a bank that issued a registration access token: the client is deleted with it', async () => {
    const a = await signIn();
    const mine = await onboarded(a);
    expect(await press(a, { action: 'register', bank: 'rfc7592', auth_method: 'private_key_jwt' })).toMatch(
      /^registered/,
    );
    const atRfc7592 = /data-client-id="rfc7592">([^<]+)</.exec((await get(con!, a, '/tpp')).text)![1];
    const issuer = sb.aspsp.banks.find((b) => b.id === 'rfc7592')!.issuer;
    expect(await bankHas(atRfc7592, issuer)).toBe(true);
    const out = await request(`${con!.url}/sign-out`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: a.cookie },
      body: new URLSearchParams({ _csrf: a.csrf }).toString(),
    });
    await out.body.dump();
    await vi.waitFor(async () => expect(await orgStatus(mine.org)).toBe('Revoked'), { timeout: 10_000 });
    expect(await bankHas(atRfc7592, issuer)).toBe(false);
    expect(await bankHas(mine.client)).toBe(false);
  });

  it('onboarding again retires the previous organisation of that session only', async () => {
    const [a, b] = [await signIn(), await signIn()];
    const first = await onboarded(a);
    const other = await onboarded(b);
    const again = await press(a, {});
    expect(again).toMatch(
      new RegExp(
        `^onboarded: .*\\(the previous organisation ${first.org} revoked, 1 of its 1 clients deleted`,
      ),
    );
    expect(await orgStatus(first.org)).toBe('Revoked');
    expect(await bankHas(first.client)).toBe(false);
    expect(await orgStatus(other.org)).toBe('Active');
    expect(await bankHas(other.client)).toBe(true);
    // the page's exchanges of that action show the retirement: the DELETE at the bank, the revoke
    const page = (await get(con!, a, '/tpp')).text;
    expect(page).toContain(
      `<code>DELETE /banks/default/register/${first.client}</code> → <strong>204</strong>`,
    );
    expect(page).toContain(
      `<code>POST /admin/organisations/${first.org}/revoke</code> → <strong>200</strong>`,
    );
    expect(page).not.toContain(sb.directory.adminToken);
    const second = orgOf(page)!;
    expect(second).not.toBe(first.org);
    expect(await orgStatus(second)).toBe('Active');
  });

  it('bounded: a bank that does not answer in time is given up, the organisation still revoked, one log line without secrets', async () => {
    const lines: string[] = [];
    const logger = createLogger('debug', {}, (l) => lines.push(l));
    const options = {
      directoryUrl: sb.directory.url,
      adminToken: sb.directory.adminToken,
      caBundlePem: sb.caBundle,
      banks: [{ id: 'default', discovery: sb.bank.discovery }],
    };
    const advertised = createAdvertisedMethods(options);
    const sessions = createSessions({ adminToken: 'x' });
    const tpps = createSessionTpps({
      ...options,
      advertised,
      logger,
      retire: { callMs: 400, phaseMs: 600 },
      max: 10,
    });
    const s = sessions.signInWithAdminToken('x')!;
    const tpp = tpps.of(s);
    expect((await tpp.run('onboard', '')).ok).toBe(true);
    const registered = await tpp.run('register', 'default', { authMethod: 'client_secret_post' });
    expect(registered.ok).toBe(true);
    const secret = tpp.client('default')!.client_secret!;
    const org = tpp.material!.organisationId;
    const key = tpp.material!.transport.keyPem;
    expect(secret.length).toBeGreaterThan(10);

    await latencyOnManagement(3000);
    const started = Date.now();
    await tpps.end(s.id);
    const took = Date.now() - started;
    expect(took).toBeLessThan(2500);
    expect(await orgStatus(org)).toBe('Revoked');
    const warnings = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].msg).toBe('a console TPP was not wholly retired');
    expect(warnings[0].organisation).toBe(org);
    expect(warnings[0].revoked).toBe(true);
    expect(warnings[0].failed).toEqual([expect.stringMatching(/^bank default, client \S+: /)]);
    const all = lines.join('\n');
    for (const s of [secret, sb.directory.adminToken, key.split('\n')[1]]) expect(all).not.toContain(s);
    await tpps.close();
    await advertised.close();
    // the latency fault's DELETE may still land after the deadline; let it finish before the next case
    await new Promise((r) => setTimeout(r, 3000));
  });
});

describe('session numbers after a restart', { timeout: 60_000 }, () => {
  it("continue after the highest `Console TPP N` in the directory; the stopped console's TPPs are retired", async () => {
    // one console at a time, as `obmock up` runs it
    await con?.close();
    con = undefined;
    const first = await startConsole(consoleOptions());
    const [a, b] = [await signIn(first), await signIn(first)];
    const left = await onboarded(b, first);
    expect(await press(a, {}, first)).toMatch(/^onboarded/);
    await first.close(); // a restart: the sessions end with it

    const second = await startConsole(consoleOptions());
    try {
      const c = await signIn(second);
      expect(c.n).toBeGreaterThan(b.n);
      expect(await press(c, {}, second)).toMatch(/^onboarded/);
      // the new session's organisation has a name no earlier one has, and so had the first console's
      const [, orgs] = await adminJson<{ OrganisationName: string }[]>(
        `${sb.directory.url}/admin/organisations`,
      );
      const named = (n: number) => orgs.filter((o) => o.OrganisationName === `Console TPP ${n}`).length;
      expect(named(c.n)).toBe(1);
      expect(named(a.n)).toBe(1);
      expect(named(b.n)).toBe(1);
      // what the stopped console's sessions made was retired when it stopped
      expect(await orgStatus(left.org)).toBe('Revoked');
      expect(await bankHas(left.client)).toBe(false);
    } finally {
      await second.close();
    }
  });
});

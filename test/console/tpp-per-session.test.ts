/**
 * Each console session has its own TPP (docs/console.md): its own organisation, software
 * statement, keys and clients. Two participants onboarding, registering and getting tokens never
 * see or change each other's; a session's TPP calls carry its own User-Agent; a TPP ends with its
 * session (signed out, closed for room, expired), its HTTP clients closed.
 */
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdvertisedMethods } from '../../console/advertised-methods.js';
import { ConsoleTppClosed } from '../../console/console-tpp-closed.js';
import { createSessionTpps } from '../../console/session-tpps.js';
import { createSessions } from '../../console/sessions.js';
import { TppsFull } from '../../console/tpps-full.js';
import { agentsInUse } from '../../tpp-client/http/shared-agent.js';
import { startTestConsole, type TestConsole } from '../helpers/console.js';

interface Session {
  cookie: string;
  csrf: string;
  /** The session's number, as its TPP page shows it. */
  n: number;
}

let t: TestConsole;
let admin: Agent;

async function get(s: Pick<Session, 'cookie'>, path: string) {
  const res = await request(`${t.console.url}${path}`, { headers: { cookie: s.cookie } });
  return { status: res.statusCode, text: await res.body.text() };
}

async function signIn(): Promise<Session> {
  const res = await request(`${t.console.url}/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: t.sb.directory.adminToken }).toString(),
  });
  await res.body.dump();
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  const page = (await get({ cookie }, '/tpp')).text;
  return {
    cookie,
    csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1],
    n: Number(/data-tpp-user-agent>obmock-console TPP \(session (\d+)\)</.exec(page)![1]),
  };
}

const text = (htmlText: string) => htmlText.replace(/<[^>]+>/g, '').trim();
const summaryOf = (page: string) => text(/<p data-tpp-summary>([\s\S]*?)<\/p>/.exec(page)?.[1] ?? '');
const orgOf = (page: string) =>
  /<th>Organisation<\/th><td><a href="\/directory\/([A-Za-z0-9]+)"/.exec(page)?.[1];
const clientOf = (page: string) => /data-client-id="default">([^<]+)</.exec(page)?.[1];

/** Presses a TPP button; returns the flash and the page's "last action" summary it lands on. */
async function press(s: Session, form: Record<string, string>): Promise<{ flash: string; last: string }> {
  const path = form.action ? '/tpp/act' : '/tpp/onboard';
  const res = await request(`${t.console.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: s.cookie },
    body: new URLSearchParams({ _csrf: s.csrf, bank: 'default', ...form }).toString(),
  });
  await res.body.dump();
  expect(res.statusCode).toBe(303);
  const page = (await get(s, String(res.headers.location))).text;
  return {
    flash: text(/class="flash[^"]*"[^>]*>([\s\S]*?)<\/div>/.exec(page)?.[1] ?? ''),
    last: summaryOf(page),
  };
}

interface TapMessage {
  method: string;
  path: string;
  requestHeaders: Record<string, string>;
  responseBody?: string;
  clientCertificate?: string;
}

/** What a service's message tap holds (admin token). */
async function tap(origin: string): Promise<TapMessage[]> {
  const res = await request(`${origin}/admin/messages`, {
    dispatcher: admin,
    headers: { authorization: `Bearer ${t.sb.directory.adminToken}` },
  });
  return ((await res.body.json()) as { messages: TapMessage[] }).messages;
}

beforeAll(async () => {
  t = await startTestConsole();
  admin = new Agent({ connect: { ca: t.sb.caBundle } });
}, 60_000);

afterAll(async () => {
  await admin?.close();
  await t?.close();
});

describe('each console session has its own TPP', { timeout: 60_000 }, () => {
  it('two sessions onboard, register and get tokens; B onboarding again changes nothing of A', async () => {
    const [a, b] = [await signIn(), await signIn()];
    expect(a.n).not.toBe(b.n);
    expect((await press(a, {})).flash).toMatch(/^onboarded: organisation/);
    expect((await press(b, {})).flash).toMatch(/^onboarded: organisation/);
    const orgA = orgOf((await get(a, '/tpp')).text)!;
    const orgB = orgOf((await get(b, '/tpp')).text)!;
    expect(orgA).toMatch(/^[A-Za-z0-9]{10,}$/);
    expect(orgB).not.toBe(orgA);

    expect((await press(a, { action: 'register', auth_method: 'private_key_jwt' })).flash).toMatch(
      /^registered: client_id .* \(private_key_jwt\)$/,
    );
    expect((await press(b, { action: 'register', auth_method: 'tls_client_auth' })).flash).toMatch(
      /^registered: client_id .* \(tls_client_auth\)$/,
    );
    const clientA = clientOf((await get(a, '/tpp')).text)!;
    const clientB = clientOf((await get(b, '/tpp')).text)!;
    expect(clientB).not.toBe(clientA);
    expect((await press(a, { action: 'token' })).flash).toMatch(/^token issued with private_key_jwt/);
    expect((await press(b, { action: 'token' })).flash).toMatch(/^token issued with tls_client_auth/);

    // B onboards again: a new organisation for B, nothing changes for A
    const again = await press(b, {});
    expect(again.flash).toMatch(/^onboarded/);
    const pageB = (await get(b, '/tpp')).text;
    const orgB2 = orgOf(pageB)!;
    expect(orgB2).not.toBe(orgB);
    expect(clientOf(pageB)).toBeUndefined(); // B's new organisation has no client yet
    const token = await press(a, { action: 'token' });
    expect(token.flash).toMatch(/^token issued with private_key_jwt/);
    expect(token.last).toBe(token.flash);
    const pageA = (await get(a, '/tpp')).text;
    expect(orgOf(pageA)).toBe(orgA);
    expect(clientOf(pageA)).toBe(clientA);
    // A's page shows none of B's organisations, client or actions
    for (const other of [orgB, orgB2, clientB, again.flash]) expect(pageA).not.toContain(other);
    expect(summaryOf(pageA)).toBe(token.flash);
    // B's page: its own onboarding, not A's token
    expect(summaryOf((await get(b, '/tpp')).text)).toBe(again.flash);

    // a session that has pressed nothing has no TPP and sees nobody else's
    const c = await signIn();
    const pageC = (await get(c, '/tpp')).text;
    expect(pageC).toContain('Not onboarded yet.');
    expect(pageC).not.toContain('data-tpp-summary');
    for (const other of [orgA, orgB2, clientA]) expect(pageC).not.toContain(other);
    // only onboarding makes a TPP: C's other buttons say so and make nothing
    expect((await press(c, { action: 'token' })).flash).toBe('onboard the TPP first');

    // names numbered by session, in the directory and in the forms' defaults
    expect((await get(a, `/directory/${orgA}`)).text).toContain(`Console TPP ${a.n}</`);
    expect((await get(b, `/directory/${orgB2}`)).text).toContain(`Console TPP ${b.n}</`);
    expect((await get(a, '/directory')).text).toContain(`value="Workshop TPP ${a.n}"`);
    expect((await get(b, `/directory/${orgB2}`)).text).toContain(`value="Workshop app ${b.n}"`);

    // the Banks page lists every client of the bank (it is the room's), with a link to one's own
    const banks = (await get(a, '/banks')).text;
    expect(banks).toContain(`href="/banks/default/clients?org_id=${orgA}"`);
    const own = (await get(a, `/banks/default/clients?org_id=${orgA}`)).text;
    expect(own).toContain(clientA);
    expect(own).not.toContain(clientB);
    expect((await get(c, '/banks')).text).not.toContain('data-own-clients');
  });

  it('pressed at once: B onboards again while A registers and gets a token, three times over', async () => {
    const [a, b] = [await signIn(), await signIn()];
    await Promise.all([press(a, {}), press(b, {})]);
    const orgA = orgOf((await get(a, '/tpp')).text);
    for (let round = 0; round < 3; round++) {
      const [onboarded, registered] = await Promise.all([
        press(b, {}),
        press(a, { action: 'register', auth_method: 'tls_client_auth' }),
      ]);
      expect(onboarded.flash).toMatch(/^onboarded/);
      expect(registered.flash).toMatch(/^registered: client_id .* \(tls_client_auth\)$/);
      expect(registered.last).toBe(registered.flash);
      const [token, again] = await Promise.all([press(a, { action: 'token' }), press(b, {})]);
      expect(token.flash).toMatch(/^token issued with tls_client_auth/);
      expect(token.last).toBe(token.flash);
      expect(again.last).toBe(again.flash);
      // A's client is still A's organisation's
      expect(orgOf((await get(a, '/tpp')).text)).toBe(orgA);
    }
  });

  it('offers again the auth method the session last registered with (another session keeps its own)', async () => {
    const [a, b] = [await signIn(), await signIn()];
    await Promise.all([press(a, {}), press(b, {})]);
    expect((await press(a, { action: 'register', auth_method: 'private_key_jwt' })).flash).toMatch(
      /\(private_key_jwt\)$/,
    );
    const selected = async (s: Session) =>
      /<option selected>([a-z_]+)<\/option>/.exec((await get(s, '/tpp')).text)?.[1];
    expect(await selected(a)).toBe('private_key_jwt');
    expect(await selected(b)).toBeUndefined(); // the first offered, as before
    expect((await press(b, { action: 'register', auth_method: 'client_secret_post' })).flash).toMatch(
      /\(client_secret_post\)$/,
    );
    expect(await selected(a)).toBe('private_key_jwt');
    expect(await selected(b)).toBe('client_secret_post');
  });

  it("a session's TPP calls carry its own User-Agent (the console's own calls keep theirs)", async () => {
    const [a, b] = [await signIn(), await signIn()];
    await press(a, {});
    await press(b, {});
    await press(a, { action: 'register', auth_method: 'tls_client_auth' });
    const orgA = orgOf((await get(a, '/tpp')).text)!;
    const orgB = orgOf((await get(b, '/tpp')).text)!;
    const uaA = `obmock-console TPP (session ${a.n})`;
    const uaB = `obmock-console TPP (session ${b.n})`;
    const directory = await tap(t.sb.directory.url);
    const byA = directory.filter((m) => m.requestHeaders['user-agent'] === uaA);
    const byB = directory.filter((m) => m.requestHeaders['user-agent'] === uaB);
    // A's onboarding: the organisation (its id in the answer), the software statement, the SSA and both CSRs
    expect(byA.some((m) => m.method === 'POST' && m.responseBody?.includes(orgA))).toBe(true);
    expect(byA.filter((m) => m.path.includes(orgA)).length).toBeGreaterThanOrEqual(4);
    expect(byA.some((m) => m.path.includes(orgB) || m.responseBody?.includes(orgB))).toBe(false);
    expect(byB.some((m) => m.path.includes(orgB))).toBe(true);
    expect(byB.some((m) => m.path.includes(orgA))).toBe(false);
    // at the bank: A's registration, over A's certificate, with A's User-Agent
    const bank = await tap(new URL(t.sb.bank.issuer).origin);
    const registration = bank.filter((m) => m.method === 'POST' && m.path.endsWith('/register')).at(-1)!;
    expect(registration.requestHeaders['user-agent']).toBe(uaA);
    expect(registration.clientCertificate).toContain('BEGIN CERTIFICATE');
    // the console's own reads for its pages stay plain obmock-console (the live flow can hide them)
    expect(
      bank.some(
        (m) =>
          m.path.endsWith('/.well-known/openid-configuration') &&
          m.requestHeaders['user-agent'] === 'obmock-console',
      ),
    ).toBe(true);
  });
});

describe("a session's TPP ends with the session", { timeout: 60_000 }, () => {
  it('signed out mid-action, closed for room, expired: out of the table, its HTTP clients closed', async () => {
    let clock = 1_000_000;
    const ended: Promise<void>[] = [];
    const options = {
      directoryUrl: t.sb.directory.url,
      adminToken: t.sb.directory.adminToken,
      caBundlePem: t.sb.caBundle,
      banks: [{ id: 'default', discovery: t.sb.bank.discovery }],
    };
    const advertised = createAdvertisedMethods(options);
    const sessions = createSessions({
      adminToken: 'x',
      max: 2,
      now: () => clock,
      onEnd: (id) => ended.push(tpps.end(id)),
    });
    const tpps = createSessionTpps({ ...options, advertised, max: sessions.max, isOpen: sessions.isOpen });
    const before = agentsInUse();

    const s1 = sessions.signInWithAdminToken('x')!;
    const s2 = sessions.signInWithAdminToken('x')!;
    const tpp1 = tpps.of(s1);
    expect((await tpp1.run('onboard', '')).summary).toMatch(/^onboarded/);
    expect((await tpp1.run('register', 'default', { authMethod: 'tls_client_auth' })).ok).toBe(true);
    expect((await tpps.of(s2).run('onboard', '')).ok).toBe(true);
    expect(tpps.size()).toBe(2);
    // an idle TPP holds no connection: its clients close with each action
    expect(agentsInUse()).toBe(before);

    // signed out while its token request waits at the bank (a 1.5 s latency fault)
    const fault = await request(`${t.sb.bank.issuer}/admin/faults`, {
      method: 'POST',
      dispatcher: admin,
      headers: { authorization: `Bearer ${t.sb.directory.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'latency', endpoints: ['token'], count: 1, latencyMs: 1500 }),
    });
    expect(fault.statusCode).toBe(201);
    await fault.body.dump();
    const inFlight = tpp1.run('token', 'default');
    await new Promise((r) => setTimeout(r, 500));
    expect(agentsInUse()).toBeGreaterThan(before);
    sessions.close(s1.id);
    expect(tpps.size()).toBe(1);
    expect(tpps.find(s1)).toBeUndefined();
    expect((await inFlight).summary).toMatch(/^token issued/); // the action under way finishes
    await Promise.all(ended);
    expect(agentsInUse()).toBe(before);
    // the ended TPP does nothing more, and has forgotten its keys
    expect((await tpp1.run('token', 'default')).summary).toBe('this session has ended');
    expect(tpp1.material).toBeUndefined();
    // a request that raced the sign-out makes no new TPP for the ended session
    expect(() => tpps.of(s1)).toThrow(ConsoleTppClosed);
    expect(tpps.size()).toBe(1);

    // closed for room: s2 unused for 11 minutes, a new sign-in takes its place and its TPP goes
    clock += 11 * 60_000;
    const s3 = sessions.signInWithAdminToken('x')!;
    const s4 = sessions.signInWithAdminToken('x')!;
    expect(sessions.find(s2.id)).toBeUndefined();
    expect(tpps.size()).toBe(0);
    // expired: 12 hours idle
    tpps.of(s3);
    tpps.of(s4);
    expect(tpps.size()).toBe(2);
    clock += 13 * 60 * 60_000;
    expect(sessions.find(s3.id)).toBeUndefined();
    expect(tpps.size()).toBe(1);
    await tpps.close();
    await Promise.all(ended);
    expect(tpps.size()).toBe(0);
    expect(agentsInUse()).toBe(before);
    await advertised.close();
  });

  it('a table full of TPPs refuses a new one (TppsFull) and keeps the others', () => {
    const advertised = createAdvertisedMethods({ caBundlePem: t.sb.caBundle, banks: [] });
    const tpps = createSessionTpps({
      directoryUrl: t.sb.directory.url,
      adminToken: t.sb.directory.adminToken,
      caBundlePem: t.sb.caBundle,
      banks: [],
      advertised,
      max: 1,
    });
    const sessions = createSessions({ adminToken: 'x' });
    const [s1, s2] = [sessions.signInWithAdminToken('x')!, sessions.signInWithAdminToken('x')!];
    const mine = tpps.of(s1);
    expect(() => tpps.of(s2)).toThrow(TppsFull);
    expect(tpps.of(s1)).toBe(mine);
    expect(tpps.size()).toBe(1);
  });
});

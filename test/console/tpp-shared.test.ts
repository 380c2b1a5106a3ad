/**
 * The console's TPP is one for every session (docs/console.md): several participants pressing
 * its buttons at once. Each sees their own last action, and actions run one at a time, so an
 * onboarding pressed while another session registers does not leave a client of the old
 * organisation under the new one's keys. At HTTP level.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../helpers/console.js';

interface Session {
  cookie: string;
  csrf: string;
}

let t: TestConsole;

async function get(s: Session, path: string) {
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
  const s = { cookie: String(res.headers['set-cookie']).split(';')[0], csrf: '' };
  s.csrf = /name="_csrf" value="([^"]+)"/.exec((await get(s, '/tpp')).text)![1];
  return s;
}

const text = (htmlText: string) => htmlText.replace(/<[^>]+>/g, '').trim();

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
    last: text(/<p data-tpp-summary>([\s\S]*?)<\/p>/.exec(page)?.[1] ?? ''),
  };
}

beforeAll(async () => {
  t = await startTestConsole();
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('the console TPP shared by several sessions', { timeout: 60_000 }, () => {
  it('shows each session its own last action, not the last anyone made', async () => {
    const [a, b] = [await signIn(), await signIn()];
    expect((await press(a, {})).flash).toMatch(/^onboarded: organisation/);
    const registered = await press(a, { action: 'register', auth_method: 'tls_client_auth' });
    expect(registered.flash).toMatch(/^registered: client_id/);
    const token = await press(b, { action: 'token' });
    expect(token.flash).toMatch(/^token issued/);
    expect(token.last).toBe(token.flash);
    // A comes back to the page: the action shown is A's registration, not B's token.
    const page = (await get(a, '/tpp')).text;
    expect(text(/<p data-tpp-summary>([\s\S]*?)<\/p>/.exec(page)?.[1] ?? '')).toBe(registered.flash);
    // A session that has pressed nothing yet is shown no one else's action.
    const c = await signIn();
    expect((await get(c, '/tpp')).text).not.toContain('data-tpp-summary');
  });

  it('offers again the auth method the session last registered with (another session keeps its own)', async () => {
    const [a, b] = [await signIn(), await signIn()];
    expect((await press(a, {})).flash).toMatch(/^onboarded/);
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

  it('runs actions one at a time: onboarding again while others register and get tokens', async () => {
    const sessions = [await signIn(), await signIn(), await signIn()];
    expect((await press(sessions[0], {})).flash).toMatch(/^onboarded/);
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all([
        press(sessions[0], {}),
        press(sessions[1], { action: 'register', auth_method: 'tls_client_auth' }),
        press(sessions[2], { action: 'register', auth_method: 'private_key_jwt' }),
      ]);
      // every action completed on its own terms, and each session sees its own
      expect(results[0].flash).toMatch(/^onboarded/);
      expect(results[1].flash).toMatch(/^registered: client_id .* \(tls_client_auth\)$/);
      expect(results[2].flash).toMatch(/^registered: client_id .* \(private_key_jwt\)$/);
      for (const r of results) expect(r.last).toBe(r.flash);
      // the client the TPP now holds belongs to the organisation it holds: its token is issued
      expect((await press(sessions[1], { action: 'token' })).flash).toMatch(/^token issued/);
    }
  });
});

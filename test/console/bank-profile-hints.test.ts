/**
 * The console's TPP registers as each bank wants (docs/console.md): what discovery cannot say —
 * a PingFederate-style bank's `aud` is its issuer URL, not its OB organisation id — comes from
 * the bank's obmock profile (`GET {issuer}/profile`), as the scenarios and `TppClient` take it.
 * Before, the console always sent the organisation id and such a bank refused every registration.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BANK } from '../../aspsp-mock/config.js';
import { bankFromSpec } from '../../aspsp-mock/index.js';
import { type RunningConsole, startConsole } from '../../console/index.js';
import { consoleOptionsFor } from '../helpers/console.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let sb: TestSandbox;
let con: RunningConsole;
let cookie = '';
let csrf = '';

beforeAll(async () => {
  sb = await startTestSandbox({
    banks: [DEFAULT_BANK, { ...bankFromSpec('ping=pingfederate'), sealKey: 'ec' }],
  });
  con = await startConsole(consoleOptionsFor(sb));
  const res = await request(`${con.url}/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: sb.directory.adminToken }).toString(),
  });
  await res.body.dump();
  cookie = String(res.headers['set-cookie']).split(';')[0];
  const page = await (await request(`${con.url}/tpp`, { headers: { cookie } })).body.text();
  csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1];
}, 60_000);

afterAll(async () => {
  await con?.close();
  await sb?.close();
});

/** Presses a TPP page button; the flash message it leads to. */
async function press(form: Record<string, string>): Promise<string> {
  const res = await request(`${con.url}${form.action ? '/tpp/act' : '/tpp/onboard'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: csrf, bank: 'ping', ...form }).toString(),
  });
  await res.body.dump();
  expect(res.statusCode).toBe(303);
  const page = await (
    await request(`${con.url}${String(res.headers.location)}`, { headers: { cookie } })
  ).body.text();
  return (/class="flash[^"]*"[^>]*>([\s\S]*?)<\/div>/.exec(page)?.[1] ?? '').replace(/<[^>]+>/g, '').trim();
}

describe('a bank whose aud is its issuer URL (pingfederate profile)', { timeout: 60_000 }, () => {
  it('registers, gets a token, updates and deletes the registration (RFC 7592, its registration access token)', async () => {
    expect(await press({})).toMatch(/^onboarded/);
    expect(await press({ action: 'register', auth_method: 'tls_client_auth' })).toMatch(
      /^registered: client_id /,
    );
    const ping = sb.aspsp.banks.find((b) => b.id === 'ping')!;
    expect(ping.ctx.store.list(BANK_CLIENTS)).toHaveLength(1);
    expect(await press({ action: 'token' })).toMatch(/^token issued with tls_client_auth/);
    expect(await press({ action: 'update' })).toMatch(/^registration .* updated \(200\)$/);
    expect(await press({ action: 'delete' })).toMatch(/^registration .* deleted \(204\)$/);
    expect(ping.ctx.store.list(BANK_CLIENTS)).toHaveLength(0);
  });

  it('the default bank (aud = the OB organisation id) still registers', async () => {
    const res = await request(`${con.url}/tpp/act`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({
        _csrf: csrf,
        bank: 'default',
        action: 'register',
        auth_method: 'tls_client_auth',
      }).toString(),
    });
    await res.body.dump();
    const page = await (
      await request(`${con.url}${String(res.headers.location)}`, { headers: { cookie } })
    ).body.text();
    expect(page).toMatch(/registered: client_id /);
  });
});

const BANK_CLIENTS = 'clients';

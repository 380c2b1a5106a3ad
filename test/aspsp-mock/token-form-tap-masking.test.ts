import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/sandbox.js';
import { bankTap, registerWith, startTwoClientBank, type TwoClientBank } from '../helpers/two-client-bank.js';

// Audit F5 against the bank itself: it reads `client%5Fsecret` (and every other percent-encoding
// of the name) as client_secret and issues a token; its message tap must mask that secret.

let t: TwoClientBank;
let clientId: string;
let secret: string;
beforeAll(async () => {
  t = await startTwoClientBank();
  const reg = await registerWith(t.sb, t.other, {
    token_endpoint_auth_method: 'client_secret_post',
    tls_client_auth_subject_dn: undefined,
  });
  expect(reg.status, reg.text).toBe(201);
  clientId = String(reg.json().client_id);
  secret = String(reg.json().client_secret);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('bank /token: a client_secret_post secret under any spelling of its name is masked in the tap', () => {
  it.each([
    'client_secret',
    'client%5Fsecret',
    'client%5fsecret',
    '%63lient_secret',
    '%63%6C%69%65%6E%74%5F%73%65%63%72%65%74',
  ])('%s', async (name) => {
    const body = `grant_type=client_credentials&client_id=${clientId}&${name}=${encodeURIComponent(secret)}`;
    const res = await call(t.other.agent, 'POST', `${t.sb.bank.issuer}/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(res.status, res.text).toBe(200);
    const m = (await bankTap(t.sb, t.plain, 'POST', '/token')).at(-1)!;
    expect(m.status).toBe(200);
    expect(m.requestBody).toBe(
      `grant_type=client_credentials&client_id=${clientId}&${name}=${encodeURIComponent(secret).slice(0, 4)}…`,
    );
    expect(JSON.stringify(m)).not.toContain(secret.slice(4));
  });
});

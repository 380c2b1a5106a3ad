/**
 * A sandbox whose bank has two registered clients — one TPP with
 * tls_client_auth, another with client_secret_basic — and a plain agent that
 * trusts the sandbox CA: the set-up of the console tests that read the bank's
 * admin data (listings, the checks in its message tap).
 */
import { Agent } from 'undici';
import { expect } from 'vitest';
import type { TappedMessage } from '../../lib/http/index.js';
import {
  call,
  type HttpResult,
  onboardTpp,
  register,
  registrationClaims,
  signRequest,
  startTestSandbox,
  type TestSandbox,
  type TestTpp,
} from './sandbox.js';

export interface TwoClientBank {
  sb: TestSandbox;
  /** Registered with tls_client_auth as `clientId`. */
  tpp: TestTpp;
  clientId: string;
  /** Registered with client_secret_basic as `secretClientId`, its secret `clientSecret`. */
  other: TestTpp;
  secretClientId: string;
  clientSecret: string;
  /** An agent that trusts the sandbox CA and presents no certificate. */
  plain: Agent;
  close(): Promise<void>;
}

/** A PS256-signed registration of `t` at `sb`'s bank, with `overrides` applied to its claims. */
export async function registerWith(
  sb: TestSandbox,
  t: TestTpp,
  overrides: Record<string, unknown> = {},
): Promise<HttpResult> {
  const jwt = await signRequest(
    registrationClaims(t, sb.bank, await t.ssa(), overrides),
    t.signing.key.privateKey,
    { alg: 'PS256', kid: t.signing.kid },
  );
  return register(t, sb.bank, jwt);
}

/** POST {issuer}/token with a form body. */
export const tokenCall = (
  sb: TestSandbox,
  agent: Agent,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<HttpResult> =>
  call(agent, 'POST', `${sb.bank.issuer}/token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });

/** The bank tap's entries for this method and path of the bank (e.g. `/register`), oldest first. */
export async function bankTap(
  sb: TestSandbox,
  plain: Agent,
  method: string,
  path: string,
): Promise<TappedMessage[]> {
  const res = await call(plain, 'GET', `${new URL(sb.bank.issuer).origin}/admin/messages`, {
    headers: { authorization: `Bearer ${sb.directory.adminToken}` },
  });
  expect(res.status).toBe(200);
  const { messages } = res.json() as { messages: TappedMessage[] };
  return messages.filter((m) => m.method === method && m.path === `/banks/${sb.bank.id}${path}`);
}

/** Starts the sandbox, onboards the two TPPs and registers them (each registration must answer 201). */
export async function startTwoClientBank(): Promise<TwoClientBank> {
  const sb = await startTestSandbox();
  const plain = new Agent({ connect: { ca: sb.caBundle } });
  const [tpp, other] = await Promise.all([onboardTpp(sb), onboardTpp(sb)]);
  const close = async () => {
    await plain.close();
    await tpp.agent.close();
    await other.agent.close();
    await sb.close();
  };
  try {
    const reg = await registerWith(sb, tpp);
    expect(reg.status, reg.text).toBe(201);
    const secretReg = await registerWith(sb, other, {
      token_endpoint_auth_method: 'client_secret_basic',
      tls_client_auth_subject_dn: undefined,
    });
    expect(secretReg.status, secretReg.text).toBe(201);
    return {
      sb,
      tpp,
      clientId: String(reg.json().client_id),
      other,
      secretClientId: String(secretReg.json().client_id),
      clientSecret: String(secretReg.json().client_secret),
      plain,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

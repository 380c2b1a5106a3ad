import { constants, type KeyObject, randomUUID, sign } from 'node:crypto';
import { Agent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { BANK_COLLECTIONS } from '../../aspsp-mock/model.js';
import { call, register, registrationClaims, signRequest, type TestTpp } from '../helpers/sandbox.js';
import { useTestSandbox, useTestTpps } from '../helpers/use-sandbox.js';

/**
 * Refusals whose description named the wrong reason (audit s8 F7): the status and error code
 * stay, the description says what is wrong, and nothing is stored.
 */
const sb = useTestSandbox();
const [tpp, other] = useTestTpps(sb, [{}, {}]);
let noCert: Agent | undefined;
afterAll(async () => {
  await noCert?.close();
});

const clients = () => sb.bank.ctx.store.list(BANK_COLLECTIONS.clients).length;
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const form = { 'content-type': 'application/x-www-form-urlencoded' };

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A correct PS256 JWS signed by hand (jose refuses to sign a crit it does not know). */
function signPs256(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: KeyObject,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = sign('sha256', Buffer.from(input), {
    key,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 32,
  });
  return `${input}.${signature.toString('base64url')}`;
}

async function signedWithHeader(t: TestTpp, extra: Record<string, unknown>): Promise<string> {
  const claims = registrationClaims(t, sb.bank, await t.ssa(), {});
  return signPs256(
    { alg: 'PS256', kid: t.signing.kid, typ: 'JWT', ...extra },
    claims,
    t.signing.key.privateKey,
  );
}

describe('F7a: a correctly signed request with a crit header is refused for its crit (RFC 7515 §4.1.11)', () => {
  const cases: [string, Record<string, unknown>, number, string | undefined, RegExp | undefined][] = [
    ['no crit (baseline)', {}, 201, undefined, undefined],
    [
      'crit naming an unknown extension',
      { crit: ['urn:unknown'], 'urn:unknown': 1 },
      400,
      'invalid_client_metadata',
      /^request header must not have 'crit': this bank supports no critical header extension/,
    ],
    [
      'crit naming a registered header (exp)',
      { crit: ['exp'], exp: 1 },
      400,
      'invalid_client_metadata',
      /^request header must not have 'crit'/,
    ],
  ];
  it.each(cases)('%s', async (_name, header, status, error, description) => {
    const before = clients();
    const res = await register(tpp, sb.bank, await signedWithHeader(tpp, header));
    expect(res.status, res.text).toBe(status);
    if (status !== 201) {
      expect(res.json().error).toBe(error);
      expect(res.json().error_description).toMatch(description!);
      expect(res.json().error_description).not.toMatch(/signature/);
      expect(clients()).toBe(before);
    } else expect(clients()).toBe(before + 1);
  });

  it('a client_assertion with crit: 401 invalid_client naming the crit, its jti not recorded', async () => {
    const reg = await register(
      tpp,
      sb.bank,
      await signRequest(
        registrationClaims(tpp, sb.bank, await tpp.ssa(), {
          token_endpoint_auth_method: 'private_key_jwt',
          token_endpoint_auth_signing_alg: 'PS256',
          tls_client_auth_subject_dn: undefined,
        }),
        tpp.signing.key.privateKey,
        { alg: 'PS256', kid: tpp.signing.kid, typ: 'JWT' },
      ),
    );
    expect(reg.status, reg.text).toBe(201);
    const id = String(reg.json().client_id);
    const jti = randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const assertion = signPs256(
      { alg: 'PS256', kid: tpp.signing.kid, crit: ['urn:unknown'], 'urn:unknown': 1 },
      { iss: id, sub: id, aud: `${sb.bank.issuer}/token`, jti, iat: now, exp: now + 300 },
      tpp.signing.key.privateKey,
    );
    const res = await call(tpp.agent, 'POST', `${sb.bank.issuer}/token`, {
      headers: form,
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: JWT_BEARER,
        client_assertion: assertion,
      }).toString(),
    });
    expect(res.status, res.text).toBe(401);
    expect(res.json()).toEqual({
      error: 'invalid_client',
      error_description:
        "client_assertion header must not have 'crit': this bank supports no critical header extension (RFC 7515 §4.1.11)",
    });
    expect(sb.bank.ctx.store.get(BANK_COLLECTIONS.jtis, `assertion:${id}:${jti}`)).toBeUndefined();
  });
});

describe('F7b: a bound access token presented without a client certificate says so', () => {
  it.each([
    [
      'no client certificate',
      () => noCert!,
      'no client certificate was presented; the access token is bound to one (cnf.x5t#S256)',
    ],
    [
      "another TPP's certificate",
      () => other.agent,
      'the access token is bound to another client certificate (cnf.x5t#S256)',
    ],
    ['the certificate it is bound to', () => tpp.agent, undefined],
  ] as const)('%s', async (_name, agent, description) => {
    noCert ??= new Agent({ connect: { ca: sb.caBundle } });
    const reg = await register(tpp, sb.bank, await signedWithHeader(tpp, {}));
    expect(reg.status, reg.text).toBe(201);
    const id = String(reg.json().client_id);
    const tok = await call(tpp.agent, 'POST', `${sb.bank.issuer}/token`, {
      headers: form,
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id }).toString(),
    });
    expect(tok.status, tok.text).toBe(200);
    const res = await call(agent(), 'GET', `${sb.bank.issuer}/register/${id}`, {
      headers: { authorization: `Bearer ${String(tok.json().access_token)}` },
    });
    if (description === undefined) {
      expect(res.status, res.text).toBe(200);
      return;
    }
    expect(res.status, res.text).toBe(401);
    expect(res.json()).toEqual({ error: 'invalid_token', error_description: description });
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    // the token and the client are untouched: the owner still manages it
    expect(
      (
        await call(tpp.agent, 'GET', `${sb.bank.issuer}/register/${id}`, {
          headers: { authorization: `Bearer ${String(tok.json().access_token)}` },
        })
      ).status,
    ).toBe(200);
  });
});

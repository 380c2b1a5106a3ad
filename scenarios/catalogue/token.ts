import { randomUUID } from 'node:crypto';
import { buildClientAssertion, getToken } from '../../tpp-client/index.js';
import type { Need, Scenario } from '../types.js';

const METHODS = ['tls_client_auth', 'private_key_jwt', 'client_secret_basic', 'client_secret_post'] as const;

/** The token endpoint: each auth method, and its refusals (RFC 6749 §5.2, RFC 7523, RFC 8705). */
export const token: Scenario[] = [
  ...METHODS.map(
    (method): Scenario => ({
      id: `TOKEN-${method}`,
      rules: ['reg.accept-valid', 'token.client-credentials'],
      title: `register with ${method}, client-credentials token → 200`,
      reference: `OB DCR v3.3 token_endpoint_auth_method; RFC 6749 §4.4${method === 'private_key_jwt' ? '; RFC 7523' : method === 'tls_client_auth' ? '; RFC 8705 §2' : '; RFC 6749 §2.3.1'}`,
      tags: ['token', 'happy-path'],
      needs: [method as Need],
      async run(t) {
        const client = await t.step(`register with ${method}`, () =>
          t.registerValid({ tokenEndpointAuthMethod: method }),
        );
        if (method.startsWith('client_secret'))
          t.check(
            typeof client.client_secret === 'string' && client.client_secret.length > 0,
            'no client_secret returned for a secret method',
          );
        const res = await t.step('client-credentials token', () => t.token(client, { scope: 'accounts' }));
        t.expectStatus(res, 200);
        if (res.ok) {
          t.check(res.token.token_type.toLowerCase() === 'bearer', `token_type ${res.token.token_type}`);
          t.check(
            typeof res.token.access_token === 'string' && res.token.access_token.length >= 16,
            'access_token missing or short',
          );
        }
      },
    }),
  ),
  {
    id: 'TOKEN-secret-wrong',
    rules: ['token.client-auth'],
    baseline: 'token-client_secret_basic',
    title: 'client_secret_basic with a wrong secret → 401 invalid_client',
    reference: 'RFC 6749 §5.2 invalid_client',
    tags: ['token', 'negative'],
    needs: ['client_secret_basic'],
    async run(t) {
      const client = await t.step('register with client_secret_basic', () =>
        t.registerValid({ tokenEndpointAuthMethod: 'client_secret_basic' }),
      );
      const res = await t.step('token with a wrong secret', () =>
        getToken(
          t.tpp.bank,
          { ...client, client_secret: 'wrong-secret-wrong-secret-wrong-xx' },
          { retry: false },
        ),
      );
      t.expectInvalidClient(res);
    },
  },
  {
    id: 'TOKEN-assertion-replay',
    rules: ['token.assertion-replay'],
    baseline: 'token-private_key_jwt',
    title: 'private_key_jwt assertion used twice → 401',
    reference: 'RFC 7523 §3 (jti single use); FAPI',
    tags: ['token', 'negative'],
    needs: ['private_key_jwt'],
    async run(t) {
      const client = await t.step('register with private_key_jwt', () =>
        t.registerValid({ tokenEndpointAuthMethod: 'private_key_jwt' }),
      );
      const assertion = await buildClientAssertion({
        clientId: client.client_id,
        audience: t.discovery.token_endpoint,
        key: t.tpp.material.signing.keyPem,
        kid: t.tpp.material.signing.kid,
        jti: randomUUID(),
      });
      const params = {
        client_assertion: assertion,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      };
      const first = await t.step('token with the assertion', () =>
        getToken(t.tpp.bank, client, { method: 'tls_client_auth', params, retry: false }),
      );
      t.expectStatus(first, 200);
      const second = await t.step('the same assertion again', () =>
        getToken(t.tpp.bank, client, { method: 'tls_client_auth', params, retry: false }),
      );
      t.expectError(second, [400, 401], 'invalid_client');
    },
  },
  {
    id: 'TOKEN-assertion-audience',
    rules: ['token.client-auth'],
    baseline: 'token-private_key_jwt',
    title: 'private_key_jwt assertion for another audience → 401',
    reference: 'RFC 7523 §3 aud',
    tags: ['token', 'negative'],
    needs: ['private_key_jwt'],
    async run(t) {
      const client = await t.step('register with private_key_jwt', () =>
        t.registerValid({ tokenEndpointAuthMethod: 'private_key_jwt' }),
      );
      const res = await t.step('token with aud = another server', () =>
        getToken(t.tpp.bank, client, {
          signing: t.tpp.material.signing,
          audience: 'https://elsewhere.example/token',
          retry: false,
        }),
      );
      t.expectError(res, [400, 401], 'invalid_client');
    },
  },
  {
    id: 'TOKEN-unbound-certificate',
    rules: ['token.client-auth'],
    baseline: 'token-tls_client_auth',
    title: "token request over another TPP's certificate → 401",
    reference: 'RFC 8705 §2 (tls_client_auth binds the client to its certificate)',
    tags: ['token', 'negative', 'certificate'],
    needs: ['tls_client_auth', 'our-directory'],
    async run(t) {
      const client = await t.step('register with tls_client_auth', () =>
        t.registerValid({ tokenEndpointAuthMethod: 'tls_client_auth' }),
      );
      const other = await t.step('a TPP of another organisation (onboarded once, shared)', () =>
        t.otherOrganisation(),
      );
      const res = await t.step("token for the first client over the second TPP's certificate", () =>
        t.attempt(() => t.token(client, {}, other)),
      );
      t.expectInvalidClient(res, { handshake: true });
    },
  },
  {
    id: 'TOKEN-grant-password',
    rules: ['token.grant-type'],
    baseline: 'token',
    title: 'grant_type password → 400 unsupported_grant_type (or unauthorized_client)',
    reference: 'RFC 6749 §5.2 unsupported_grant_type',
    tags: ['token', 'negative'],
    async run(t) {
      const client = await t.step('register', () => t.registerValid());
      const res = await t.step('token with grant_type=password', () =>
        getToken(t.tpp.bank, client, {
          signing: t.tpp.material.signing,
          params: { grant_type: 'password', username: 'u', password: 'p' },
          retry: false,
        }),
      );
      // a bank checking the client's registered grant types first says unauthorized_client (RFC 6749 §5.2)
      t.expectError(res, 400, ['unsupported_grant_type', 'unauthorized_client', 'invalid_request']);
    },
  },
];

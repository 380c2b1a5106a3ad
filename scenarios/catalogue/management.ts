import { randomUUID } from 'node:crypto';
import type { Scenario } from '../types.js';
import { acceptableRedirects } from './acceptable-redirects.js';
import { REDIRECT_ERRORS } from './conformance.js';

const OB = 'OB DCR v3.3';

/** The claims a request body carries: the JWS payload, or the JSON body of RFC 7591 banks. */
function sentClaims(body: string): Record<string, unknown> {
  if (body.trimStart().startsWith('{')) return JSON.parse(body) as Record<string, unknown>;
  return JSON.parse(Buffer.from(body.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** GET | PUT | DELETE /register/{ClientId}: what comes back, and who may ask (OB DCR v3.3, RFC 7592). */
export const management: Scenario[] = [
  {
    id: 'MGMT-GET-metadata',
    rules: ['mgmt.get'],
    title: 'GET returns the registered redirect_uris and token_endpoint_auth_method',
    reference: `${OB} GET /register/{ClientId}: the registered metadata (RFC 7592 §2.1)`,
    tags: ['management', 'happy-path'],
    needs: ['management-get'],
    async run(t) {
      const body = await t.request();
      const sent = sentClaims(body);
      const created = await t.step('register', () => t.register(body));
      t.expectStatus(created, t.target.hints.createStatus ?? 201);
      if (!created.ok) return;
      const token = await t.step('management token', () => t.managementToken(created.client));
      const res = await t.step('GET the client', () => t.getRegistration(created.client.client_id, token));
      t.expectStatus(res, 200);
      if (!res.ok) return;
      t.check(
        same(res.client.redirect_uris, sent.redirect_uris),
        `redirect_uris ${JSON.stringify(res.client.redirect_uris)}, registered ${JSON.stringify(sent.redirect_uris)}`,
      );
      t.check(
        res.client.token_endpoint_auth_method === sent.token_endpoint_auth_method,
        `token_endpoint_auth_method ${String(res.client.token_endpoint_auth_method)}, registered ${String(sent.token_endpoint_auth_method)}`,
      );
    },
  },
  {
    id: 'MGMT-PUT-redirect',
    rules: ['mgmt.put'],
    title: 'PUT with another redirect URI → 200, and GET shows it',
    reference: `${OB} PUT /register/{ClientId} replaces the metadata (RFC 7592 §2.2)`,
    tags: ['management', 'happy-path'],
    needs: ['management-put', 'management-get'],
    async run(t) {
      const [first, second] = acceptableRedirects(t);
      if (!second) t.skip('the SSA lists fewer than two acceptable redirect URIs');
      const client = await t.step(`register with ${first}`, () => t.registerValid({ redirectUris: [first] }));
      const token = await t.step('management token', () => t.managementToken(client));
      const put = await t.step(`PUT with ${second}`, async () =>
        t.updateRegistration(client.client_id, token, await t.request({ redirectUris: [second] })),
      );
      // OB DCR PUT: "The ASPSP may reject the request if it does not support changes to certain
      // claims" — a bank refusing to change redirect_uris cannot show the replacement.
      if (!put.ok && put.status === 400)
        t.skip(
          `the bank does not support changing redirect_uris by PUT (OB DCR allows refusing changes to certain claims): 400 ${put.error}`,
        );
      t.expectStatus(put, 200);
      // RFC 7592 banks may rotate the registration access token on each call.
      const next = (put.ok && put.client.registration_access_token) || token;
      const res = await t.step('GET the client', () => t.getRegistration(client.client_id, next));
      t.expectStatus(res, 200);
      if (res.ok)
        t.check(
          same(res.client.redirect_uris, [second]),
          `redirect_uris ${JSON.stringify(res.client.redirect_uris)} after the PUT, expected ${JSON.stringify([second])}`,
        );
    },
  },
  {
    id: 'MGMT-PUT-redirect-not-in-ssa',
    rules: ['reg.redirect-subset'],
    baseline: 'management-put',
    title:
      'PUT with a redirect URI the SSA does not list → 400 (invalid_redirect_uri or invalid_client_metadata)',
    reference: `${OB} PUT /register/{ClientId}: the request is validated as for POST`,
    tags: ['management', 'negative', 'redirect'],
    needs: ['management-put'],
    async run(t) {
      const client = await t.step('register', () => t.registerValid());
      const token = await t.step('management token', () => t.managementToken(client));
      const res = await t.step('PUT with https://attacker.example.net/callback', async () =>
        t.updateRegistration(
          client.client_id,
          token,
          await t.request({ redirectUris: ['https://attacker.example.net/callback'] }),
        ),
      );
      if (!res.ok && res.status === 400) {
        // A refusal counts only if its positive twin passes: a bank that refuses every
        // redirect_uris change (OB DCR PUT: "may reject the request if it does not support changes
        // to certain claims") would refuse this one whatever the URI. A valid change to another
        // URI of the SSA, refused alike, tells that bank apart.
        const registered = t.validRedirect() ?? [];
        const other = acceptableRedirects(t).find((u) => !registered.includes(u));
        if (other) {
          const valid = await t.step(`PUT with ${other} (in the SSA) to tell the refusals apart`, async () =>
            t.updateRegistration(client.client_id, token, await t.request({ redirectUris: [other] })),
          );
          if (!valid.ok && valid.status === 400)
            t.skip(
              `the bank refuses every change of redirect_uris by PUT (400 ${valid.error}; OB DCR allows it), so the subset rule cannot be told apart on PUT: the URI outside the SSA was refused with 400 ${res.error}`,
            );
        }
      }
      t.expectError(res, 400, REDIRECT_ERRORS);
    },
  },
  {
    id: 'MGMT-GET-no-token',
    rules: ['mgmt.auth'],
    baseline: 'management-get',
    title: 'GET without an Authorization header → 401',
    reference: `${OB}; RFC 6750 §3.1`,
    tags: ['management', 'negative'],
    needs: ['management-get'],
    async run(t) {
      const client = await t.step('register', () => t.registerValid());
      const res = await t.step('GET without a token', () => t.getRegistration(client.client_id, undefined));
      t.expectStatus(res, 401);
    },
  },
  {
    id: 'MGMT-GET-other-client-token',
    rules: ['mgmt.auth'],
    baseline: 'management-get',
    title: "GET with another client's token → 401 or 403",
    reference: `${OB}: the token must be the client's own; RFC 7592 §2`,
    tags: ['management', 'negative'],
    needs: ['management-get'],
    async run(t) {
      const client = await t.step('register a first client', () => t.registerValid());
      const other = await t.step('register a second client', () => t.registerValid());
      const token = await t.step("the second client's management token", () => t.managementToken(other));
      const res = await t.step("GET the first client with the second's token", () =>
        t.getRegistration(client.client_id, token),
      );
      t.expectStatus(res, [401, 403]);
    },
  },
  {
    id: 'MGMT-GET-token-other-certificate',
    rules: ['token.cert-bound'],
    baseline: 'management-get',
    title: 'GET with a token presented over another certificate → 401',
    reference: 'RFC 8705 §3 (certificate-bound access tokens); OB DCR v3.3',
    tags: ['management', 'negative', 'certificate'],
    needs: ['management-get', 'our-directory'],
    async run(t) {
      if (t.target.hints.managementAuth === 'registration-access-token')
        t.skip('registration access tokens are not bound to a certificate');
      const client = await t.step('register', () => t.registerValid());
      const token = await t.step('management token', () => t.managementToken(client));
      const other = await t.step('another transport certificate of the same software', () =>
        t.otherCertificate(),
      );
      const res = await t.step('GET with the token over the other certificate', () =>
        t.attempt(() => t.getRegistration(client.client_id, token, other)),
      );
      t.expectStatus(res, 401, 'the bank', { handshake: true });
    },
  },
  {
    id: 'MGMT-GET-unknown-client',
    rules: ['mgmt.deleted'],
    baseline: 'management-get',
    title: 'GET of an unknown client id → 401',
    reference: `${OB}: an unknown ClientId → 401`,
    tags: ['management', 'negative'],
    needs: ['management-get'],
    async run(t) {
      const client = await t.step('register', () => t.registerValid());
      const token = await t.step('management token', () => t.managementToken(client));
      const res = await t.step('GET a client id nobody registered', () =>
        t.getRegistration(randomUUID(), token),
      );
      t.expectStatus(res, 401);
    },
  },
  {
    id: 'MGMT-DELETE-then-token',
    rules: ['mgmt.deleted', 'token.client-auth'],
    baseline: 'management-delete',
    title: 'after DELETE, a token request for the client → 401 or 400 invalid_client',
    reference: `${OB} DELETE /register/{ClientId}; RFC 6749 §5.2 invalid_client`,
    tags: ['management', 'negative', 'token'],
    needs: ['management-delete'],
    async run(t) {
      const client = await t.step('register', () => t.registerValid());
      // The positive twin: the same token request before the delete. A bank refusing it already
      // would refuse it after the delete whatever the delete did.
      const before = await t.step('token for the client before the delete', () => t.token(client));
      if (!before.ok)
        t.block(
          `the same token request was refused before the delete: ${before.status} ${before.error} ${before.error_description ?? ''}`,
        );
      const token = await t.step('management token', () => t.managementToken(client));
      await t.step('delete', async () =>
        t.expectStatus(await t.deleteRegistration(client.client_id, token), 204),
      );
      const res = await t.step('token for the deleted client', () => t.token(client));
      t.expectInvalidClient(res);
    },
  },
  ...(['PUT', 'DELETE'] as const).flatMap((method) =>
    (['no-token', 'other-client-token'] as const).map(
      (who): Scenario => ({
        id: `MGMT-${method}-${who}`,
        rules: ['mgmt.auth'],
        baseline: method === 'PUT' ? 'management-put' : 'management-delete',
        title: `${method} ${who === 'no-token' ? 'without an Authorization header → 401' : "with another client's token → 401 or 403"}`,
        reference: `${OB} ${method} /register/{ClientId}: the token must be the client's own; RFC 6750 §3.1`,
        tags: ['management', 'negative'],
        needs: [method === 'PUT' ? 'management-put' : 'management-delete'],
        async run(t) {
          const client = await t.step('register a first client', () => t.registerValid());
          let token: string | undefined;
          if (who === 'other-client-token') {
            const other = await t.step('register a second client', () => t.registerValid());
            token = await t.step("the second client's management token", () => t.managementToken(other));
          }
          const what = who === 'no-token' ? 'without a token' : "with the second client's token";
          const res = await t.step(`${method} the first client ${what}`, async () =>
            method === 'PUT'
              ? t.updateRegistration(client.client_id, token as string, await t.request())
              : t.deleteRegistration(client.client_id, token),
          );
          t.expectStatus(res, who === 'no-token' ? 401 : [401, 403]);
        },
      }),
    ),
  ),
  ...(['POST', 'GET'] as const).map(
    (call): Scenario => ({
      id: `MGMT-${call}-schema-private_key_jwt`,
      rules: ['reg.response-schema', 'token.fapi-client-auth'],
      title: `${call} ${call === 'POST' ? '/register' : '/register/{ClientId}'} of a private_key_jwt client: schema-valid; a client_secret, if returned, does not authenticate it`,
      reference: `${OB} swagger OBClientRegistration1 response (the spec version's); RFC 7591 §3.2.1 client_secret; FAPI 1.0 Advanced §5.2.2`,
      tags: ['management', 'schema'],
      needs: ['private_key_jwt', ...(call === 'GET' ? (['management-get'] as const) : [])],
      async run(t) {
        const created = await t.step('register with private_key_jwt', async () =>
          t.register(await t.request({ tokenEndpointAuthMethod: 'private_key_jwt' })),
        );
        t.expectStatus(created, [t.target.hints.createStatus ?? 201, 200], 'the bank', {
          rule: 'reg.accept-valid',
        });
        if (!created.ok) return;
        if (call === 'POST') {
          t.expectSchemaValid(created.raw, 'registration');
          await t.expectSecretUnusable(created.client);
          return;
        }
        const token = await t.step('management token', () => t.managementToken(created.client));
        const res = await t.step('GET the client', () => t.getRegistration(created.client.client_id, token));
        t.expectStatus(res, 200, 'the bank', { rule: 'mgmt.get' });
        if (!res.ok) return;
        t.expectSchemaValid(res.raw, 'GET');
        await t.expectSecretUnusable({ ...created.client, ...res.client });
      },
    }),
  ),
];

import { createConsent } from '../tpp-client/index.js';
import type { AnyResult, ScenarioContext } from './context.js';
import type { Need } from './records.js';

/**
 * A baseline: the valid request that a family of negative scenarios changes one thing of. A
 * negative scenario counts only if its baseline passed against the same bank in the same run:
 * a bank that refuses everything must not pass the negatives "for the wrong reason".
 */
export interface Baseline {
  id: string;
  title: string;
  needs?: Need[];
  run(t: ScenarioContext): Promise<void>;
}

/** The management operations, one baseline each: the call with the client's own token, and its answer. */
const MANAGEMENT_CALLS: {
  id: 'management-get' | 'management-put' | 'management-delete';
  title: string;
  step: string;
  call: (t: ScenarioContext, clientId: string, token: string) => Promise<AnyResult>;
  status: number;
}[] = [
  {
    id: 'management-get',
    title: "GET /register/{ClientId} with the client's own management token → 200",
    step: 'GET the client',
    call: (t, clientId, token) => t.getRegistration(clientId, token),
    status: 200,
  },
  {
    id: 'management-put',
    title: "PUT /register/{ClientId} with the client's own management token and its valid request → 200",
    step: 'PUT the valid request again',
    call: async (t, clientId, token) => t.updateRegistration(clientId, token, await t.request()),
    status: 200,
  },
  {
    id: 'management-delete',
    title: "DELETE /register/{ClientId} with the client's own management token → 204",
    step: 'DELETE the client',
    call: (t, clientId, token) => t.deleteRegistration(clientId, token),
    status: 204,
  },
];

/** The token endpoint auth methods a negative scenario may authenticate with (one baseline each). */
const TOKEN_METHODS = ['tls_client_auth', 'private_key_jwt', 'client_secret_basic'] as const;

export const BASELINES: Baseline[] = [
  {
    id: 'register',
    title: 'a valid registration is accepted',
    async run(t) {
      await t.step('register with a valid request', () => t.registerValid());
    },
  },
  {
    id: 'register-private_key_jwt',
    title: 'a valid private_key_jwt registration is accepted',
    needs: ['private_key_jwt'],
    async run(t) {
      await t.step('register with private_key_jwt', () =>
        t.registerValid({ tokenEndpointAuthMethod: 'private_key_jwt' }),
      );
    },
  },
  {
    id: 'register-tls_client_auth',
    title: 'a valid tls_client_auth registration is accepted',
    needs: ['tls_client_auth'],
    async run(t) {
      await t.step('register with tls_client_auth', () =>
        t.registerValid({ tokenEndpointAuthMethod: 'tls_client_auth' }),
      );
    },
  },
  {
    id: 'token',
    title: 'a registered client gets a client-credentials token',
    async run(t) {
      const client = await t.step('register with a valid request', () => t.registerValid());
      const res = await t.step('client-credentials token', () => t.token(client));
      t.expectStatus(res, 200);
    },
  },
  // The token endpoint with one auth method: the negatives that authenticate with that method
  // (a wrong secret, a replayed or misaddressed assertion, another certificate) rest on it, not
  // on the default method's token, which a bank refusing every assertion still issues.
  ...TOKEN_METHODS.map(
    (method): Baseline => ({
      id: `token-${method}`,
      title: `a client registered with ${method} gets a client-credentials token`,
      needs: [method],
      async run(t) {
        const client = await t.step(`register with ${method}`, () =>
          t.registerValid({ tokenEndpointAuthMethod: method }),
        );
        const res = await t.step(`client-credentials token (${method})`, () => t.token(client));
        t.expectStatus(res, 200);
      },
    }),
  ),
  // Each management operation with the client's own token: a refusal of the same call without a
  // token, with another's, for an unknown or deleted client counts only if this one goes through.
  ...MANAGEMENT_CALLS.map(
    ({ id, title, step, call, status }): Baseline => ({
      id,
      title,
      needs: [id],
      async run(t) {
        const client = await t.step('register with a valid request', () => t.registerValid());
        const token = await t.step('management token', () => t.managementToken(client));
        const res = await t.step(step, () => call(t, client.client_id, token));
        t.expectStatus(res, status);
      },
    }),
  ),
  {
    id: 'consent',
    title: 'a client-credentials token (scope accounts) creates an account-access-consent → 201',
    needs: ['consents'],
    async run(t) {
      const client = await t.step('register with a valid request', () => t.registerValid());
      const token = await t.step('client-credentials token with scope accounts', async () => {
        const res = await t.token(client, { scope: 'accounts' });
        t.expectStatus(res, 200);
        return res.ok ? res.token.access_token : '';
      });
      const res = await t.step('create an account-access-consent', () =>
        createConsent(t.tpp.bank, token, { retry: false, resourceBaseUrl: t.target.hints.resourceBaseUrl }),
      );
      t.expectStatus(res, 201);
    },
  },
];

/** What to change when a baseline failed with this reason, when it can be told. */
export function adviceFor(reason: string): string | undefined {
  const r = reason.toLowerCase();
  if (/\baud\b|audience/.test(r))
    return 'set hints.audience to the `aud` the bank expects (its OB organisation id, or what its documentation says)';
  if (/415|media type|content-type|content type/.test(r))
    return 'set hints.mediaType (application/jose or application/jwt)';
  if (/subject_dn|tls_client_auth_dn|\bdn\b/.test(r))
    return 'set hints.subjectDnForm (name, oid or hex) or hints.specVersion (3.1 names the claim tls_client_auth_dn)';
  if (/scope/.test(r)) return 'check the SSA roles, or set hints.specVersion (3.1 sends scope as an array)';
  if (/self_signed|unable_to_verify|certificate|cert_/.test(r))
    return "add the bank's server CA with caBundle in --tpp-config, and check the transport certificate the bank trusts";
  if (/ssa|software statement|software_statement/.test(r))
    return 'check the SSA: fresh, from the directory the bank trusts (a materialDir SSA may be stale)';
  if (/claim/.test(r)) return 'set hints.requiredClaims to the extra claims the bank requires';
  return undefined;
}

import { randomUUID } from 'node:crypto';
import { accountAccessConsentsUrl, createConsent, failureFrom, getConsent } from '../../tpp-client/index.js';
import type { ScenarioContext } from '../context.js';
import type { Scenario } from '../types.js';

const AIS = 'OB Read/Write API v3.1 Account and Transaction: account-access-consents';

type Answer = Parameters<ScenarioContext['expectStatus']>[0];

/**
 * A consent call the bank must refuse (rule consent.auth, MUST: any 4xx), with the status RFC 6750
 * §3.1 recommends (rule consent.auth-status, SHOULD: OB lets an ASPSP return other standard codes).
 */
function expectRefused(t: ScenarioContext, res: Answer, status: number): void {
  t.check(
    !res.ok && res.status >= 400 && res.status < 500,
    `the bank answered ${res.status}: the call was not refused`,
    'consent.auth',
  );
  t.expectStatus(res, status, 'the bank', {
    rule: 'consent.auth-status',
  });
}

/** The registered client's credentials at the first protected resource: account-access-consents. */
export const consents: Scenario[] = [
  {
    id: 'CONSENT-create-get',
    rules: ['consent.create'],
    title: 'consent with a client-credentials token (scope accounts) → 201, GET → 200 AwaitingAuthorisation',
    reference: `${AIS} POST and GET /account-access-consents; RFC 6749 §4.4`,
    tags: ['consents', 'happy-path'],
    needs: ['consents'],
    async run(t) {
      const client = await t.step('register', () => t.registerValid());
      const token = await t.step('client-credentials token with scope accounts', async () => {
        const res = await t.token(client, { scope: 'accounts' });
        t.expectStatus(res, 200);
        return res.ok ? res.token.access_token : '';
      });
      const created = await t.step('create an account-access-consent', () =>
        createConsent(t.tpp.bank, token, { retry: false, resourceBaseUrl: t.target.hints.resourceBaseUrl }),
      );
      t.expectStatus(created, 201);
      if (!created.ok) return;
      t.check(created.consent.ConsentId.length > 0, 'Data.ConsentId is empty');
      const res = await t.step('GET the consent', () =>
        getConsent(t.tpp.bank, token, created.consent.ConsentId, {
          retry: false,
          resourceBaseUrl: t.target.hints.resourceBaseUrl,
        }),
      );
      t.expectStatus(res, 200);
      if (!res.ok) return;
      t.check(res.consent.ConsentId === created.consent.ConsentId, 'GET returned another ConsentId');
      t.check(
        res.consent.Status === 'AwaitingAuthorisation',
        `Status ${res.consent.Status}, expected AwaitingAuthorisation`,
      );
    },
  },
  {
    id: 'CONSENT-scope-without-accounts',
    rules: ['consent.auth', 'consent.auth-status'],
    baseline: 'consent',
    title: 'consent with a token lacking scope accounts → 403',
    reference: `${AIS}: the token needs scope accounts; RFC 6750 §3.1 insufficient_scope`,
    tags: ['consents', 'negative', 'scope'],
    needs: ['consents'],
    async run(t) {
      const client = await t.step('register', () => t.registerValid());
      const others = (client.scope ?? '').split(' ').filter((s) => s !== '' && s !== 'accounts');
      if (others.length === 0) t.skip('the client has no scope other than accounts to ask for');
      const token = await t.step(`client-credentials token with scope ${others.join(' ')}`, async () => {
        const res = await t.token(client, { scope: others.join(' ') });
        t.expectStatus(res, 200);
        return res.ok ? res.token.access_token : '';
      });
      const res = await t.step('create an account-access-consent', () =>
        createConsent(t.tpp.bank, token, { retry: false, resourceBaseUrl: t.target.hints.resourceBaseUrl }),
      );
      expectRefused(t, res, 403);
    },
  },
  {
    id: 'CONSENT-no-token',
    rules: ['consent.auth', 'consent.auth-status'],
    baseline: 'consent',
    title: 'consent without an access token → 401',
    reference: `${AIS}; RFC 6750 §3.1`,
    tags: ['consents', 'negative'],
    needs: ['consents'],
    async run(t) {
      const res = await t.step('create an account-access-consent without Authorization', async () => {
        const r = await t.tpp.http.request(
          'POST',
          accountAccessConsentsUrl(t.discovery, t.target.hints.resourceBaseUrl),
          {
            headers: {
              'Content-Type': 'application/json',
              Accept: 'application/json',
              'x-fapi-interaction-id': randomUUID(),
            },
            body: JSON.stringify({ Data: { Permissions: ['ReadAccountsBasic'] }, Risk: {} }),
          },
        );
        return r.status >= 400 ? failureFrom(r) : { ok: true as const, status: r.status };
      });
      expectRefused(t, res, 401);
    },
  },
  {
    id: 'CONSENT-token-other-certificate',
    rules: ['token.cert-bound'],
    baseline: 'consent',
    title: 'consent with a token presented over another certificate → 401',
    reference: `RFC 8705 §3 (certificate-bound access tokens); ${AIS}`,
    tags: ['consents', 'negative', 'certificate'],
    needs: ['consents', 'our-directory'],
    async run(t) {
      const client = await t.step('register', () => t.registerValid());
      const token = await t.step('client-credentials token with scope accounts', async () => {
        const res = await t.token(client, { scope: 'accounts' });
        t.expectStatus(res, 200);
        return res.ok ? res.token.access_token : '';
      });
      const other = await t.step('another transport certificate of the same software', () =>
        t.otherCertificate(),
      );
      const res = await t.step('create a consent with the token over the other certificate', () =>
        createConsent(other.bank, token, { retry: false, resourceBaseUrl: t.target.hints.resourceBaseUrl }),
      );
      t.expectStatus(res, 401);
    },
  },
];

import { randomInt, randomUUID } from 'node:crypto';
import { shippedProfileNames } from '../../aspsp-mock/profile/load-profile.js';
import {
  buildSelfSignedStatement,
  createOrganisation,
  createOrganisationCsr,
  generateTppKey,
  serveJwks,
  type TppMaterial,
  uploadCsr,
} from '../../tpp-client/index.js';
import type { ScenarioContext, ScenarioTpp } from '../context.js';
import type { Scenario } from '../types.js';

/**
 * An eIDAS TPP for a bank outside the OB directory: an organisation with an eIDAS identifier,
 * a QWAC (mTLS, and the TLS certificate of its own JWKS server) and a QSeal (signs its
 * software statement), from the sandbox directory acting as test QTSP.
 */
async function eidasTpp(t: ScenarioContext, bank: ScenarioContext): Promise<ScenarioTpp> {
  const powers = t.directoryPowers();
  const dir = t.directory();
  const oi = `PSDUK-UKBXXX-${String(randomInt(10_000_000, 100_000_000))}`;
  const legalName = 'Scenario eIDAS TPP GmbH';
  const org = await createOrganisation(dir, powers.adminToken, {
    OrganisationName: 'Scenario eIDAS TPP',
    Roles: ['AISP'],
    LegalName: legalName,
    OrganisationIdentifier: oi,
  });
  const [wacKey, sealKey] = await Promise.all([generateTppKey('transport'), generateTppKey('signing')]);
  const subject = {
    organisationId: org.organisationId,
    legalName,
    organisationIdentifier: oi,
    commonName: 'tpp.localhost',
  };
  const owner = { organisationId: org.organisationId, accessToken: org.accessToken };
  const qwac = await uploadCsr(
    dir,
    owner,
    'qwac',
    createOrganisationCsr(wacKey, { ...subject, sanDns: ['localhost'], sanIps: ['127.0.0.1'] }),
  );
  const qseal = await uploadCsr(dir, owner, 'qseal', createOrganisationCsr(sealKey, subject));
  const jwks = await serveJwks({
    key: wacKey.privateKeyPem,
    cert: qwac.certPem + qwac.chainPem,
    jwks: { keys: [{ ...qseal.jwk, use: 'sig' }] },
    urlHost: 'localhost',
  });
  t.defer(() => jwks.close());
  const softwareId = `eidas-${randomUUID().slice(0, 8)}`;
  const statement = await buildSelfSignedStatement({
    organisationIdentifier: oi,
    audience: bank.target.hints.audience ?? bank.discovery.issuer,
    softwareId,
    jwksUri: jwks.url,
    redirectUris: ['https://eidas-tpp.example.com/cb'],
    roles: ['AISP'],
    clientName: 'Scenario eIDAS app',
    signingKey: sealKey.privateKeyPem,
    kid: qseal.kid,
  });
  const material: TppMaterial = {
    organisationId: org.organisationId,
    softwareStatementId: softwareId,
    transport: { certPem: qwac.certPem, keyPem: wacKey.privateKeyPem, kid: qwac.kid },
    signing: { keyPem: sealKey.privateKeyPem, kid: qseal.kid, certPem: qseal.certPem, alg: 'PS256' },
    ssa: statement,
    caBundlePem: t.target.material.caBundlePem,
  };
  return bank.tppWith(material, 'eIDAS TPP');
}

/** One happy path per shipped bank profile: register → client-credentials token → GET (where offered). */
export const profiles: Scenario[] = shippedProfileNames().map(
  (profile): Scenario => ({
    id: `PROFILE-${profile}`,
    rules: ['reg.accept-valid', 'token.client-credentials'],
    title: `bank profile ${profile}: register → token → GET the registration`,
    reference: `aspsp-mock/profiles/${profile}.json; docs/profiles.md`,
    tags: ['profile', 'happy-path'],
    async run(t) {
      if (!t.target.profileBanks?.[profile])
        t.skip(`the target has no neighbour bank with profile ${profile} (sandbox option profileBanks)`);
      const bank = await t.step(`discover the ${profile} bank`, () => t.onBank(profile));
      let tpp = bank.tpp;
      if (!bank.has('ob-directory-trust')) {
        if (!t.target.directory) t.skip('an eIDAS bank needs a TPP with a QWAC and QSeal from our directory');
        tpp = await t.step('an eIDAS TPP: QWAC, QSeal, its own JWKS server, a self-signed statement', () =>
          eidasTpp(t, bank),
        );
      }
      const client = await t.step('register', () => bank.registerValid({}, tpp));
      await t.step('client-credentials token', async () => {
        bank.expectStatus(await bank.token(client, {}, tpp), 200);
      });
      if (!bank.has('management-get')) return;
      await t.step('GET the registration', async () => {
        const token = await bank.managementToken(client, tpp);
        const res = await bank.getRegistration(client.client_id, token, tpp);
        bank.expectStatus(res, 200);
        if (res.ok) bank.check(res.client.client_id === client.client_id, 'GET returned another client_id');
      });
    },
  }),
);

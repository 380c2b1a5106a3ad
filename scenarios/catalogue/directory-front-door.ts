import { createCsr, generateRsaKeyPair } from '../../certs/index.js';
import {
  createOrganisation,
  createSoftwareStatement,
  DirectoryError,
  directoryCall,
  getDirectoryToken,
  onboardAtDirectory,
  uploadCsr,
} from '../../tpp-client/index.js';
import type { ScenarioContext, ScenarioTpp } from '../context.js';
import { otherTppSigningAlg } from '../other-tpp-signing-alg.js';
import { SCENARIO_REDIRECT_URIS } from '../target.js';
import type { Scenario } from '../types.js';

const SWAGGER = 'OB Directory API v2.1 swagger';

/** An organisation whose OAuth client is bound to its OBWAC, and a connection presenting that OBWAC. */
interface FrontDoor {
  organisationId: string;
  clientId: string;
  /** Recorded mTLS connection with the OBWAC the OAuth client is bound to. */
  wac: ScenarioTpp;
  wacKeyPem: string;
  token(scope: string): Promise<string>;
}

/**
 * Opens the directory's OAuth front door for a new TPP organisation: the
 * admin creates it (the one admin-token call — the real directory enrols
 * organisations itself), the organisation's own token gets an OBWAC for a
 * CSR and binds its OAuth client to it (PUT /v2.1/oauth/{OrganisationId});
 * from then on tokens come from the directory's authorisation server,
 * private_key_jwt over mutual TLS with the OBWAC.
 */
async function openFrontDoor(t: ScenarioContext): Promise<FrontDoor> {
  const powers = t.directoryPowers();
  const dir = t.directory();
  const org = await t.step('the directory admin creates a TPP organisation (the only admin-token call)', () =>
    createOrganisation(dir, powers.adminToken, {
      OrganisationName: 'Front door TPP',
      OrganisationType: 'tpp',
      Roles: ['AISP', 'PISP'],
      LegalName: 'Front Door TPP Ltd',
    }),
  );
  const key = await generateRsaKeyPair(2048);
  const wac = await t.step('the organisation gets an OBWAC for its CSR', () =>
    uploadCsr(
      dir,
      { organisationId: org.organisationId, accessToken: org.accessToken },
      'obwac',
      createCsr({
        key,
        subject: [
          { name: 'C', value: 'GB' },
          { name: 'O', value: 'Front Door TPP Ltd' },
          { name: 'organizationIdentifier', value: `PSDGB-OB-Unknown${org.organisationId}` },
          { name: 'CN', value: org.organisationId },
        ],
      }),
    ),
  );
  const client = await t.step(
    'it binds its OAuth client to the OBWAC (PUT /v2.1/oauth/{OrganisationId})',
    async () => {
      const res = await directoryCall(dir, 'bind the OAuth client', {
        method: 'PUT',
        path: `/v2.1/oauth/${encodeURIComponent(org.organisationId)}`,
        token: org.accessToken,
        body: wac.certPem,
        contentType: 'application/x-pem-file',
      });
      return JSON.parse(res.text) as Record<string, unknown>;
    },
  );
  const clientId = String(client.ClientID);
  const overWac = t.tppWith(
    { ...t.tpp.material, transport: { certPem: wac.certPem, keyPem: key.privateKeyPem, kid: wac.kid } },
    'TPP (OBWAC)',
  );
  return {
    organisationId: org.organisationId,
    clientId,
    wac: overWac,
    wacKeyPem: key.privateKeyPem,
    token: (scope) =>
      t.step(`client-credentials token for ${scope} (private_key_jwt over mTLS with the OBWAC)`, async () => {
        const got = await getDirectoryToken(
          { url: powers.url, http: overWac.http },
          {
            authorisationServer: `${powers.url}/.well-known/openid-configuration`,
            clientId,
            signingKey: key.privateKeyPem,
            scope,
          },
        );
        return got.accessToken;
      }),
  };
}

/** The directory's answer to a call that may be refused: its status and error code. */
async function outcome(fn: () => Promise<unknown>): Promise<{ status: number; error?: string }> {
  try {
    await fn();
    return { status: 200 };
  } catch (err) {
    if (err instanceof DirectoryError) return { status: err.status ?? 0, error: err.code };
    throw err;
  }
}

const statement = {
  ClientName: 'Front door app',
  RedirectUri: [...SCENARIO_REDIRECT_URIS],
  Roles: ['AISP', 'PISP'],
};

/**
 * Directory scenarios: onboarding through the directory's OAuth front door
 * (docs/directory.md). They need an obmock directory with its admin token
 * (`our-directory`): the sandbox's, or one given in `--tpp-config`. Against a
 * foreign bank they still check the directory; only DIR-OAUTH-onboard goes on
 * to register at the target bank.
 */
export const directoryFrontDoor: Scenario[] = [
  {
    id: 'DIR-OAUTH-onboard',
    rules: ['dir.oauth-client-credentials'],
    title:
      'Onboarding through the directory OAuth front door, then registering at the bank — no admin token after the organisation exists',
    reference: `${SWAGGER} securitySchemes (OAuth 2 client credentials); RFC 7523; RFC 8705`,
    tags: ['directory', 'oauth', 'onboarding'],
    needs: ['our-directory', 'jws-requests', 'ob-directory-trust'],
    async run(t) {
      const door = await openFrontDoor(t);
      const powers = t.directoryPowers();
      const material = await t.step(
        'a private_key_jwt token, then software statement, transport and signing CSRs and the SSA with it (over the OBWAC)',
        () =>
          onboardAtDirectory({
            directoryUrl: powers.url,
            caBundlePem: powers.caBundlePem,
            organisation: {
              id: door.organisationId,
              oauth: {
                authorisationServer: `${powers.url}/.well-known/openid-configuration`,
                clientId: door.clientId,
                signingKey: door.wacKeyPem,
                scope: 'TPPReadAccess TPPManage',
              },
            },
            softwareStatement: statement,
            // not a claim about the request's algorithm: ES256 where the bank lists it (a cheap key)
            signingAlg: otherTppSigningAlg(t.discovery.request_object_signing_alg_values_supported),
            http: door.wac.http,
          }),
      );
      t.check(material.ssa.split('.').length === 3, 'the directory returned no SSA');
      const tpp = t.tppWith({ ...material, caBundlePem: t.tpp.material.caBundlePem }, 'TPP (front door)');
      await t.step('register at the bank with that material', () => t.registerValid({}, tpp));
    },
  },
  {
    id: 'DIR-OAUTH-wrong-scope',
    rules: ['dir.scope-required', 'dir.insufficient-scope-403'],
    title: 'A directory token without TPPManage cannot create a software statement → 403 insufficient_scope',
    reference: `${SWAGGER} POST /v2.1/organisation/{OrganisationId}/software-statement security; RFC 6750 §3.1`,
    tags: ['directory', 'oauth'],
    needs: ['our-directory'],
    async run(t) {
      const door = await openFrontDoor(t);
      const dir = { url: t.directoryPowers().url, http: door.wac.http };
      const manage = await door.token('TPPReadAccess TPPManage');
      // Baseline: the same call with a token that holds TPPManage is accepted.
      await t.step('create a software statement with TPPManage (baseline)', () =>
        createSoftwareStatement(dir, door.organisationId, manage, statement),
      );
      const readOnly = await door.token('TPPReadAccess');
      const res = await t.step('create a software statement with TPPReadAccess only', () =>
        outcome(() => createSoftwareStatement(dir, door.organisationId, readOnly, statement)),
      );
      t.check(
        res.status >= 400 && res.status < 500,
        `the directory answered ${res.status}: a read-only token created a software statement`,
        'dir.scope-required',
      );
      t.check(
        res.status === 403 && res.error === 'insufficient_scope',
        `expected 403 insufficient_scope, got ${res.status} ${res.error ?? ''}`,
        'dir.insufficient-scope-403',
      );
    },
  },
  {
    id: 'DIR-OAUTH-other-certificate',
    rules: ['dir.token-bound-certificate'],
    title: 'A directory token presented over another client certificate → 401 invalid_token',
    reference: 'RFC 8705 §3 (certificate-bound access tokens)',
    tags: ['directory', 'oauth', 'certificates'],
    needs: ['our-directory'],
    async run(t) {
      const door = await openFrontDoor(t);
      const token = await door.token('TPPReadAccess');
      const read = (tpp: ScenarioTpp) => () =>
        directoryCall({ url: t.directoryPowers().url, http: tpp.http }, 'read the organisation', {
          method: 'GET',
          path: `/v2.1/organisation/${encodeURIComponent(door.organisationId)}`,
          token,
        });
      const own = await t.step('read the organisation over the OBWAC the token is bound to (baseline)', () =>
        outcome(read(door.wac)),
      );
      t.check(own.status === 200, `over its own certificate the token got ${own.status} ${own.error ?? ''}`);
      const other = await t.step("read it with the same token over another TPP's transport certificate", () =>
        outcome(read(t.tpp)),
      );
      t.check(
        other.status === 401 && other.error === 'invalid_token',
        `expected 401 invalid_token, got ${other.status} ${other.error ?? ''}`,
      );
    },
  },
];

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateCa } from '../../certs/index.js';
import { directoryCall, getToken, type TppMaterial } from '../../tpp-client/index.js';
import type { ScenarioContext } from '../context.js';
import { withTransportCertificateFrom } from '../transport-certificate.js';
import type { Scenario } from '../types.js';

const OB = 'OB DCR v3.3';

/**
 * Refusals a registration may give for a certificate it does not accept — absent, expired,
 * untrusted, revoked, or not the SSA's: the spec names no code or status for them (its POST
 * /register lists 400 only; RFC 9110 §15.5.2 ties 401 to a WWW-Authenticate challenge, which
 * mutual TLS has none of, and §15.5.4 makes 403 the answer to insufficient credentials).
 */
const CERT_STATUSES = [400, 401, 403];
const OWNER_ERRORS = [
  'unapproved_software_statement',
  'invalid_software_statement',
  'invalid_client_metadata',
  'invalid_client',
];

/** Revokes `m`'s transport certificate at the directory (its organisation's own token). */
async function revoke(t: ScenarioContext, m: TppMaterial): Promise<void> {
  await directoryCall(t.directory(), 'revoke the certificate', {
    method: 'DELETE',
    path: `/v2.1/organisation/${m.organisationId}/certificate/kid/${m.transport.kid}`,
    token: m.directory?.accessToken,
  });
  t.certificateRevoked(m);
}
const DAY_MS = 86_400_000;

/** `material` with a transport certificate for the same key and subject from a CA nobody trusts. */
async function fromThrowawayCa(material: TppMaterial): Promise<TppMaterial> {
  const dir = await mkdtemp(join(tmpdir(), 'obmock-untrusted-ca-'));
  try {
    const ca = await loadOrCreateCa(dir, { crlUrl: 'https://untrusted-ca.invalid/crl', keyType: 'ec' });
    return withTransportCertificateFrom(ca, material);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The positive twin of a scenario presenting a certificate made outside the directory's upload
 * flow (expired, or from another CA): a currently valid certificate made the same way — the same
 * key and subject from the directory's CA, never uploaded to the software JWKS. A bank that
 * refuses it (one that looks the certificate up in the JWKS, say) would refuse the defective one
 * whatever its defect, so the scenario is blocked. Nothing is checked when the directory cannot
 * issue such a certificate.
 */
async function expectFreshCertificateAccepted(t: ScenarioContext): Promise<void> {
  const issue = t.target.directory?.issueTransportCertificate;
  if (!issue) return;
  const material = await t.step('a valid transport certificate of the same key, made the same way', () =>
    issue(t.tpp.material, {}),
  );
  const fresh = t.tppWith(material, 'TPP (fresh certificate)');
  const res = await t.step('register over it (the positive twin)', async () =>
    t.attempt(async () => t.register(await t.request({}, fresh), { tpp: fresh })),
  );
  if (!res.ok)
    t.block(
      `a valid certificate made the same way (not uploaded to the software JWKS) was refused too: ${res.status} ${res.error} ${res.error_description ?? ''}`,
    );
}

/** The client certificate (mutual TLS): who may present which certificate (RFC 8705, OB DCR v3.3). */
export const certificates: Scenario[] = [
  {
    id: 'CERT-none',
    rules: ['reg.cert-required'],
    baseline: 'register',
    title: 'register without a client certificate → refused (handshake, or 400/401/403)',
    reference: `${OB}: registration over mutual TLS; RFC 8705 §2`,
    tags: ['register', 'negative', 'certificate'],
    async run(t) {
      const bare = t.tppWith(t.tpp.material, 'TPP (no certificate)', { clientCertificate: false });
      const res = await t.step('register with no client certificate', async () =>
        t.attempt(async () => t.register(await t.request(), { tpp: bare })),
      );
      t.expectError(res, CERT_STATUSES, OWNER_ERRORS, { handshake: true });
    },
  },
  {
    id: 'CERT-expired',
    rules: ['reg.cert-trusted'],
    baseline: 'register',
    title: 'register over an expired transport certificate → refused (handshake, or 400/401/403)',
    reference: `${OB}; RFC 5280 §4.1.2.5 (validity)`,
    tags: ['register', 'negative', 'certificate'],
    needs: ['our-directory'],
    async run(t) {
      const powers = t.directoryPowers();
      if (!powers.issueTransportCertificate) t.skip('the directory cannot issue a back-dated certificate');
      const material = await t.step('a transport certificate of the same key that expired 3 years ago', () =>
        powers.issueTransportCertificate!(t.tpp.material, {
          now: new Date(Date.now() - 3 * 365 * DAY_MS),
          validityDays: 30,
        }),
      );
      await expectFreshCertificateAccepted(t);
      const expired = t.tppWith(material, 'TPP (expired certificate)');
      const res = await t.step('register over the expired certificate', async () =>
        t.attempt(async () => t.register(await t.request({}, expired), { tpp: expired })),
      );
      t.expectError(res, CERT_STATUSES, OWNER_ERRORS, { handshake: true });
    },
  },
  {
    id: 'CERT-revoked',
    rules: ['reg.cert-revoked'],
    baseline: 'register',
    title:
      'register over a transport certificate revoked at the directory (CRL) → refused within the revocation wait',
    reference: `${OB}; RFC 5280 §5 (CRL); retried until refused, up to --revocation-wait (default 30 s)`,
    tags: ['register', 'negative', 'certificate', 'directory'],
    needs: ['our-directory'],
    async run(t) {
      const other = await t.step('another transport certificate of the same software', () =>
        t.otherCertificate('TPP (certificate to revoke)'),
      );
      await t.step('register over it while it is valid', () => t.registerValid({}, other));
      const m = other.material;
      await t.step('revoke it at the directory', () => revoke(t, m));
      const res = await t.step(
        'register over the revoked certificate until refused (the bank caches its CRL)',
        () =>
          t.eventually(
            () => t.attempt(async () => t.register(await t.request({}, other), { tpp: other })),
            (r) => !r.ok,
          ),
      );
      t.expectError(res, CERT_STATUSES, OWNER_ERRORS, { handshake: true });
    },
  },
  {
    id: 'CERT-untrusted-issuer',
    rules: ['reg.cert-trusted'],
    baseline: 'register',
    title: 'register over a certificate from an unknown CA → refused (handshake, or 400/401/403)',
    reference: `${OB}: client certificates chain to the OB directory CA; RFC 5280 §6`,
    tags: ['register', 'negative', 'certificate'],
    async run(t) {
      const material = await t.step('the same subject and key, certified by a throwaway CA', () =>
        fromThrowawayCa(t.tpp.material),
      );
      await expectFreshCertificateAccepted(t);
      const rogue = t.tppWith(material, 'TPP (untrusted CA)');
      const res = await t.step('register over that certificate', async () =>
        t.attempt(async () => t.register(await t.request({}, rogue), { tpp: rogue })),
      );
      t.expectError(res, CERT_STATUSES, OWNER_ERRORS, { handshake: true });
    },
  },
  ...(['default', 'private_key_jwt'] as const).map(
    (method): Scenario => ({
      id: method === 'default' ? 'CERT-other-organisation' : 'CERT-other-organisation-pkj',
      rules: ['reg.cert-owner'],
      baseline: method === 'default' ? 'register' : 'register-private_key_jwt',
      title: `another organisation's certificate with this TPP's SSA${method === 'default' ? '' : ' (private_key_jwt)'} → refused`,
      reference:
        "OB Directory API v2.1, Request Validation: the ASPSP SHOULD check that the TPP of the TLS connection is the SSA's, whatever the auth method",
      tags: ['register', 'negative', 'certificate', 'binding'],
      needs: [
        'our-directory',
        'ob-directory-trust',
        ...(method === 'default' ? [] : (['private_key_jwt'] as const)),
      ],
      async run(t) {
        const stranger = await t.step('a TPP of another organisation (onboarded once, shared)', () =>
          t.otherOrganisation(),
        );
        const borrowed = t.tppWith(
          { ...t.tpp.material, transport: stranger.material.transport },
          "TPP (other organisation's certificate)",
        );
        const opts = method === 'default' ? {} : { tokenEndpointAuthMethod: 'private_key_jwt' as const };
        const res = await t.step("register this TPP's request over the other certificate", async () =>
          t.attempt(async () => t.register(await t.request(opts), { tpp: borrowed })),
        );
        // The spec names no error code for this: any refusal a registration may give counts.
        t.expectError(res, CERT_STATUSES, OWNER_ERRORS, { handshake: true });
      },
    }),
  ),
  {
    id: 'CERT-token-other-organisation',
    rules: ['token.cert-owner'],
    baseline: 'token-private_key_jwt',
    title:
      "private_key_jwt token over another organisation's certificate → 401 or 400 invalid_client (MAY: a warning when issued)",
    reference:
      "RFC 8705 §3: a token's certificate binding is decoupled from private_key_jwt client authentication; no sentence obliges the refusal",
    tags: ['token', 'negative', 'certificate', 'binding'],
    needs: ['private_key_jwt', 'our-directory', 'ob-directory-trust'],
    async run(t) {
      const client = await t.step('register with private_key_jwt', () =>
        t.registerValid({ tokenEndpointAuthMethod: 'private_key_jwt' }),
      );
      const stranger = await t.step('a TPP of another organisation (onboarded once, shared)', () =>
        t.otherOrganisation(),
      );
      const res = await t.step("token with this client's assertion over the other certificate", () =>
        t.attempt(() => getToken(stranger.bank, client, { signing: t.tpp.material.signing, retry: false })),
      );
      t.expectInvalidClient(res, { handshake: true });
    },
  },
  {
    id: 'TOKEN-revoked-certificate',
    rules: ['token.cert-revoked'],
    baseline: 'management-get',
    title: 'a token obtained over a certificate, used after that certificate was revoked → refused',
    reference: 'RFC 8705 §3; RFC 5280 §6.3; retried until refused, up to --revocation-wait (default 30 s)',
    tags: ['token', 'negative', 'certificate', 'directory'],
    needs: ['our-directory', 'management-get'],
    async run(t) {
      if (t.target.hints.managementAuth === 'registration-access-token')
        t.skip('registration access tokens are not bound to a certificate');
      const other = await t.step('another transport certificate of the same software', () =>
        t.otherCertificate('TPP (certificate to revoke)'),
      );
      const client = await t.step('register over it', () => t.registerValid({}, other));
      const token = await t.step('management token over it', () => t.managementToken(client, other));
      await t.step('GET the client with that token → 200', async () =>
        t.expectStatus(await t.getRegistration(client.client_id, token, other), 200),
      );
      await t.step('revoke the certificate at the directory', () => revoke(t, other.material));
      const res = await t.step('GET with the same token over the revoked certificate until refused', () =>
        t.eventually(
          () => t.attempt(() => t.getRegistration(client.client_id, token, other)),
          (r) => !r.ok,
        ),
      );
      t.expectStatus(res, [400, 401, 403], 'the bank', { handshake: true });
    },
  },
];

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateCa } from '../../certs/index.js';
import { directoryCall, getToken, type TppMaterial } from '../../tpp-client/index.js';
import { withTransportCertificateFrom } from '../transport-certificate.js';
import type { Scenario } from '../types.js';

const OB = 'OB DCR v3.3';
const DAY_MS = 86_400_000;

/** `material` with a transport certificate for the same key and subject from a CA nobody trusts. */
async function fromThrowawayCa(material: TppMaterial): Promise<TppMaterial> {
  const dir = await mkdtemp(join(tmpdir(), 'obmock-untrusted-ca-'));
  try {
    const ca = await loadOrCreateCa(dir, { crlUrl: 'https://untrusted-ca.invalid/crl', rootKeyBits: 2048 });
    return withTransportCertificateFrom(ca, material);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The client certificate (mutual TLS): who may present which certificate (RFC 8705, OB DCR v3.3). */
export const certificates: Scenario[] = [
  {
    id: 'CERT-none',
    title: 'register without a client certificate → 401 invalid_client',
    reference: `${OB}: registration over mutual TLS; RFC 8705 §2`,
    tags: ['register', 'negative', 'certificate'],
    async run(t) {
      const bare = t.tppWith(t.tpp.material, 'TPP (no certificate)', { clientCertificate: false });
      const res = await t.step('register with no client certificate', async () =>
        t.register(await t.request(), { tpp: bare }),
      );
      t.expectError(res, 401, 'invalid_client');
    },
  },
  {
    id: 'CERT-expired',
    title: 'register over an expired transport certificate → 401 invalid_client',
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
      const expired = t.tppWith(material, 'TPP (expired certificate)');
      const res = await t.step('register over the expired certificate', async () =>
        t.register(await t.request({}, expired), { tpp: expired }),
      );
      t.expectError(res, 401, 'invalid_client');
    },
  },
  {
    id: 'CERT-revoked',
    title: 'register over a transport certificate revoked at the directory (CRL) → 401 invalid_client',
    reference: `${OB}; RFC 5280 §5 (CRL); the bank reuses the CRL for at most its crlCacheSeconds`,
    tags: ['register', 'negative', 'certificate', 'directory'],
    needs: ['our-directory'],
    async run(t) {
      const other = await t.step('another transport certificate of the same software', () =>
        t.otherCertificate('TPP (certificate to revoke)'),
      );
      await t.step('register over it while it is valid', () => t.registerValid({}, other));
      const m = other.material;
      await t.step('revoke it at the directory, then wait 1.2 s for the CRL cache', async () => {
        await directoryCall(t.directory(), 'revoke the certificate', {
          method: 'DELETE',
          path: `/v2.1/organisation/${m.organisationId}/certificate/kid/${m.transport.kid}`,
          token: m.directory?.accessToken,
        });
        await new Promise((r) => setTimeout(r, 1200));
      });
      const res = await t.step('register over the revoked certificate', async () =>
        t.register(await t.request({}, other), { tpp: other }),
      );
      t.expectError(res, 401, 'invalid_client');
    },
  },
  {
    id: 'CERT-untrusted-issuer',
    title: 'register over a certificate from an unknown CA → 401 invalid_client',
    reference: `${OB}: client certificates chain to the OB directory CA; RFC 5280 §6`,
    tags: ['register', 'negative', 'certificate'],
    async run(t) {
      const material = await t.step('the same subject and key, certified by a throwaway CA', () =>
        fromThrowawayCa(t.tpp.material),
      );
      const rogue = t.tppWith(material, 'TPP (untrusted CA)');
      const res = await t.step('register over that certificate', async () =>
        t.register(await t.request({}, rogue), { tpp: rogue }),
      );
      t.expectError(res, 401, 'invalid_client');
    },
  },
  {
    id: 'CERT-other-organisation',
    title: "another organisation's certificate with this TPP's SSA → 400 unapproved_software_statement",
    reference: `${OB}: the transport certificate belongs to the SSA's organisation and software`,
    tags: ['register', 'negative', 'certificate', 'binding'],
    needs: ['our-directory', 'ob-directory-trust'],
    async run(t) {
      const stranger = await t.step('onboard a TPP of another organisation', () => t.newTpp());
      const borrowed = t.tppWith(
        { ...t.tpp.material, transport: stranger.material.transport },
        "TPP (other organisation's certificate)",
      );
      const res = await t.step("register this TPP's request over the other certificate", async () =>
        t.register(await t.request(), { tpp: borrowed }),
      );
      t.expectError(res, 400, 'unapproved_software_statement');
    },
  },
  {
    id: 'CERT-token-other-organisation',
    title: "private_key_jwt token over another organisation's certificate → 401 invalid_client",
    reference: 'RFC 8705 §3 (the certificate belongs to the client); OB DCR v3.3',
    tags: ['token', 'negative', 'certificate', 'binding'],
    needs: ['private_key_jwt', 'our-directory', 'ob-directory-trust'],
    async run(t) {
      const client = await t.step('register with private_key_jwt', () =>
        t.registerValid({ tokenEndpointAuthMethod: 'private_key_jwt' }),
      );
      const stranger = await t.step('onboard a TPP of another organisation', () => t.newTpp());
      const res = await t.step("token with this client's assertion over the other certificate", () =>
        getToken(stranger.bank, client, { signing: t.tpp.material.signing, retry: false }),
      );
      t.expectError(res, 401, 'invalid_client');
    },
  },
];

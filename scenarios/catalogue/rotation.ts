import {
  createLegacyCsr,
  directoryCall,
  generateTppKey,
  type IssuedCertificateJwk,
  uploadCsr,
} from '../../tpp-client/index.js';
import type { ScenarioContext } from '../context.js';
import type { Scenario } from '../types.js';
import { SIGNATURE_ERRORS } from './conformance.js';

const OB = 'OB DCR v3.3';

/** A new signing key of the TPP's software, certified by the directory (so in the software JWKS). */
async function newSigningKey(t: ScenarioContext): Promise<{ keyPem: string; cert: IssuedCertificateJwk }> {
  const m = t.tpp.material;
  const token = m.directory?.accessToken;
  if (!token) t.skip("needs the TPP's directory access token to upload a key");
  // the same kind of key as the TPP's (EC P-256 when it signs ES256)
  const key = await generateTppKey('signing', { alg: m.signing.alg });
  const cert = await uploadCsr(
    t.directory(),
    { organisationId: m.organisationId, accessToken: token, softwareStatementId: m.softwareStatementId },
    'obsigning',
    createLegacyCsr(key, { organisationId: m.organisationId, softwareStatementId: m.softwareStatementId }),
  );
  return { keyPem: key.privateKeyPem, cert };
}

/**
 * Registers signed with a key uploaded to the directory just now. A refusal is a bank that has not
 * refetched the software JWKS on the unknown kid: rule reg.jwks-refresh (MAY) — the request is
 * signed with a key of the JWKS, as reg.request-signature demands of it.
 */
async function registerWithNewKey(
  t: ScenarioContext,
  key: { keyPem: string; cert: IssuedCertificateJwk },
): Promise<void> {
  const res = await t.register(await t.request({ signingKeyPem: key.keyPem, kid: key.cert.kid }));
  t.check(
    res.ok,
    res.ok
      ? ''
      : `a request signed with the key uploaded just now (kid ${key.cert.kid}) was refused: ${res.status} ${res.error} ${res.error_description ?? ''}`,
    'reg.jwks-refresh',
  );
}

/** Signing-key rotation: keys come and go in the software JWKS; banks follow (refetch on an unknown kid). */
export const rotation: Scenario[] = [
  {
    id: 'ROT-new-signing-key',
    rules: ['reg.request-signature', 'reg.jwks-refresh'],
    title: 'a signing key uploaded to the directory just now → register signed with it → 201',
    reference: `${OB}: the request verifies with a key of software_jwks_endpoint; an unknown kid makes the bank refetch the JWKS`,
    tags: ['register', 'rotation', 'happy-path'],
    needs: ['jws-requests', 'ob-directory-trust', 'our-directory'],
    async run(t) {
      const fresh = await t.step('upload a new signing key (obsigning CSR)', () => newSigningKey(t));
      await t.step(`register signed with the new key (kid ${fresh.cert.kid})`, () =>
        registerWithNewKey(t, fresh),
      );
    },
  },
  {
    id: 'ROT-revoked-signing-key',
    rules: ['reg.request-signature', 'reg.jwks-refresh'],
    baseline: 'register',
    title: 'a signing key revoked at the directory → register signed with it → 400',
    reference: `${OB}: revoked keys leave the software JWKS (OB Directory revoked JWKS)`,
    tags: ['register', 'rotation', 'negative', 'directory'],
    needs: ['jws-requests', 'ob-directory-trust', 'our-directory'],
    async run(t) {
      const m = t.tpp.material;
      const old = await t.step('upload a signing key', () => newSigningKey(t));
      await t.step('register signed with it → accepted', () => registerWithNewKey(t, old));
      await t.step('revoke it at the directory', () =>
        directoryCall(t.directory(), 'revoke the signing key', {
          method: 'DELETE',
          path: `/v2.1/organisation/${m.organisationId}/certificate/kid/${old.cert.kid}`,
          token: m.directory?.accessToken,
        }),
      );
      // Its successor, uploaded after the revocation: a JWKS with the new kid cannot hold the old one.
      const next = await t.step('upload the next signing key', () => newSigningKey(t));
      await t.step('register signed with the next key → accepted (the bank refetches)', () =>
        registerWithNewKey(t, next),
      );
      const res = await t.step('register signed with the revoked key', async () =>
        t.register(await t.request({ signingKeyPem: old.keyPem, kid: old.cert.kid })),
      );
      t.expectError(res, 400, SIGNATURE_ERRORS, { rule: 'reg.request-signature' });
    },
  },
];

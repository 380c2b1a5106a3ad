import { Agent } from 'undici';
import { createCsr, type KeyPair } from '../../certs/index.js';
import { call, sandboxKeys, type TestSandbox } from './sandbox.js';

/** An eIDAS TPP at the sandbox directory: its organisation, a QWAC and a QSeal. */
export interface EidasTpp {
  orgId: string;
  qwac: { certPem: string; key: KeyPair };
  /** The QSeal key and its public JWK (use sig, x5c) as the TPP hosts it in its own JWKS. */
  qseal: { kid: string; key: KeyPair; jwk: Record<string, unknown> };
}

const pem = (b64: string) => `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;

/**
 * Creates an organisation with `organisationIdentifier` (admin API) and uploads CSRs for its
 * QWAC (SANs localhost and 127.0.0.1, so it can serve the TPP's JWKS) and QSeal, subject
 * `C=GB, O=<legalName>, organizationIdentifier, CN=<commonName>`.
 */
export async function onboardEidasTpp(
  sb: TestSandbox,
  opts: {
    organisationIdentifier: string;
    organisationName: string;
    legalName: string;
    roles: string[];
    commonName: string;
  },
): Promise<EidasTpp> {
  const plain = new Agent({ connect: { ca: sb.caBundle } });
  try {
    const org = (
      await call(plain, 'POST', `${sb.directory.url}/admin/organisations`, {
        headers: {
          authorization: `Bearer ${sb.directory.adminToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          OrganisationName: opts.organisationName,
          OrganisationType: 'tpp',
          Roles: opts.roles,
          LegalName: opts.legalName,
          OrganisationIdentifier: opts.organisationIdentifier,
        }),
      })
    ).json();
    const orgId = String(org.OrganisationId);
    const [wacKey, sealKey] = await Promise.all([sandboxKeys.take(), sandboxKeys.take()]);
    const subject = [
      { name: 'C', value: 'GB' },
      { name: 'O', value: opts.legalName },
      { name: 'organizationIdentifier', value: opts.organisationIdentifier },
      { name: 'CN', value: opts.commonName },
    ];
    const upload = async (type: 'qwac' | 'qseal', key: KeyPair, san: boolean) => {
      const res = await call(
        plain,
        'POST',
        `${sb.directory.url}/v2.1/organisation/${orgId}/certificate/${type}`,
        {
          headers: {
            authorization: `Bearer ${String(org.AccessToken)}`,
            'content-type': 'application/x-pem-file',
          },
          body: createCsr({ key, subject, ...(san ? { sanDns: ['localhost'], sanIps: ['127.0.0.1'] } : {}) }),
        },
      );
      if (res.status !== 201) throw new Error(`${type}: ${res.status} ${res.text}`);
      return res.json();
    };
    const wac = await upload('qwac', wacKey, true);
    const seal = await upload('qseal', sealKey, false);
    return {
      orgId,
      qwac: { certPem: pem((wac.x5c as string[])[0]), key: wacKey },
      qseal: {
        kid: String(seal.kid),
        key: sealKey,
        jwk: { kty: seal.kty, n: seal.n, e: seal.e, kid: seal.kid, use: 'sig', x5c: seal.x5c },
      },
    };
  } finally {
    await plain.close();
  }
}

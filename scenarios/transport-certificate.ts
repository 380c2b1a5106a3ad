import { createPrivateKey, createPublicKey } from 'node:crypto';
import { type CertificateAuthority, issueCertificate, parseCsr } from '../certs/index.js';
import { createLegacyCsr, type TppMaterial } from '../tpp-client/index.js';

/**
 * `material` with a new legacy OB transport certificate for the same key and
 * subject, issued by `ca` (the sandbox CA back-dated, or a CA nobody trusts).
 */
export function withTransportCertificateFrom(
  ca: CertificateAuthority,
  material: TppMaterial,
  opts: { now?: Date; validityDays?: number } = {},
): TppMaterial {
  const privateKey = createPrivateKey(material.transport.keyPem);
  const csr = parseCsr(
    createLegacyCsr(
      { privateKey, publicKey: createPublicKey(privateKey) },
      { organisationId: material.organisationId, softwareStatementId: material.softwareStatementId },
    ),
  );
  const issued = issueCertificate(ca, {
    type: 'obtransport',
    csr,
    ctx: {
      orgId: material.organisationId,
      softwareId: material.softwareStatementId,
      legalName: '',
      organisationIdentifier: `PSDGB-OB-Unknown${material.organisationId}`,
      roles: [],
    },
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.validityDays !== undefined ? { validityDays: opts.validityDays } : {}),
  });
  return {
    ...material,
    transport: { certPem: issued.pem, keyPem: material.transport.keyPem, kid: issued.kid },
  };
}

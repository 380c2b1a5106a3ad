import { createCsr, type KeyPair } from '../../certs/index.js';

export interface OrganisationCsrSubject {
  /** OB organisation id: the CN. */
  organisationId: string;
  /** Organisation legal name: the O. */
  legalName: string;
  /**
   * organizationIdentifier (2.5.4.97). Default `PSDGB-OB-Unknown<organisationId>` (OBWAC/OBSeal);
   * for QWAC/QSeal the organisation's eIDAS identifier, e.g. `PSDUK-UKBXXX-12345678`.
   */
  organisationIdentifier?: string;
  /** Default 'GB'. */
  country?: string;
  /** Default the organisation id. */
  commonName?: string;
  sanDns?: string[];
  sanIps?: string[];
}

/**
 * CSR for an organisation certificate (OBWAC, OBSeal, QWAC, QSeal): subject
 * `C=GB, O=<legal name>, organizationIdentifier=<PSDGB-OB-Unknown<org>|eIDAS id>, CN=<org_id>`,
 * optional DNS/IP subjectAltNames (used in OBWAC/QWAC).
 */
export function createOrganisationCsr(
  key: Pick<KeyPair, 'privateKey' | 'publicKey'>,
  s: OrganisationCsrSubject,
): string {
  return createCsr({
    key,
    subject: [
      { name: 'C', value: s.country ?? 'GB' },
      { name: 'O', value: s.legalName },
      {
        name: 'organizationIdentifier',
        value: s.organisationIdentifier ?? `PSDGB-OB-Unknown${s.organisationId}`,
      },
      { name: 'CN', value: s.commonName ?? s.organisationId },
    ],
    ...(s.sanDns ? { sanDns: s.sanDns } : {}),
    ...(s.sanIps ? { sanIps: s.sanIps } : {}),
  });
}

import { createCsr, type KeyPair } from '../../certs/index.js';

export interface LegacyCsrSubject {
  organisationId: string;
  softwareStatementId: string;
}

/**
 * The CSR OB's documented command produces for a legacy transport or signing certificate:
 * `openssl req -new -newkey rsa:2048 -nodes -subj "/C=GB/ST=/L=/O=OpenBanking/OU=<org_id>/CN=<software_id>" -sha256`
 * — subject `C=GB, O=OpenBanking, OU=<org_id>, CN=<software_id>` (the empty ST and L are left
 * out, as openssl does), SHA-256, no extensions.
 */
export function createLegacyCsr(key: Pick<KeyPair, 'privateKey' | 'publicKey'>, s: LegacyCsrSubject): string {
  return createCsr({
    key,
    subject: [
      { name: 'C', value: 'GB' },
      { name: 'ST', value: '' },
      { name: 'L', value: '' },
      { name: 'O', value: 'OpenBanking' },
      { name: 'OU', value: s.organisationId },
      { name: 'CN', value: s.softwareStatementId },
    ],
  });
}

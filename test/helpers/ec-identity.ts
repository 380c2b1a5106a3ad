import { generateKeyPairSync } from 'node:crypto';
import { type CertificateAuthority, createCsr, issueCertificate, parseCsr } from '../../certs/index.js';

/** Names a test certificate is for: its subject CN and its subjectAltName entries. */
export interface IdentityNames {
  cn: string;
  sanDns?: string[];
  sanIps?: string[];
}

/**
 * A fresh EC P-256 key (PKCS#8 PEM) and a certificate for it from `ca` (the server profile, which
 * takes any CN): a TLS identity for a test server or client. `cert` is the leaf alone.
 */
export function ecIdentity(ca: CertificateAuthority, names: IdentityNames): { key: string; cert: string } {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const csr = parseCsr(
    createCsr({
      key: pair,
      subject: [{ name: 'CN', value: names.cn }],
      ...(names.sanDns ? { sanDns: names.sanDns } : {}),
      ...(names.sanIps ? { sanIps: names.sanIps } : {}),
    }),
  );
  const issued = issueCertificate(ca, {
    type: 'server',
    csr,
    ctx: { orgId: 'test', legalName: 'test', organisationIdentifier: '', roles: [] },
  });
  return { key: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), cert: issued.pem };
}

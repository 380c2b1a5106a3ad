import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CertificateAuthority,
  createCsr,
  generateRsaKeyPair,
  issueCertificate,
  parseCertificate,
  parseCsr,
} from '../certs/index.js';
import { readTextIfExists } from '../lib/read-text-if-exists.js';
import type { SsaSigningKey } from './context.js';

const KEY_FILE = 'ssa-signing.key.pem';
const CERT_FILE = 'ssa-signing.pem';

/** The public JWK of a certificate's key with its x5c/x5t members. */
export function certificateJwk(
  certPem: string,
  issuingPem: string,
  publicKey: KeyObject,
): Record<string, unknown> {
  const info = parseCertificate(certPem);
  const issuingDer = new X509Certificate(issuingPem).raw;
  return {
    ...publicKey.export({ format: 'jwk' }),
    x5c: [info.der.toString('base64'), issuingDer.toString('base64')],
    x5t: info.x5t,
    'x5t#S256': info.x5tS256,
  };
}

/**
 * The directory's SSA signing key: created once (RSA 2048, certificate from
 * the issuing CA) and kept in the data dir, so SSAs verify across restarts.
 */
export async function loadOrCreateSsaKey(dir: string, ca: CertificateAuthority): Promise<SsaSigningKey> {
  const keyFile = join(dir, KEY_FILE);
  const certFile = join(dir, CERT_FILE);
  let keyPem = await readTextIfExists(keyFile);
  let certPem = await readTextIfExists(certFile);
  if (!keyPem || !certPem) {
    const pair = await generateRsaKeyPair(2048);
    const csr = parseCsr(
      createCsr({
        key: pair,
        subject: [
          { name: 'C', value: 'GB' },
          { name: 'O', value: 'OpenBanking' },
          { name: 'OU', value: 'OpenBankingLtd' },
          { name: 'CN', value: 'SSASigning' },
        ],
      }),
    );
    const issued = issueCertificate(ca, {
      type: 'obsigning',
      csr,
      ctx: {
        orgId: 'OpenBankingLtd',
        softwareId: 'SSASigning',
        legalName: 'OpenBanking Ltd',
        organisationIdentifier: '',
        roles: [],
      },
      validityDays: 3650,
    });
    keyPem = pair.privateKeyPem;
    certPem = issued.pem;
    await writeFile(keyFile, keyPem, { mode: 0o600 });
    await writeFile(certFile, certPem, { mode: 0o644 });
  }
  const privateKey = createPrivateKey(keyPem);
  const info = parseCertificate(certPem);
  const jwk = certificateJwk(certPem, ca.issuingCertPem, createPublicKey(privateKey));
  return {
    privateKey,
    kid: info.x5t,
    alg: 'PS256',
    publicJwk: { ...jwk, kid: info.x5t, use: 'sig', alg: 'PS256' },
  };
}

import { join } from 'node:path';
import {
  type CertificateAuthority,
  issueOcspSigner,
  loadOrCreateRsaKeyFile,
  type OcspSigner,
} from '../certs/index.js';

const VALIDITY_DAYS = 30;
const RENEW_BEFORE_MS = 86_400_000;

/**
 * The OCSP responder's delegated signing certificate (RFC 6960 §4.2.2.2).
 * Made on the first OCSP request, not at start (an RSA key is the costly
 * step of a cold start): the RSA 2048 key is kept in `keys/ocsp.key.pem`
 * (0600); the certificate is issued by the issuing CA in memory, valid 30
 * days, and issued again a day before it expires or after a restart.
 */
export class OcspSignerSource {
  private pending: Promise<OcspSigner> | undefined;
  private notAfter = 0;

  constructor(
    private readonly ca: CertificateAuthority,
    private readonly keysDir: string,
    private readonly now: () => Date,
  ) {}

  current(): Promise<OcspSigner> {
    const t = this.now().getTime();
    if (!this.pending || t > this.notAfter - RENEW_BEFORE_MS) {
      this.pending = this.issue(t).catch((err: unknown) => {
        this.pending = undefined;
        throw err;
      });
    }
    return this.pending;
  }

  private async issue(t: number): Promise<OcspSigner> {
    const key = await loadOrCreateRsaKeyFile(join(this.keysDir, 'ocsp.key.pem'));
    const signer = issueOcspSigner(this.ca, key, { now: new Date(t), validityDays: VALIDITY_DAYS });
    this.notAfter = new Date(signer.cert.validTo).getTime();
    return signer;
  }
}

import { X509Certificate } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { type CertificateInfo, verifyCertificate } from '../../certs/index.js';
import { boundedGet } from '../../lib/http/index.js';

export type ClientCertificateCheck =
  | { ok: true; info: CertificateInfo }
  | { ok: false; reason: string; message: string };

/**
 * Everything the bank trusts comes from the directory: its CA (chain), its CRL
 * (revocation, refetched after `crlCacheSeconds`) and its keystore (SSA keys).
 */
export class DirectoryTrust {
  private crl: { der: Buffer; fetchedAt: number } | undefined;
  private crlFetch: Promise<Buffer> | undefined;

  constructor(
    readonly directoryUrl: string,
    readonly caBundlePem: string,
    private readonly dispatcher: Dispatcher,
    private readonly crlCacheSeconds: () => number,
    private readonly now: () => number,
  ) {}

  get origin(): string {
    return new URL(this.directoryUrl).origin;
  }

  get ssaJwksUrl(): string {
    return `${this.directoryUrl}/keystore/openbanking.jwks`;
  }

  async crlDer(): Promise<Buffer> {
    if (this.crl && this.now() - this.crl.fetchedAt < this.crlCacheSeconds() * 1000) return this.crl.der;
    if (!this.crlFetch) {
      this.crlFetch = (async () => {
        const res = await boundedGet(`${this.directoryUrl}/ca/issuing.crl`, {
          dispatcher: this.dispatcher,
          timeoutMs: 5_000,
          maxBytes: 5 * 1024 * 1024,
        });
        if (res.status !== 200) throw new Error(`directory CRL answered ${res.status}`);
        this.crl = { der: res.body, fetchedAt: this.now() };
        return res.body;
      })().finally(() => {
        this.crlFetch = undefined;
      });
    }
    return this.crlFetch;
  }

  /** Chain to the directory CA, validity now, not on the CRL. */
  async checkClientCertificate(der: Buffer, now: Date): Promise<ClientCertificateCheck> {
    try {
      new X509Certificate(der);
    } catch {
      return { ok: false, reason: 'malformed', message: 'the client certificate cannot be parsed' };
    }
    const crlDer = await this.crlDer();
    const result = verifyCertificate(der, { ca: { bundlePem: this.caBundlePem }, crlDer, now });
    if (result.ok) return { ok: true, info: result.info };
    return { ok: false, reason: result.reason, message: result.message };
  }
}

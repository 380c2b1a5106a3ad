import { hash, X509Certificate } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { type CertificateInfo, verifyCertificate } from '../../certs/index.js';
import { boundedGet } from '../../lib/http/index.js';
import { LruCache } from '../../lib/lru-cache.js';
import type { BankSettings } from '../settings.js';
import { ocspVerdict } from './ocsp-revocation.js';

export type ClientCertificateCheck =
  | { ok: true; info: CertificateInfo }
  | { ok: false; reason: string; message: string };

/** Certificates whose check passed against the current CRL (a keep-alive client presents the same one on every call). */
const PASSED_ENTRIES = 1_000;

/**
 * Everything the bank trusts comes from the directory: its CA (chain), its CRL
 * (revocation, refetched after `crlCacheSeconds`) and its keystore (SSA keys).
 */
export class DirectoryTrust {
  private crl: { der: Buffer; fetchedAt: number } | undefined;
  private crlFetch: Promise<Buffer> | undefined;
  private readonly passed = new LruCache<string, { crl: Buffer; info: CertificateInfo }>({
    maxEntries: PASSED_ENTRIES,
  });

  constructor(
    readonly directoryUrl: string,
    readonly caBundlePem: string,
    private readonly dispatcher: Dispatcher,
    private readonly crlCacheSeconds: () => number,
    private readonly now: () => number,
    private readonly revocationCheck: () => BankSettings['revocationCheck'] = () => 'crl',
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

  /**
   * Chain to the directory CA, validity at the time of the call, not on the
   * CRL. The clock is read once the CRL is in hand (a CRL published while it
   * was being fetched is not "from the future"), and the CRL's freshness is
   * judged with `skewSeconds` of tolerance. A passed check is remembered for
   * the same certificate until the CRL is fetched again.
   */
  async checkClientCertificate(
    der: Buffer,
    clock: () => Date,
    skewSeconds = 0,
  ): Promise<ClientCertificateCheck> {
    const mode = this.revocationCheck();
    if (mode !== 'crl') return this.checkWithoutCrl(der, clock, skewSeconds, mode);
    return this.checkWithCrl(der, clock, skewSeconds);
  }

  /**
   * Switch revocationCheck other than `crl`: chain and validity, then OCSP
   * on every call (`ocsp`: refused when the responder cannot answer;
   * `ocsp-then-crl`: the CRL decides then), or no revocation check (`none`).
   */
  private async checkWithoutCrl(
    der: Buffer,
    clock: () => Date,
    skewSeconds: number,
    mode: 'ocsp' | 'ocsp-then-crl' | 'none',
  ): Promise<ClientCertificateCheck> {
    const now = clock();
    const result = verifyCertificate(der, {
      ca: { bundlePem: this.caBundlePem },
      now,
    });
    if (!result.ok) return { ok: false, reason: result.reason, message: result.message };
    if (mode === 'none') return { ok: true, info: result.info };
    const verdict = await ocspVerdict(der, {
      directoryUrl: this.directoryUrl,
      caBundlePem: this.caBundlePem,
      dispatcher: this.dispatcher,
      now,
    });
    if (verdict.kind === 'good') return { ok: true, info: result.info };
    if (verdict.kind === 'unavailable' && mode === 'ocsp-then-crl') {
      try {
        return await this.checkWithCrl(der, clock, skewSeconds);
      } catch (err) {
        return {
          ok: false,
          reason: 'revocation_unavailable',
          message: `${verdict.message}; the CRL could not be fetched either (${(err as Error).message})`,
        };
      }
    }
    const reason = verdict.kind === 'unavailable' ? 'revocation_unavailable' : verdict.kind;
    return { ok: false, reason, message: verdict.message };
  }

  private async checkWithCrl(
    der: Buffer,
    clock: () => Date,
    skewSeconds: number,
  ): Promise<ClientCertificateCheck> {
    const crlDer = await this.crlDer();
    const now = clock();
    const key = hash('sha256', der, 'hex');
    const hit = this.passed.get(key);
    if (hit && hit.crl === crlDer && now >= hit.info.notBefore && now <= hit.info.notAfter)
      return { ok: true, info: hit.info };
    // verifyCertificate parses the certificate first; it is parsed a second time only to word a
    // refusal (one certificate parse less per new client on the passing path).
    const result = verifyCertificate(der, {
      ca: { bundlePem: this.caBundlePem },
      crlDer,
      now,
      crlSkewSeconds: skewSeconds,
    });
    if (!result.ok && result.reason === 'malformed' && !parses(der)) {
      return { ok: false, reason: 'malformed', message: 'the client certificate cannot be parsed' };
    }
    if (!result.ok) return { ok: false, reason: result.reason, message: result.message };
    this.passed.set(key, { crl: crlDer, info: result.info });
    return { ok: true, info: result.info };
  }
}

function parses(der: Buffer): boolean {
  try {
    new X509Certificate(der);
    return true;
  } catch {
    return false;
  }
}

import { connect, type PeerCertificate } from 'node:tls';
import { Agent } from 'undici';
import { checkOcspStatus, OcspError, parseCertificate, verifyCertificate } from '../../certs/index.js';
import { boundedGet } from '../../lib/http/index.js';

export type RevocationCheck = 'crl' | 'ocsp' | 'ocsp-then-crl' | 'none';

export interface CheckServerCertificateOptions {
  /** CA certificates the server must chain to (PEM bundle), e.g. the directory's. */
  caBundlePem: string;
  /** The same modes as a bank's `revocationCheck` switch. Default `ocsp-then-crl`. */
  revocationCheck?: RevocationCheck;
  /** Deadline of each network exchange (TLS handshake, OCSP, CRL). Default 5000 ms. */
  timeoutMs?: number;
  now?: Date;
}

export type ServerCertificateCheck =
  | { ok: true; subject: string; revocation: 'good' | 'not-checked'; via?: 'ocsp' | 'crl' }
  | { ok: false; reason: string; message: string };

const MAX_BYTES = 5 * 1024 * 1024;

function peerCertificate(url: URL, caBundlePem: string, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: url.hostname,
      port: Number(url.port || 443),
      servername: /^[\d.]+$/.test(url.hostname) ? undefined : url.hostname,
      ca: caBundlePem,
      timeout: timeoutMs,
    });
    socket.once('secureConnect', () => {
      const peer: PeerCertificate = socket.getPeerCertificate(false);
      socket.end();
      if (peer?.raw?.length) resolve(peer.raw);
      else reject(new Error('the server presented no certificate'));
    });
    socket.once('timeout', () => socket.destroy(new Error(`no TLS handshake within ${timeoutMs} ms`)));
    socket.once('error', reject);
  });
}

/**
 * Checks a bank's TLS server certificate as a careful TPP would before
 * trusting it: chain to the given CA and validity (the TLS handshake), then
 * revocation the way a bank's `revocationCheck` switch does — OCSP at the
 * responder its Authority Information Access names (nonce, signature,
 * CertID checked), the CRL its distribution point names, OCSP falling back
 * to the CRL, or none. Only https responder and CRL URLs are fetched,
 * bounded in time and size.
 */
export async function checkServerCertificate(
  serverUrl: string,
  opts: CheckServerCertificateOptions,
): Promise<ServerCertificateCheck> {
  const mode = opts.revocationCheck ?? 'ocsp-then-crl';
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const now = opts.now ?? new Date();
  let der: Buffer;
  try {
    der = await peerCertificate(new URL(serverUrl), opts.caBundlePem, timeoutMs);
  } catch (err) {
    return { ok: false, reason: 'untrusted', message: (err as Error).message };
  }
  const chain = verifyCertificate(der, { ca: { bundlePem: opts.caBundlePem }, now });
  if (!chain.ok) return { ok: false, reason: chain.reason, message: chain.message };
  const subject = chain.info.subject.map((a) => `${a.name}=${a.value}`).join(', ');
  if (mode === 'none') return { ok: true, subject, revocation: 'not-checked' };
  const dispatcher = new Agent({ connect: { ca: opts.caBundlePem } });
  const get = (url: string) => {
    if (!url.startsWith('https://')) return Promise.reject(new Error(`${url} is not an https URL`));
    return boundedGet(url, { dispatcher, timeoutMs, maxBytes: MAX_BYTES });
  };
  try {
    let unavailable = '';
    if (mode !== 'crl') {
      try {
        const r = await checkOcspStatus(der, { caBundlePem: opts.caBundlePem, get, now });
        if (r.status.status === 'good') return { ok: true, subject, revocation: 'good', via: 'ocsp' };
        if (r.status.status === 'revoked')
          return {
            ok: false,
            reason: 'revoked',
            message: `OCSP: the server certificate was revoked at ${r.status.revokedAt.toISOString()}`,
          };
        return { ok: false, reason: 'unknown', message: 'OCSP: the responder does not know the certificate' };
      } catch (err) {
        if (!(err instanceof OcspError)) throw err;
        if (mode === 'ocsp') return { ok: false, reason: 'revocation_unavailable', message: err.message };
        unavailable = `${err.message}; `;
      }
    }
    const crlUrl = parseCertificate(der).crlUrls[0];
    if (!crlUrl)
      return { ok: false, reason: 'revocation_unavailable', message: `${unavailable}no CRL named` };
    let crlDer: Buffer;
    try {
      const res = await get(crlUrl);
      if (res.status !== 200) throw new Error(`${crlUrl} answered ${res.status}`);
      crlDer = res.body;
    } catch (err) {
      return {
        ok: false,
        reason: 'revocation_unavailable',
        message: `${unavailable}${(err as Error).message}`,
      };
    }
    const withCrl = verifyCertificate(der, { ca: { bundlePem: opts.caBundlePem }, crlDer, now });
    if (!withCrl.ok) return { ok: false, reason: withCrl.reason, message: withCrl.message };
    return { ok: true, subject, revocation: 'good', via: 'crl' };
  } finally {
    await dispatcher.close();
  }
}

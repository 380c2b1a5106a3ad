import { type KeyObject, X509Certificate } from 'node:crypto';
import { fromDer } from './asn1.js';
import { dnEquals } from './dn-equals.js';
import { dnToString } from './dn-to-string.js';
import { isRevoked, revocationDate } from './is-revoked.js';
import { parseCertificate } from './parse-certificate.js';
import { parseCrl } from './parse-crl.js';
import { pemBlocks } from './pem.js';
import type { CertificateInfo, ParsedCrl, VerifyResult } from './types.js';
import { verifySignature } from './verify-signature.js';
import { decodeName } from './x509-name.js';
import { certificateStructure } from './x509-parse.js';

export interface VerifyCertificateOptions {
  /** Trusted CA certificates: the directory's root and issuing CA, or its bundle. */
  ca: { rootCertPem: string; issuingCertPem: string } | { bundlePem: string };
  /** CRL of the leaf's issuer (DER); when given, its signature, freshness and entries are checked. */
  crlDer?: Buffer;
  now?: Date;
  /** Tolerance (seconds) when judging the CRL's thisUpdate/nextUpdate against `now`: the relying party's clock skew. */
  crlSkewSeconds?: number;
}

const MAX_CHAIN = 5;

/**
 * Checks a leaf certificate the way a bank does: chain leaf → issuing CA → self-signed root among the
 * trusted certificates (signatures with node:crypto), validity of every certificate at `now`,
 * and, with a CRL, that the CRL is signed by the leaf's issuer, current, and does not list the leaf.
 */
export function verifyCertificate(leaf: string | Buffer, opts: VerifyCertificateOptions): VerifyResult {
  const now = opts.now ?? new Date();
  let info: CertificateInfo;
  try {
    info = parseCertificate(leaf);
  } catch (err) {
    return { ok: false, reason: 'malformed', message: (err as Error).message };
  }

  const pool = trustedCertificates(opts.ca);
  const chain: TrustedCert[] = [];
  let current = info.x509;
  let currentIssuer = dnToString(info.issuer);
  for (;;) {
    const candidates = pool.filter((c) => current.checkIssued(c.x509));
    const issuer = candidates.find((c) => current.verify(c.publicKey));
    if (!issuer) {
      const message =
        candidates.length > 0
          ? `the certificate signature does not verify with the CA "${currentIssuer}"`
          : `issuer "${currentIssuer}" is not a trusted CA`;
      return { ok: false, reason: 'untrusted', message };
    }
    if (!issuer.x509.ca)
      return { ok: false, reason: 'untrusted', message: `"${issuer.name}" is not a CA certificate` };
    chain.push(issuer);
    if (issuer.selfSigned) break;
    if (chain.length >= MAX_CHAIN)
      return { ok: false, reason: 'untrusted', message: 'certificate chain too long' };
    current = issuer.x509;
    currentIssuer = issuer.issuerName;
  }

  const t = now.getTime();
  const timed: { what: string; notBefore: Date; notAfter: Date }[] = [
    { what: 'the certificate', notBefore: info.notBefore, notAfter: info.notAfter },
    ...chain.map((c) => ({
      what: `the CA certificate "${c.name}"`,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
    })),
  ];
  for (const c of timed) {
    if (t < c.notBefore.getTime()) {
      return {
        ok: false,
        reason: 'not_yet_valid',
        message: `${c.what} is not valid before ${c.notBefore.toISOString()}`,
      };
    }
    if (t > c.notAfter.getTime()) {
      return { ok: false, reason: 'expired', message: `${c.what} expired at ${c.notAfter.toISOString()}` };
    }
  }

  if (opts.crlDer) {
    const issuer = chain[0];
    let crl: ParsedCrl;
    try {
      crl = cachedCrl(opts.crlDer);
    } catch (err) {
      return { ok: false, reason: 'bad_crl', message: (err as Error).message };
    }
    if (!dnEquals(crl.issuer, issuer.subject)) {
      return {
        ok: false,
        reason: 'bad_crl',
        message: `the CRL is issued by "${dnToString(crl.issuer)}", not by the certificate's issuer "${issuer.name}"`,
      };
    }
    let signed = false;
    try {
      signed = verifySignature(
        fromDer(crl.signatureAlgorithmDer),
        crl.tbsDer,
        crl.signature,
        issuer.x509.publicKey,
      );
    } catch {
      signed = false;
    }
    if (!signed)
      return {
        ok: false,
        reason: 'bad_crl',
        message: `the CRL signature does not verify with "${issuer.name}"`,
      };
    const skewMs = Math.max(0, opts.crlSkewSeconds ?? 0) * 1000;
    if (t + skewMs < crl.thisUpdate.getTime()) {
      return {
        ok: false,
        reason: 'bad_crl',
        message: `the CRL is not valid before ${crl.thisUpdate.toISOString()}`,
      };
    }
    if (crl.nextUpdate && t - skewMs > crl.nextUpdate.getTime()) {
      return { ok: false, reason: 'bad_crl', message: `the CRL expired at ${crl.nextUpdate.toISOString()}` };
    }
    if (isRevoked(crl, info.serialHex)) {
      const at = revocationDate(crl, info.serialHex);
      return {
        ok: false,
        reason: 'revoked',
        message: `certificate ${info.serialHex} was revoked${at ? ` at ${at.toISOString()}` : ''}`,
      };
    }
  }
  return { ok: true, info };
}

interface TrustedCert {
  x509: X509Certificate;
  publicKey: KeyObject;
  name: string;
  issuerName: string;
  subject: ReturnType<typeof decodeName>;
  notBefore: Date;
  notAfter: Date;
  selfSigned: boolean;
}

const poolCache = new Map<string, TrustedCert[]>();
/** Parsed CRLs by Buffer identity: a bank that keeps the fetched Buffer parses it once. */
const crlCache = new WeakMap<Buffer, ParsedCrl>();
/**
 * The last few CRLs parsed, by content: a refetched CRL whose bytes did not change (a new Buffer
 * every fetch) is not parsed again. Bounded: at most RECENT_CRLS entries, oldest dropped first.
 */
const recentCrls: ParsedCrl[] = [];
const RECENT_CRLS = 4;

function cachedCrl(der: Buffer): ParsedCrl {
  let crl = crlCache.get(der) ?? recentCrls.find((c) => c.der.length === der.length && c.der.equals(der));
  if (!crl) {
    crl = parseCrl(der);
    crlParseStats.parses++;
    recentCrls.unshift(crl);
    if (recentCrls.length > RECENT_CRLS) recentCrls.pop();
  }
  crlCache.set(der, crl);
  return crl;
}

/** Test hook: how many CRL parses `verifyCertificate` has done (a refetch of the same bytes adds none). */
export const crlParseStats = { parses: 0 };

/** Parsed trusted certificates; a configuration error (not a client error) throws. */
function trustedCertificates(ca: VerifyCertificateOptions['ca']): TrustedCert[] {
  const text = 'bundlePem' in ca ? ca.bundlePem : `${ca.issuingCertPem}\n${ca.rootCertPem}`;
  let pool = poolCache.get(text);
  if (pool) return pool;
  const blocks = pemBlocks(text, false).filter((b) => b.label === 'CERTIFICATE');
  if (blocks.length === 0) throw new TypeError('verifyCertificate: no CA certificate given');
  pool = blocks.map(({ der }) => {
    const x509 = new X509Certificate(der);
    const publicKey = x509.publicKey;
    const s = certificateStructure(der);
    const subject = decodeName(s.subjectNode, 'subject');
    return {
      x509,
      publicKey,
      subject,
      name: dnToString(subject),
      issuerName: dnToString(decodeName(s.issuerNode, 'issuer')),
      notBefore: s.notBefore,
      notAfter: s.notAfter,
      selfSigned: x509.checkIssued(x509) && x509.verify(publicKey),
    };
  });
  if (poolCache.size >= 32) poolCache.clear();
  poolCache.set(text, pool);
  return pool;
}

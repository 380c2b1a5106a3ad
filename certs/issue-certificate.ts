import { createHash } from 'node:crypto';
import { type Asn1, nul } from './asn1.js';
import { checkCsrForProfile } from './check-csr-for-profile.js';
import { attributeName } from './dn-names.js';
import { ipToBytes, isDnsName } from './ip-and-dns.js';
import { OID } from './oids.js';
import { toPem } from './pem.js';
import { signatureAlgorithmFor, signSha256, signSha256Async } from './sign.js';
import type {
  CertificateAuthority,
  CertificateType,
  DnAttribute,
  IssuedCertificate,
  KeyUsageName,
  ParsedCsr,
  Psd2Role,
  SubjectContext,
} from './types.js';
import {
  authorityInfoAccessExt,
  authorityKeyIdExt,
  basicConstraintsExt,
  crlDistributionPointsExt,
  extension,
  extKeyUsageExt,
  keyUsageExt,
  qcStatementsExt,
  randomSerial,
  subjectAltNameExt,
  subjectKeyIdExt,
  subjectPublicKey,
  tbsCertificateDer,
} from './x509-build.js';
import { encodeName } from './x509-name.js';

export interface IssueRequest {
  type: CertificateType;
  csr: ParsedCsr;
  ctx: SubjectContext;
  /** Default 730 (server: 365). Capped at the issuing CA's expiry. */
  validityDays?: number;
  now?: Date;
  /** Added to the CSR's SANs; obwac, qwac and server only. */
  extraSanDns?: string[];
  extraSanIps?: string[];
}

interface Profile {
  keyUsage: KeyUsageName[];
  eku: string[];
  qcType?: 'web' | 'eseal';
  san: boolean;
  ocspNoCheck?: true;
}

const PROFILES: Record<CertificateType, Profile> = {
  obtransport: {
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    eku: [OID.clientAuth, OID.serverAuth],
    san: false,
  },
  obsigning: { keyUsage: ['digitalSignature', 'nonRepudiation'], eku: [], san: false },
  obwac: { keyUsage: ['digitalSignature'], eku: [OID.clientAuth, OID.serverAuth], qcType: 'web', san: true },
  obseal: { keyUsage: ['digitalSignature', 'nonRepudiation'], eku: [], qcType: 'eseal', san: false },
  qwac: { keyUsage: ['digitalSignature'], eku: [OID.clientAuth, OID.serverAuth], qcType: 'web', san: true },
  qseal: { keyUsage: ['digitalSignature', 'nonRepudiation'], eku: [], qcType: 'eseal', san: false },
  server: {
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    eku: [OID.serverAuth, OID.clientAuth],
    san: true,
  },
  // RFC 6960 §4.2.2.2: issued by the CA, EKU id-kp-OCSPSigning; id-pkix-ocsp-nocheck so that
  // clients do not ask about the responder's own certificate, and no OCSP URL of its own.
  ocspSigning: { keyUsage: ['digitalSignature'], eku: [OID.ocspSigning], san: false, ocspNoCheck: true },
};

/** Roles are listed in the ETSI TS 119 495 order, whatever the order in ctx.roles. */
const PSD2_ROLE_ORDER: readonly Psd2Role[] = ['PSP_AS', 'PSP_PI', 'PSP_AI', 'PSP_IC'];

const DAY_MS = 86_400_000;
const BACKDATE_MS = 5 * 60_000;

/**
 * Issues a certificate of the given profile from a parsed CSR, signed by the issuing CA with
 * node:crypto (one RSA signature, or ECDSA for an EC CA). Re-checks the CSR against the profile (CsrError).
 */
export function issueCertificate(ca: CertificateAuthority, req: IssueRequest): IssuedCertificate {
  const prepared = prepareCertificate(ca, req);
  return finishCertificate(prepared, signSha256(prepared.tbs, ca.issuingKey));
}

/**
 * The same as issueCertificate, with the CA signature computed in node's
 * thread pool, so a server keeps handling other requests meanwhile.
 */
export async function issueCertificateAsync(
  ca: CertificateAuthority,
  req: IssueRequest,
): Promise<IssuedCertificate> {
  const prepared = prepareCertificate(ca, req);
  return finishCertificate(prepared, await signSha256Async(prepared.tbs, ca.issuingKey));
}

interface PreparedCertificate {
  tbs: Buffer;
  serial: Buffer;
  notBefore: Date;
  notAfter: Date;
  subject: DnAttribute[];
}

function finishCertificate(p: PreparedCertificate, der: Buffer): IssuedCertificate {
  const x5t = createHash('sha1').update(der).digest('base64url');
  return {
    pem: toPem(der, 'CERTIFICATE'),
    der,
    serialHex: p.serial.toString('hex'),
    notBefore: p.notBefore,
    notAfter: p.notAfter,
    subject: p.subject,
    x5t,
    x5tS256: createHash('sha256').update(der).digest('base64url'),
    kid: x5t,
  };
}

function prepareCertificate(ca: CertificateAuthority, req: IssueRequest): PreparedCertificate {
  const { type, csr, ctx } = req;
  checkCsrForProfile(type, csr, ctx);
  const profile = PROFILES[type];

  const nowMs = Math.floor((req.now ?? new Date()).getTime() / 1000) * 1000;
  const days = req.validityDays ?? (type === 'server' ? 365 : 730);
  if (!(days > 0) || !Number.isFinite(days)) {
    throw new RangeError(`validityDays must be positive, got ${days}`);
  }
  const notBefore = new Date(nowMs - BACKDATE_MS);
  const notAfter = new Date(Math.min(nowMs + Math.round(days * DAY_MS), ca.issuer.notAfter.getTime()));

  const subject = subjectFor(type, csr, ctx);
  const spki = subjectPublicKey(csr.publicKey);
  const serial = randomSerial();

  const extensions: Asn1[] = [basicConstraintsExt(false), keyUsageExt(profile.keyUsage)];
  if (profile.eku.length > 0) extensions.push(extKeyUsageExt(profile.eku));
  extensions.push(
    subjectKeyIdExt(spki.keyId),
    authorityKeyIdExt(ca.issuer.keyId),
    crlDistributionPointsExt(ca.crlUrl),
  );
  if (profile.ocspNoCheck) extensions.push(extension(OID.ocspNoCheck, false, nul()));
  else if (ca.ocspUrl) extensions.push(authorityInfoAccessExt(ca.ocspUrl, ca.caIssuersUrl));

  const extraDns = req.extraSanDns ?? [];
  const extraIps = req.extraSanIps ?? [];
  if (profile.san) {
    const dns = unique([...csr.sanDns, ...extraDns].map((d) => d.toLowerCase()));
    const bad = dns.find((d) => !isDnsName(d));
    if (bad !== undefined) throw new TypeError(`"${bad}" is not a valid DNS name`);
    const ips = unique([...csr.sanIps, ...extraIps]).map((ip) => {
      const b = ipToBytes(ip);
      if (!b) throw new TypeError(`"${ip}" is not an IP address`);
      return b;
    });
    const uniqueIps = ips.filter((b, i) => ips.findIndex((o) => o.equals(b)) === i);
    if (dns.length > 0 || uniqueIps.length > 0) extensions.push(subjectAltNameExt(dns, uniqueIps));
  } else if (extraDns.length > 0 || extraIps.length > 0) {
    throw new TypeError(`extraSanDns/extraSanIps are only allowed for obwac, qwac and server, not ${type}`);
  }

  if (profile.qcType) {
    const unknown = ctx.roles.filter((r) => !PSD2_ROLE_ORDER.includes(r));
    if (unknown.length > 0) throw new TypeError(`unknown PSD2 role ${unknown.join(', ')}`);
    const roles = PSD2_ROLE_ORDER.filter((r) => ctx.roles.includes(r));
    if (roles.length === 0) throw new TypeError(`${type} needs at least one PSD2 role in ctx.roles`);
    const ncaName = ctx.ncaName ?? 'Financial Conduct Authority';
    const ncaId = ctx.ncaId ?? 'GB-FCA';
    extensions.push(qcStatementsExt(profile.qcType, roles, ncaName, ncaId));
  }

  const tbs = tbsCertificateDer({
    signatureAlgorithm: signatureAlgorithmFor(ca.issuingKey),
    serial,
    issuer: ca.issuer.name as unknown as Asn1,
    notBefore,
    notAfter,
    subject: encodeName(subject),
    spki: spki.node,
    extensions,
  });
  return { tbs, serial, notBefore, notAfter, subject };
}

function attr(oid: string, value: string): DnAttribute {
  return { oid, name: attributeName(oid), value };
}

function subjectFor(type: CertificateType, csr: ParsedCsr, ctx: SubjectContext): DnAttribute[] {
  switch (type) {
    case 'obtransport':
    case 'obsigning':
      return [
        attr('2.5.4.6', 'GB'),
        attr('2.5.4.10', 'OpenBanking'),
        attr('2.5.4.11', ctx.orgId),
        attr('2.5.4.3', ctx.softwareId!),
      ];
    case 'obwac':
    case 'obseal':
      return [
        attr('2.5.4.6', 'GB'),
        attr('2.5.4.10', ctx.legalName),
        attr('2.5.4.97', ctx.organisationIdentifier),
        attr('2.5.4.3', ctx.orgId),
      ];
    default:
      // qwac, qseal, server: the CSR's (checked) subject, without empty attributes.
      return csr.subject.filter((a) => a.value !== '').map((a) => attr(a.oid, a.value));
  }
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

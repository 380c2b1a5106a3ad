import { createHash, type KeyObject, X509Certificate } from 'node:crypto';
import {
  Asn1ShapeError,
  buf,
  CLASS_CONTEXT,
  children,
  fromDer,
  readBitString,
  readBoolean,
  readOctets,
  readOid,
  readSmallInteger,
  readString,
  TAG,
} from './asn1.js';
import { CertificateParseError } from './errors.js';
import { EKU_NAMES, KEY_USAGE_BITS, OID, PSD2_ROLE_BY_OID, PSD2_ROLE_OIDS } from './oids.js';
import { pemBlocks, toPem } from './pem.js';
import type { CertificateInfo, Psd2Role } from './types.js';
import { signatureAlgorithmName } from './verify-signature.js';
import { decodeName } from './x509-name.js';
import { certificateStructure, readSubjectAltNames } from './x509-parse.js';

/**
 * Parses one X.509 certificate (PEM string, PEM bytes or DER) into the fields the directory and
 * banks look at: names, validity, SANs, key usage, EKU, qcStatements (QcType, PSD2 roles, NCA),
 * CRL URLs, key identifiers, fingerprints. Throws CertificateParseError.
 */
export function parseCertificate(input: string | Buffer): CertificateInfo {
  const der = toDerBytes(input);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch {
    // OpenSSL's text ("error:0480006C:PEM routines::no start line") is not for callers.
    throw new CertificateParseError('not an X.509 certificate: its DER encoding cannot be read');
  }
  try {
    return describe(der, x509);
  } catch (err) {
    const why = err instanceof Asn1ShapeError ? err.message : 'its structure cannot be read';
    throw new CertificateParseError(`malformed certificate: ${why}`);
  }
}

/** The DER of a certificate given as PEM (string or bytes, exactly one CERTIFICATE block) or DER. */
export function toDerBytes(input: string | Buffer): Buffer {
  if (!(typeof input === 'string') && !Buffer.isBuffer(input)) {
    throw new CertificateParseError('expected a PEM string or a DER Buffer');
  }
  const isPem = typeof input === 'string' || input.subarray(0, 11).toString('latin1') === '-----BEGIN ';
  if (!isPem) return input;
  let blocks: ReturnType<typeof pemBlocks>;
  try {
    blocks = pemBlocks(input.toString(), false);
  } catch (err) {
    throw new CertificateParseError(`malformed PEM: ${(err as Error).message}`);
  }
  const certs = blocks.filter((b) => b.label === 'CERTIFICATE');
  if (certs.length !== 1) {
    throw new CertificateParseError(`expected exactly one "CERTIFICATE" PEM block, found ${certs.length}`);
  }
  return certs[0].der;
}

function describe(der: Buffer, x509: X509Certificate): CertificateInfo {
  const s = certificateStructure(der);
  const publicKey = x509.publicKey; // a new KeyObject on every access
  const info: CertificateInfo = {
    der,
    pem: toPem(der, 'CERTIFICATE'),
    serialHex: s.serialHex,
    subject: decodeName(s.subjectNode, 'subject'),
    issuer: decodeName(s.issuerNode, 'issuer'),
    notBefore: s.notBefore,
    notAfter: s.notAfter,
    sanDns: [],
    sanIps: [],
    keyUsage: [],
    keyUsageCritical: false,
    extKeyUsage: [],
    qcCompliance: false,
    psd2Roles: [],
    crlUrls: [],
    extensionOids: s.extensions.map((e) => e.oid),
    signatureAlgorithm: signatureAlgorithmName(s.signatureAlgorithmOid),
    publicKey,
    keyType: keyTypeName(publicKey.asymmetricKeyType),
    keyBits: keyBits(publicKey),
    x5t: createHash('sha1').update(der).digest('base64url'),
    x5tS256: createHash('sha256').update(der).digest('base64url'),
    x509,
  };
  for (const ext of s.extensions) {
    const value = () => fromDer(ext.value);
    switch (ext.oid) {
      case OID.subjectAltName: {
        const { dns, ips } = readSubjectAltNames(ext.value);
        info.sanDns = dns;
        info.sanIps = ips;
        break;
      }
      case OID.keyUsage: {
        const { bytes } = readBitString(value(), 'keyUsage');
        info.keyUsage = KEY_USAGE_BITS.filter(
          (_, bit) => ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0,
        );
        info.keyUsageCritical = ext.critical;
        break;
      }
      case OID.extKeyUsage:
        info.extKeyUsage = children(value(), 'extKeyUsage').map((n) => {
          const o = readOid(n, 'keyPurposeId');
          return EKU_NAMES[o] ?? o;
        });
        break;
      case OID.basicConstraints: {
        const parts = children(value(), 'basicConstraints');
        let ca = false;
        let pathLen: number | undefined;
        for (const p of parts) {
          if (p.type === TAG.BOOLEAN) ca = readBoolean(p, 'cA');
          if (p.type === TAG.INTEGER) pathLen = readSmallInteger(p, 'pathLenConstraint');
        }
        info.basicConstraints = { ca, critical: ext.critical, ...(pathLen === undefined ? {} : { pathLen }) };
        break;
      }
      case OID.subjectKeyIdentifier:
        info.subjectKeyId = readOctets(value(), 'subjectKeyIdentifier').toString('hex');
        break;
      case OID.authorityKeyIdentifier: {
        const keyId = children(value(), 'authorityKeyIdentifier').find(
          (n) => n.tagClass === CLASS_CONTEXT && n.type === 0,
        );
        if (keyId && typeof keyId.value === 'string') info.authorityKeyId = buf(keyId.value).toString('hex');
        break;
      }
      case OID.crlDistributionPoints:
        info.crlUrls = crlUrls(ext.value);
        break;
      case OID.qcStatements:
        readQcStatements(ext.value, info);
        break;
    }
  }
  return info;
}

function keyTypeName(t: string | undefined): string {
  if (t === 'rsa' || t === 'rsa-pss') return 'RSA';
  if (t === 'ec') return 'EC';
  return t ?? 'unknown';
}

function keyBits(publicKey: KeyObject): number | undefined {
  const d = publicKey.asymmetricKeyDetails;
  if (d?.modulusLength) return d.modulusLength;
  if (d?.namedCurve) return { prime256v1: 256, secp384r1: 384, secp521r1: 521 }[d.namedCurve];
  return undefined;
}

/** URIs of every DistributionPoint's fullName. */
function crlUrls(extValue: Buffer): string[] {
  const urls: string[] = [];
  for (const dp of children(fromDer(extValue), 'cRLDistributionPoints')) {
    for (const field of children(dp, 'DistributionPoint')) {
      if (field.tagClass !== CLASS_CONTEXT || field.type !== 0 || !Array.isArray(field.value)) continue;
      for (const name of field.value) {
        if (name.tagClass !== CLASS_CONTEXT || name.type !== 0 || !Array.isArray(name.value)) continue;
        for (const gn of name.value) {
          if (gn.tagClass === CLASS_CONTEXT && gn.type === 6 && typeof gn.value === 'string') {
            urls.push(buf(gn.value).toString('utf8'));
          }
        }
      }
    }
  }
  return urls;
}

function readQcStatements(extValue: Buffer, info: CertificateInfo): void {
  for (const statement of children(fromDer(extValue), 'qcStatements')) {
    const [idNode, infoNode] = children(statement, 'QCStatement');
    const id = readOid(idNode, 'statementId');
    if (id === OID.qcCompliance) info.qcCompliance = true;
    if (id === OID.qcType) {
      const types = children(infoNode, 'QcType').map((n) => readOid(n, 'QcType'));
      if (types.includes(OID.qcTypeWeb)) info.qcType = 'web';
      else if (types.includes(OID.qcTypeEseal)) info.qcType = 'eseal';
    }
    if (id === OID.psd2Statement) {
      const [rolesNode, ncaName, ncaId] = children(infoNode, 'PSD2QcType');
      const roles: Psd2Role[] = [];
      for (const role of children(rolesNode, 'RolesOfPSP')) {
        const [roleOid, roleName] = children(role, 'RoleOfPSP');
        const known = PSD2_ROLE_BY_OID[readOid(roleOid, 'roleOfPspOid')];
        const named = readString(roleName, 'roleOfPspName');
        const r = known ?? (named in PSD2_ROLE_OIDS ? (named as Psd2Role) : undefined);
        if (r && !roles.includes(r)) roles.push(r);
      }
      info.psd2Roles = roles;
      info.ncaName = readString(ncaName, 'nCAName');
      info.ncaId = readString(ncaId, 'nCAId');
    }
  }
}

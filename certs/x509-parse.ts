/** Structural parse of an X.509 certificate with forge ASN.1. Internal to certs/. */
import {
  type Asn1,
  Asn1ShapeError,
  buf,
  CLASS_CONTEXT,
  children,
  fromDer,
  rawChildren,
  readBitString,
  readBoolean,
  readIntegerHex,
  readOctets,
  readOid,
  readSmallInteger,
  readTime,
  toDer,
} from './asn1.js';
import { bytesToIp } from './ip-and-dns.js';

export interface RawExtension {
  oid: string;
  critical: boolean;
  /** Contents of extnValue (the DER of the extension value). */
  value: Buffer;
}

export interface CertificateStructure {
  version: number;
  serialHex: string;
  issuerNode: Asn1;
  subjectNode: Asn1;
  notBefore: Date;
  notAfter: Date;
  spkiDer: Buffer;
  extensions: RawExtension[];
  tbsDer: Buffer;
  signatureAlgorithmOid: string;
  signature: Buffer;
}

/** Throws Asn1ShapeError (or forge's Error) when the DER is not a certificate. */
export function certificateStructure(der: Buffer): CertificateStructure {
  const root = fromDer(der);
  const [tbs, sigAlg, sigValue] = children(root, 'Certificate');
  const [tbsDer] = rawChildren(der, 1);
  const fields = children(tbs, 'TBSCertificate');
  let i = 0;
  let version = 1;
  const first = fields[0];
  if (first?.tagClass === CLASS_CONTEXT && first.type === 0) {
    if (!Array.isArray(first.value)) throw new Asn1ShapeError('version: expected [0] EXPLICIT INTEGER');
    version = readSmallInteger(first.value[0], 'version') + 1;
    i = 1;
  }
  const serialHex = readIntegerHex(fields[i], 'serialNumber');
  const issuerNode = fields[i + 2];
  const [nb, na] = children(fields[i + 3], 'validity');
  const subjectNode = fields[i + 4];
  const spkiNode = fields[i + 5];
  children(spkiNode, 'subjectPublicKeyInfo');
  const extensions: RawExtension[] = [];
  for (const f of fields.slice(i + 6)) {
    if (f.tagClass !== CLASS_CONTEXT || f.type !== 3) continue; // issuer/subject unique ids
    if (!Array.isArray(f.value)) throw new Asn1ShapeError('extensions: expected [3] EXPLICIT');
    const [exts] = f.value;
    for (const ext of children(exts, 'extensions')) {
      const parts = children(ext, 'extension');
      const extOid = readOid(parts[0], 'extnID');
      const critical = parts.length === 3 ? readBoolean(parts[1], 'critical') : false;
      extensions.push({
        oid: extOid,
        critical,
        value: readOctets(parts[parts.length - 1], `extension ${extOid}`),
      });
    }
  }
  if (!issuerNode || !subjectNode) throw new Asn1ShapeError('TBSCertificate: missing names');
  return {
    version,
    serialHex,
    issuerNode,
    subjectNode,
    notBefore: readTime(nb, 'notBefore'),
    notAfter: readTime(na, 'notAfter'),
    spkiDer: toDer(spkiNode),
    extensions,
    tbsDer,
    signatureAlgorithmOid: readOid(children(sigAlg, 'signatureAlgorithm')[0], 'signatureAlgorithm'),
    signature: readBitString(sigValue, 'signatureValue').bytes,
  };
}

/** dNSName and iPAddress entries of a GeneralNames value (other name forms are ignored). */
export function readSubjectAltNames(extValue: Buffer): { dns: string[]; ips: string[]; badIps: number } {
  const dns: string[] = [];
  const ips: string[] = [];
  let badIps = 0;
  for (const gn of children(fromDer(extValue), 'subjectAltName')) {
    if (gn.tagClass !== CLASS_CONTEXT || typeof gn.value !== 'string') continue;
    if (gn.type === 2) dns.push(buf(gn.value).toString('latin1'));
    if (gn.type === 7) {
      const b = buf(gn.value);
      if (b.length === 4 || b.length === 16) ips.push(bytesToIp(b));
      else badIps++;
    }
  }
  return { dns, ips, badIps };
}

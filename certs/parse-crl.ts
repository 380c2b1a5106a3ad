import {
  type Asn1,
  CLASS_CONTEXT,
  children,
  fromDer,
  isTime,
  normaliseHex,
  readBitString,
  readOctets,
  readOid,
  readSmallInteger,
  readTime,
  readTlv,
  TAG,
  type Tlv,
  toDer,
} from './asn1.js';
import { CrlError } from './errors.js';
import { OID } from './oids.js';
import { pemBlocks } from './pem.js';
import type { ParsedCrl, RevokedEntry } from './types.js';
import { signatureAlgorithmName } from './verify-signature.js';
import { decodeName } from './x509-name.js';

/**
 * Parses a CRL (DER, or a PEM "X509 CRL" string). Does not verify the signature: verifyCertificate
 * does that against the issuing CA. Throws CrlError when the input is not a CRL.
 */
export function parseCrl(input: Buffer | string): ParsedCrl {
  let der: Buffer;
  if (typeof input === 'string' || input.subarray(0, 11).toString('latin1') === '-----BEGIN ') {
    let blocks: ReturnType<typeof pemBlocks>;
    try {
      blocks = pemBlocks(input.toString(), false);
    } catch (err) {
      throw new CrlError(`malformed CRL PEM: ${(err as Error).message}`);
    }
    if (blocks.length !== 1 || blocks[0].label !== 'X509 CRL') {
      throw new CrlError('expected one PEM block "-----BEGIN X509 CRL-----"');
    }
    der = blocks[0].der;
  } else {
    der = input;
  }
  try {
    // The outer structure and the TBSCertList are walked as raw TLVs; every field but the entry
    // list goes through the ASN.1 reader, the entries (most of a big CRL) are read in place.
    const outer = readTlv(der, 0);
    if (outer.tag !== SEQUENCE) throw new Error('CertificateList: expected SEQUENCE');
    if (outer.end !== der.length) throw new Error('trailing bytes after the CRL');
    const [tbsTlv, sigAlgTlv, sigValueTlv] = tlvChildren(der, outer);
    if (!tbsTlv || tbsTlv.tag !== SEQUENCE) throw new Error('TBSCertList: expected SEQUENCE');
    const sigAlg = fromDer(der.subarray(sigAlgTlv?.start ?? 0, sigAlgTlv?.end ?? 0));
    const sigValue = fromDer(der.subarray(sigValueTlv?.start ?? 0, sigValueTlv?.end ?? 0));
    const tbsDer = der.subarray(tbsTlv.start, tbsTlv.end);
    const fieldTlvs = tlvChildren(der, tbsTlv);
    let revokedTlv: Tlv | undefined;
    const fields = fieldTlvs.map((t, n) => {
      // The first SEQUENCE after the dates is revokedCertificates; it is read below, in place.
      if (!revokedTlv && n >= 3 && (t.tag & 0xdf) === TAG.SEQUENCE && isTimeTag(fieldTlvs[n - 1].tag)) {
        if (t.tag !== SEQUENCE) throw new Error('revokedCertificates: not constructed');
        revokedTlv = t;
        return REVOKED_PLACEHOLDER;
      }
      return fromDer(der.subarray(t.start, t.end));
    });
    let i = 0;
    if (fields[0]?.type === TAG.INTEGER && fields[0].tagClass === 0) {
      const v = readSmallInteger(fields[0], 'version');
      if (v !== 1) throw new Error(`version: expected v2, found ${v + 1}`);
      i = 1;
    }
    i++; // signature AlgorithmIdentifier
    const issuerNode = fields[i++];
    const issuer = decodeName(issuerNode, 'issuer');
    const thisUpdate = readTime(fields[i++], 'thisUpdate');
    let nextUpdate: Date | undefined;
    if (isTime(fields[i])) nextUpdate = readTime(fields[i++], 'nextUpdate');
    let revoked: RevokedEntry[] = [];
    if (fields[i] === REVOKED_PLACEHOLDER && revokedTlv) {
      revoked = readRevokedEntries(der, revokedTlv);
      i++;
    }
    let crlNumber: number | undefined;
    let authorityKeyId: string | undefined;
    const extsNode = fields[i];
    if (extsNode?.tagClass === CLASS_CONTEXT && extsNode.type === 0 && Array.isArray(extsNode.value)) {
      for (const ext of children(extsNode.value[0], 'crlExtensions')) {
        const parts = children(ext, 'extension');
        const extOid = readOid(parts[0], 'extnID');
        const value = readOctets(parts[parts.length - 1], extOid);
        if (extOid === OID.crlNumber) crlNumber = readSmallInteger(fromDer(value), 'cRLNumber');
        if (extOid === OID.authorityKeyIdentifier) {
          const keyId = children(fromDer(value), 'authorityKeyIdentifier').find(
            (n) => n.tagClass === CLASS_CONTEXT && n.type === 0,
          );
          if (keyId && typeof keyId.value === 'string')
            authorityKeyId = Buffer.from(keyId.value, 'binary').toString('hex');
        }
      }
    }
    const sig = readBitString(sigValue, 'signatureValue');
    return {
      der,
      issuer,
      issuerDer: toDer(issuerNode),
      thisUpdate,
      nextUpdate,
      crlNumber,
      authorityKeyId,
      serials: revoked.map((r) => r.serialHex),
      revoked,
      signatureAlgorithm: signatureAlgorithmName(
        readOid(children(sigAlg, 'signatureAlgorithm')[0], 'signatureAlgorithm'),
      ),
      signatureAlgorithmDer: toDer(sigAlg),
      tbsDer,
      signature: sig.bytes,
    };
  } catch (err) {
    if (err instanceof CrlError) throw err;
    throw new CrlError(`malformed CRL: ${(err as Error).message}`);
  }
}

/** Constructed SEQUENCE tag byte. */
const SEQUENCE = 0x20 | TAG.SEQUENCE;
/** Stands for the entry list among the TBSCertList's fields (it is never turned into a tree). */
const REVOKED_PLACEHOLDER = {
  tagClass: 0,
  type: TAG.SEQUENCE,
  constructed: true,
  value: [],
} as unknown as Asn1;

const isTimeTag = (tag: number): boolean => tag === TAG.UTCTIME || tag === TAG.GENERALIZEDTIME;

/** The TLVs that exactly fill a constructed TLV's content. */
function tlvChildren(der: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let pos = parent.contentStart; pos < parent.end; ) {
    const t = readTlv(der, pos);
    if (t.end > parent.end) throw new Error('truncated DER');
    out.push(t);
    pos = t.end;
  }
  return out;
}

/**
 * revokedCertificates, read straight from the DER: each entry is a SEQUENCE of an INTEGER serial,
 * a time and optional entry extensions (checked for shape by the ASN.1 reader when present).
 */
function readRevokedEntries(der: Buffer, list: Tlv): RevokedEntry[] {
  const out: RevokedEntry[] = [];
  for (let pos = list.contentStart; pos < list.end; ) {
    const entry = readTlv(der, pos);
    if (entry.end > list.end) throw new Error('revokedCertificates: truncated entry');
    if (entry.tag !== SEQUENCE) throw new Error('revokedCertificate: expected SEQUENCE');
    const parts = tlvChildren(der, entry);
    const [serial, date] = parts;
    if (!serial) throw new Error('userCertificate: missing');
    if (serial.tag !== TAG.INTEGER) throw new Error('userCertificate: expected INTEGER');
    if (!date) throw new Error('revocationDate: missing');
    if (parts.length > 2) fromDer(der.subarray(entry.start, entry.end));
    out.push({
      serialHex: normaliseHex(der.toString('hex', serial.contentStart, serial.end)),
      revokedAt: readEntryTime(der, date),
    });
    pos = entry.end;
  }
  return out;
}

/**
 * revocationDate read from its bytes: UTCTime YYMMDDhhmmssZ or GeneralizedTime YYYYMMDDhhmmssZ,
 * the forms `readTime` accepts (and with its error), without a string and a regular expression per entry.
 */
function readEntryTime(der: Buffer, t: Tlv): Date {
  const length = t.end - t.contentStart;
  const utc = t.tag === TAG.UTCTIME && length === 13;
  if (!(utc || (t.tag === TAG.GENERALIZEDTIME && length === 15)) || der[t.end - 1] !== 0x5a) {
    throw new Error('revocationDate: expected UTCTime or GeneralizedTime (YYMMDDhhmmssZ)');
  }
  const digits: number[] = [];
  for (let p = t.contentStart; p < t.end - 1; p += 2) {
    const hi = der[p] - 0x30;
    const lo = der[p + 1] - 0x30;
    if (hi < 0 || hi > 9 || lo < 0 || lo > 9) {
      throw new Error('revocationDate: expected UTCTime or GeneralizedTime (YYMMDDhhmmssZ)');
    }
    digits.push(hi * 10 + lo);
  }
  let year: number;
  if (utc) year = digits.shift() as number;
  else year = (digits.shift() as number) * 100 + (digits.shift() as number);
  if (utc) year += year >= 50 ? 1900 : 2000;
  const [month, day, hours, minutes, seconds] = digits;
  return new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds));
}

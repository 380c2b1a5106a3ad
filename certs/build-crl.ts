import { type Asn1, explicit, normaliseHex, seq, smallInteger, TAG, time, toDer, wrapDer } from './asn1.js';
import { OID } from './oids.js';
import { toPem } from './pem.js';
import { signatureAlgorithmFor, signSha256 } from './sign.js';
import type { CertificateAuthority, RevokedEntry } from './types.js';
import { authorityKeyIdExt, extension } from './x509-build.js';

/** Constructed SEQUENCE tag byte. */
const SEQUENCE = 0x20 | TAG.SEQUENCE;

export interface BuildCrlOptions {
  /** Monotonically increasing CRL number. */
  crlNumber: number;
  now?: Date;
  /** Default 7. */
  nextUpdateDays?: number;
}

/**
 * A v2 CRL signed by the issuing CA (node:crypto, sha256WithRSAEncryption) listing `revoked`,
 * with the CRL number and authority key identifier extensions. Duplicate serials are listed once.
 * The entry list is encoded straight to DER bytes (no ASN.1 object per entry), so a CRL of tens
 * of thousands of entries is built in milliseconds; the bytes are those a full ASN.1 tree gives.
 */
export function buildCrl(
  ca: CertificateAuthority,
  revoked: readonly RevokedEntry[],
  opts: BuildCrlOptions,
): { der: Buffer; pem: string } {
  checkOptions(opts);
  return signCrl(ca, [encodeEntries(revoked, 0, revoked.length, new Set())], opts);
}

/**
 * `buildCrl`, giving the event loop back between slices of `sliceEntries` entries (default 2,000):
 * what a service calls so that a revocation among tens of thousands does not stall it. Same bytes.
 */
export async function buildCrlInSlices(
  ca: CertificateAuthority,
  revoked: readonly RevokedEntry[],
  opts: BuildCrlOptions & { sliceEntries?: number },
): Promise<{ der: Buffer; pem: string }> {
  checkOptions(opts);
  const step = Math.max(1, opts.sliceEntries ?? 2_000);
  const seen = new Set<string>();
  const slices: Buffer[] = [];
  for (let from = 0; from < revoked.length; from += step) {
    if (from > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    slices.push(encodeEntries(revoked, from, Math.min(revoked.length, from + step), seen));
  }
  await new Promise<void>((resolve) => setImmediate(resolve));
  return signCrl(ca, slices, opts);
}

function checkOptions(opts: BuildCrlOptions): void {
  const days = opts.nextUpdateDays ?? 7;
  if (!(days > 0) || !Number.isFinite(days))
    throw new RangeError(`nextUpdateDays must be positive, got ${days}`);
}

/** The TBSCertList around the encoded entries (omitted when there is none), signed. */
function signCrl(
  ca: CertificateAuthority,
  entries: Buffer[],
  opts: BuildCrlOptions,
): { der: Buffer; pem: string } {
  const nowMs = Math.floor((opts.now ?? new Date()).getTime() / 1000) * 1000;
  const days = opts.nextUpdateDays ?? 7;
  const header = [
    smallInteger(1), // v2
    signatureAlgorithmFor(ca.issuingKey),
    ca.issuer.name as unknown as Asn1,
    time(new Date(nowMs)),
    time(new Date(nowMs + Math.round(days * 86_400_000))),
  ];
  const extensions = explicit(
    0,
    seq([extension(OID.crlNumber, false, smallInteger(opts.crlNumber)), authorityKeyIdExt(ca.issuer.keyId)]),
  );
  const fields = header.map(toDer);
  if (entries.some((e) => e.length > 0)) fields.push(wrapDer(SEQUENCE, entries));
  fields.push(toDer(extensions));
  const der = signSha256(wrapDer(SEQUENCE, fields), ca.issuingKey);
  return { der, pem: toPem(der, 'X509 CRL') };
}

/**
 * Entries `from`…`to` of revokedCertificates as DER (the list's content, without its header),
 * written into one buffer: per entry SEQUENCE { INTEGER serial, Time }; a serial already in
 * `seen` (after normalising the hex) is skipped.
 */
function encodeEntries(
  revoked: readonly RevokedEntry[],
  from: number,
  to: number,
  seen: Set<string>,
): Buffer {
  const serials: string[] = [];
  const dates: Date[] = [];
  let contentLength = 0;
  for (let i = from; i < to; i++) {
    const r = revoked[i];
    if (!HEX_RE.test(r.serialHex)) throw new TypeError(`serialHex "${r.serialHex}" is not hex`);
    const serial = normaliseHex(r.serialHex);
    if (seen.has(serial)) continue;
    seen.add(serial);
    contentLength += tlvLength(entryContentLength(serial, r.revokedAt));
    serials.push(serial);
    dates.push(r.revokedAt);
  }
  const out = Buffer.allocUnsafe(contentLength);
  let pos = 0;
  for (let i = 0; i < serials.length; i++) {
    const serial = serials[i];
    const date = dates[i];
    pos = writeHeader(out, pos, SEQUENCE, entryContentLength(serial, date));
    const signByte = highBitSet(serial);
    pos = writeHeader(out, pos, TAG.INTEGER, serial.length / 2 + (signByte ? 1 : 0));
    if (signByte) out[pos++] = 0;
    pos += out.write(serial, pos, 'hex');
    pos = writeTime(out, pos, date);
  }
  return out;
}

const HEX_RE = /^[0-9a-fA-F]+$/;

/** Whether the first byte of normalised (lowercase, even-length) hex has its top bit set. */
const highBitSet = (hex: string): boolean => hex.charCodeAt(0) >= 0x38; // '8'…'9', 'a'…'f'

/** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050. */
const isUtcYear = (y: number): boolean => y >= 1950 && y < 2050;

function entryContentLength(serial: string, date: Date): number {
  const integerLength = serial.length / 2 + (highBitSet(serial) ? 1 : 0);
  return tlvLength(integerLength) + tlvLength(isUtcYear(date.getUTCFullYear()) ? 13 : 15);
}

/** UTCTime (YYMMDDhhmmssZ) or GeneralizedTime (YYYYMMDDhhmmssZ), seconds precision. */
function writeTime(out: Buffer, pos: number, d: Date): number {
  const y = d.getUTCFullYear();
  const utc = isUtcYear(y);
  out[pos++] = utc ? TAG.UTCTIME : TAG.GENERALIZEDTIME;
  out[pos++] = utc ? 13 : 15;
  if (!utc) pos = writeTwoDigits(out, pos, Math.floor(y / 100));
  pos = writeTwoDigits(out, pos, y % 100);
  pos = writeTwoDigits(out, pos, d.getUTCMonth() + 1);
  pos = writeTwoDigits(out, pos, d.getUTCDate());
  pos = writeTwoDigits(out, pos, d.getUTCHours());
  pos = writeTwoDigits(out, pos, d.getUTCMinutes());
  pos = writeTwoDigits(out, pos, d.getUTCSeconds());
  out[pos++] = 0x5a; // 'Z'
  return pos;
}

function writeTwoDigits(out: Buffer, pos: number, n: number): number {
  out[pos] = 0x30 + Math.floor(n / 10);
  out[pos + 1] = 0x30 + (n % 10);
  return pos + 2;
}

/** Bytes a TLV with `length` content bytes takes. */
function tlvLength(length: number): number {
  if (length < 0x80) return 2 + length;
  let n = 0;
  for (let l = length; l > 0; l = Math.floor(l / 256)) n++;
  return 2 + n + length;
}

function writeHeader(out: Buffer, pos: number, tag: number, length: number): number {
  out[pos++] = tag;
  if (length < 0x80) {
    out[pos++] = length;
    return pos;
  }
  const lenBytes: number[] = [];
  for (let l = length; l > 0; l = Math.floor(l / 256)) lenBytes.unshift(l & 0xff);
  out[pos++] = 0x80 | lenBytes.length;
  for (const b of lenBytes) out[pos++] = b;
  return pos;
}

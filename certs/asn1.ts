/**
 * Small helpers over node-forge's ASN.1 structures: building nodes, DER in and out as Buffers,
 * and reading nodes with clear errors. Internal to certs/.
 */
import forge from 'node-forge';

const { asn1 } = forge;

export type Asn1 = forge.asn1.Asn1;

export const CLASS_UNIVERSAL = 0x00;
export const CLASS_CONTEXT = 0x80;

/** Universal tag numbers. */
export const TAG = {
  BOOLEAN: 1,
  INTEGER: 2,
  BITSTRING: 3,
  OCTETSTRING: 4,
  NULL: 5,
  OID: 6,
  UTF8: 12,
  SEQUENCE: 16,
  SET: 17,
  NUMERIC: 18,
  PRINTABLE: 19,
  T61: 20,
  IA5: 22,
  UTCTIME: 23,
  GENERALIZEDTIME: 24,
  VISIBLE: 26,
  UNIVERSAL: 28,
  BMP: 30,
} as const;

const PRINTABLE_RE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: IA5 is 7-bit ASCII
const IA5_RE = /^[\x00-\x7f]*$/;

export const isPrintableString = (s: string): boolean => PRINTABLE_RE.test(s);

export const bin = (b: Buffer): string => b.toString('binary');
export const buf = (s: string): Buffer => Buffer.from(s, 'binary');

function create(tagClass: number, type: number, constructed: boolean, value: string | Asn1[]): Asn1 {
  return asn1.create(tagClass as forge.asn1.Class, type as forge.asn1.Type, constructed, value);
}

export const seq = (items: Asn1[]): Asn1 => create(CLASS_UNIVERSAL, TAG.SEQUENCE, true, items);
export const setOf = (items: Asn1[]): Asn1 => create(CLASS_UNIVERSAL, TAG.SET, true, items);
export const oid = (dotted: string): Asn1 =>
  create(CLASS_UNIVERSAL, TAG.OID, false, asn1.oidToDer(dotted).getBytes());
export const bool = (b: boolean): Asn1 => create(CLASS_UNIVERSAL, TAG.BOOLEAN, false, b ? '\xff' : '\x00');
export const nul = (): Asn1 => create(CLASS_UNIVERSAL, TAG.NULL, false, '');
export const octets = (b: Buffer): Asn1 => create(CLASS_UNIVERSAL, TAG.OCTETSTRING, false, bin(b));
export const bitString = (b: Buffer, unusedBits = 0): Asn1 =>
  create(CLASS_UNIVERSAL, TAG.BITSTRING, false, String.fromCharCode(unusedBits) + bin(b));
export const utf8 = (s: string): Asn1 =>
  create(CLASS_UNIVERSAL, TAG.UTF8, false, bin(Buffer.from(s, 'utf8')));
export const printable = (s: string): Asn1 => create(CLASS_UNIVERSAL, TAG.PRINTABLE, false, s);
export const ia5 = (s: string): Asn1 => create(CLASS_UNIVERSAL, TAG.IA5, false, s);
/** PrintableString when the value allows it, else UTF8String. */
export const directoryString = (s: string): Asn1 => (isPrintableString(s) ? printable(s) : utf8(s));
export const ia5OrUtf8 = (s: string): Asn1 => (IA5_RE.test(s) ? ia5(s) : utf8(s));

/** [n] EXPLICIT wrapping. */
export const explicit = (tagNo: number, inner: Asn1): Asn1 => create(CLASS_CONTEXT, tagNo, true, [inner]);
/** [n] IMPLICIT of a constructed type (children kept). */
export const implicitConstructed = (tagNo: number, items: Asn1[]): Asn1 =>
  create(CLASS_CONTEXT, tagNo, true, items);
/** [n] IMPLICIT of a primitive type. */
export const implicitPrimitive = (tagNo: number, bytes: Buffer | string): Asn1 =>
  create(CLASS_CONTEXT, tagNo, false, typeof bytes === 'string' ? bytes : bin(bytes));

/** INTEGER from an unsigned big-endian magnitude (sign byte added when needed). */
export function unsignedInteger(magnitude: Buffer): Asn1 {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  let bytes = magnitude.subarray(i);
  if (bytes.length === 0) bytes = Buffer.from([0]);
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return create(CLASS_UNIVERSAL, TAG.INTEGER, false, bin(bytes));
}

export function smallInteger(n: number): Asn1 {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a non-negative integer: ${n}`);
  const hex = n.toString(16);
  return unsignedInteger(Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex'));
}

/** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050. Seconds precision. */
export function time(d: Date): Asn1 {
  const y = d.getUTCFullYear();
  if (y >= 1950 && y < 2050) return create(CLASS_UNIVERSAL, TAG.UTCTIME, false, asn1.dateToUtcTime(d));
  return create(CLASS_UNIVERSAL, TAG.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(d));
}

/** Named-bit BIT STRING (DER: trailing zero bits dropped). */
export function namedBits(positions: number[]): Asn1 {
  if (positions.length === 0) return bitString(Buffer.alloc(0));
  const highest = Math.max(...positions);
  const bytes = Buffer.alloc((highest >> 3) + 1);
  for (const p of positions) bytes[p >> 3] |= 0x80 >> (p & 7);
  const unused = 7 - (highest & 7);
  return bitString(bytes, unused);
}

export const toDer = (node: Asn1): Buffer => buf(asn1.toDer(node).getBytes());

/**
 * What is wrong with DER node-forge could not read, in our words: its own messages
 * ("ASN.1 parsing error: …", "Too few bytes to parse DER.") name the library and reach
 * callers through the errors that quote this one.
 */
function derProblem(err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  if (/too few bytes/i.test(message)) return 'the DER encoding is cut short';
  if (/bytes remain/i.test(message)) return 'the DER encoding has bytes after its end';
  if (/max depth/i.test(message)) return 'the DER encoding is nested too deeply';
  if (/length/i.test(message)) return 'the DER encoding has an invalid length';
  return 'the DER encoding is invalid';
}

/** Strict DER/BER parse of one complete value; BIT STRINGs are not decoded. Throws Asn1ShapeError. */
export function fromDer(der: Buffer): Asn1 {
  const options = { strict: true, parseAllBytes: true, decodeBitStrings: false };
  try {
    return asn1.fromDer(bin(der), options as unknown as boolean);
  } catch (err) {
    throw new Asn1ShapeError(derProblem(err));
  }
}

/** DER header (tag + length) followed by content: assembles already-encoded parts cheaply. */
export function wrapDer(tag: number, parts: Buffer[]): Buffer {
  const len = parts.reduce((n, p) => n + p.length, 0);
  let header: Buffer;
  if (len < 0x80) header = Buffer.from([tag, len]);
  else {
    const lenBytes: number[] = [];
    for (let l = len; l > 0; l = Math.floor(l / 256)) lenBytes.unshift(l & 0xff);
    header = Buffer.from([tag, 0x80 | lenBytes.length, ...lenBytes]);
  }
  return Buffer.concat([header, ...parts]);
}

/** Position of one TLV in a DER buffer (definite lengths only). */
export interface Tlv {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

export function readTlv(der: Buffer, offset: number): Tlv {
  if (offset + 2 > der.length) throw new Asn1ShapeError('truncated DER');
  const tag = der[offset];
  if ((tag & 0x1f) === 0x1f) throw new Asn1ShapeError('high tag numbers are not supported');
  let pos = offset + 1;
  let len = der[pos++];
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Asn1ShapeError('unsupported DER length');
    if (pos + n > der.length) throw new Asn1ShapeError('truncated DER');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[pos++];
  }
  const end = pos + len;
  if (end > der.length) throw new Asn1ShapeError('truncated DER');
  return { tag, start: offset, contentStart: pos, end };
}

/** The raw bytes of the first `count` children of the outer SEQUENCE, as they appear in `der`. */
export function rawChildren(der: Buffer, count: number): Buffer[] {
  const outer = readTlv(der, 0);
  const out: Buffer[] = [];
  let pos = outer.contentStart;
  for (let i = 0; i < count; i++) {
    const t = readTlv(der, pos);
    out.push(der.subarray(t.start, t.end));
    pos = t.end;
  }
  return out;
}

// ---------- reading ----------

export class Asn1ShapeError extends Error {}

function describe(tagClass: number, type: number): string {
  if (tagClass === CLASS_CONTEXT) return `[${type}]`;
  const name = Object.entries(TAG).find(([, v]) => v === type)?.[0];
  return name ?? `tag ${type}`;
}

/** Asserts a universal/context tag and returns the node. */
export function expectTag(
  node: Asn1 | undefined,
  type: number,
  what: string,
  tagClass = CLASS_UNIVERSAL,
): Asn1 {
  if (!node) throw new Asn1ShapeError(`${what}: missing`);
  if (node.tagClass !== tagClass || node.type !== type) {
    throw new Asn1ShapeError(
      `${what}: expected ${describe(tagClass, type)}, found ${describe(node.tagClass, node.type)}`,
    );
  }
  return node;
}

export function children(node: Asn1 | undefined, what: string, type: number = TAG.SEQUENCE): Asn1[] {
  const n = expectTag(node, type, what);
  if (!Array.isArray(n.value)) throw new Asn1ShapeError(`${what}: not constructed`);
  return n.value;
}

export function primitiveBytes(node: Asn1, what: string): string {
  if (typeof node.value !== 'string') throw new Asn1ShapeError(`${what}: expected a primitive value`);
  return node.value;
}

export function readOid(node: Asn1 | undefined, what: string): string {
  const bytes = primitiveBytes(expectTag(node, TAG.OID, what), what);
  try {
    return asn1.derToOid(bytes);
  } catch {
    throw new Asn1ShapeError(`${what}: not a valid object identifier`);
  }
}

/** INTEGER as lowercase hex of its magnitude (sign byte and leading zeros removed). */
export function readIntegerHex(node: Asn1 | undefined, what: string): string {
  const raw = buf(primitiveBytes(expectTag(node, TAG.INTEGER, what), what));
  return normaliseHex(raw.toString('hex'));
}

export function readSmallInteger(node: Asn1 | undefined, what: string): number {
  const hex = readIntegerHex(node, what);
  const n = Number.parseInt(hex, 16);
  if (!Number.isSafeInteger(n)) throw new Asn1ShapeError(`${what}: integer too large`);
  return n;
}

export function readBoolean(node: Asn1 | undefined, what: string): boolean {
  const b = primitiveBytes(expectTag(node, TAG.BOOLEAN, what), what);
  return b.length === 1 && b.charCodeAt(0) !== 0;
}

export function readOctets(node: Asn1 | undefined, what: string): Buffer {
  return buf(primitiveBytes(expectTag(node, TAG.OCTETSTRING, what), what));
}

/** BIT STRING contents: { unusedBits, bytes }. */
export function readBitString(node: Asn1 | undefined, what: string): { unusedBits: number; bytes: Buffer } {
  const raw = primitiveBytes(expectTag(node, TAG.BITSTRING, what), what);
  if (raw.length === 0) throw new Asn1ShapeError(`${what}: empty BIT STRING`);
  return { unusedBits: raw.charCodeAt(0), bytes: buf(raw.slice(1)) };
}

const UTC_RE = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GEN_RE = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;

/** UTCTime or GeneralizedTime in the RFC 5280 forms (Z, seconds). */
export function readTime(node: Asn1 | undefined, what: string): Date {
  if (!node) throw new Asn1ShapeError(`${what}: missing`);
  const s = typeof node.value === 'string' ? node.value : '';
  const universal = node.tagClass === CLASS_UNIVERSAL;
  const isUtc = universal && node.type === TAG.UTCTIME;
  const m = isUtc ? UTC_RE.exec(s) : universal && node.type === TAG.GENERALIZEDTIME ? GEN_RE.exec(s) : null;
  if (!m) throw new Asn1ShapeError(`${what}: expected UTCTime or GeneralizedTime (YYMMDDhhmmssZ)`);
  let year = Number(m[1]);
  if (isUtc) year += year >= 50 ? 1900 : 2000;
  const d = new Date(
    Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])),
  );
  if (Number.isNaN(d.getTime())) throw new Asn1ShapeError(`${what}: invalid date`);
  return d;
}

export function isTime(node: Asn1 | undefined): boolean {
  return (
    !!node &&
    node.tagClass === CLASS_UNIVERSAL &&
    (node.type === TAG.UTCTIME || node.type === TAG.GENERALIZEDTIME)
  );
}

/** Decodes the string types used in names and qcStatements. */
export function readString(node: Asn1 | undefined, what: string): string {
  if (!node || node.tagClass !== CLASS_UNIVERSAL || typeof node.value !== 'string') {
    throw new Asn1ShapeError(`${what}: expected a string`);
  }
  const v = node.value;
  switch (node.type as number) {
    case TAG.UTF8:
      return buf(v).toString('utf8');
    case TAG.PRINTABLE:
    case TAG.IA5:
    case TAG.NUMERIC:
    case TAG.VISIBLE:
    case TAG.T61:
      return buf(v).toString('latin1');
    case TAG.BMP:
      return v; // forge decodes BMPString itself
    case TAG.UNIVERSAL: {
      const b = buf(v);
      let out = '';
      for (let i = 0; i + 3 < b.length; i += 4) out += String.fromCodePoint(b.readUInt32BE(i));
      return out;
    }
    default:
      throw new Asn1ShapeError(`${what}: unsupported string type ${node.type}`);
  }
}

/** Lowercase, no leading zero bytes, even length ('00' for zero). */
export function normaliseHex(hex: string): string {
  const h = hex.toLowerCase().replace(/^0+/, '');
  if (h === '') return '00';
  return h.length % 2 ? `0${h}` : h;
}

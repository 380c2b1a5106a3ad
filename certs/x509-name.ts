/** X.501 Name encoding and decoding with forge ASN.1 structures. Internal to certs/. */
import {
  type Asn1,
  children,
  directoryString,
  ia5OrUtf8,
  isPrintableString,
  oid,
  printable,
  readOid,
  readString,
  seq,
  setOf,
  TAG,
  utf8,
} from './asn1.js';
import { attributeName } from './dn-names.js';
import type { DnAttribute } from './types.js';

const IA5_TYPES = new Set(['1.2.840.113549.1.9.1', '0.9.2342.19200300.100.1.25']);
const PRINTABLE_TYPES = new Set(['2.5.4.6', '2.5.4.5']);
// biome-ignore lint/suspicious/noControlCharactersInRegex: IA5 is 7-bit ASCII
const IA5_RE = /^[\x00-\x7f]*$/;

/**
 * The value encoding the CA uses: PrintableString whenever the value allows it (country, serial
 * number and organizationIdentifier included), IA5String for emailAddress/DC, otherwise UTF8String.
 */
export function encodeAttributeValue(attrOid: string, value: string): Asn1 {
  if (IA5_TYPES.has(attrOid)) return ia5OrUtf8(value);
  if (PRINTABLE_TYPES.has(attrOid)) return isPrintableString(value) ? printable(value) : utf8(value);
  return directoryString(value);
}

/** The universal tag {@link encodeAttributeValue} gives a value: PrintableString, IA5String or UTF8String. */
export function attributeValueTag(
  attrOid: string,
  value: string,
): typeof TAG.PRINTABLE | typeof TAG.IA5 | typeof TAG.UTF8 {
  if (IA5_TYPES.has(attrOid)) return IA5_RE.test(value) ? TAG.IA5 : TAG.UTF8;
  if (PRINTABLE_TYPES.has(attrOid)) return isPrintableString(value) ? TAG.PRINTABLE : TAG.UTF8;
  return isPrintableString(value) ? TAG.PRINTABLE : TAG.UTF8;
}

/** One attribute per RDN, in the given (ASN.1) order. */
export function encodeName(attrs: readonly { oid: string; value: string }[]): Asn1 {
  return seq(attrs.map((a) => setOf([seq([oid(a.oid), encodeAttributeValue(a.oid, a.value)])])));
}

/** Name → attributes in ASN.1 order; multi-valued RDNs are flattened. */
export function decodeName(node: Asn1 | undefined, what: string): DnAttribute[] {
  const out: DnAttribute[] = [];
  for (const rdn of children(node, what)) {
    for (const atv of children(rdn, `${what} RDN`, TAG.SET)) {
      const [typeNode, valueNode] = children(atv, `${what} attribute`);
      const attrOid = readOid(typeNode, `${what} attribute type`);
      out.push({
        oid: attrOid,
        name: attributeName(attrOid),
        value: readString(valueNode, `${what} ${attrOid}`),
      });
    }
  }
  return out;
}

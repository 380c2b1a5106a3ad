/**
 * Writing DER straight into Buffers, for structures built on a hot path (a TPP's CSRs): no
 * node-forge tree, no binary strings. Internal to certs/.
 */
import { TAG, wrapDer } from './asn1.js';
import { attributeValueTag } from './x509-name.js';

const SEQUENCE = 0x30;
const SET = 0x31;

export const derSequence = (parts: Buffer[]): Buffer => wrapDer(SEQUENCE, parts);

/** OBJECT IDENTIFIER from its dotted form (X.690 8.19: first two arcs in one, base-128 arcs). */
export function derOid(dotted: string): Buffer {
  const arcs = dotted.split('.').map((a) => (/^(0|[1-9][0-9]{0,14})$/.test(a) ? Number(a) : Number.NaN));
  if (arcs.length < 2 || arcs.some(Number.isNaN) || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39)) {
    throw new TypeError(`not an OID: ${dotted}`);
  }
  const bytes: number[] = [];
  for (const arc of [arcs[0] * 40 + arcs[1], ...arcs.slice(2)]) {
    const base128 = [arc % 128];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) base128.unshift((v % 128) | 0x80);
    bytes.push(...base128);
  }
  return wrapDer(TAG.OID, [Buffer.from(bytes)]);
}

/**
 * X.501 Name, one attribute per RDN in the given (ASN.1) order, each value encoded as
 * `encodeName` encodes it (PrintableString when the value allows it, IA5String for emailAddress
 * and DC, otherwise UTF8String): the same bytes, without a forge tree.
 */
export function derName(attrs: readonly { oid: string; value: string }[]): Buffer {
  return derSequence(
    attrs.map((a) => {
      const tag = attributeValueTag(a.oid, a.value);
      const value = Buffer.from(a.value, tag === TAG.UTF8 ? 'utf8' : 'latin1');
      return wrapDer(SET, [derSequence([derOid(a.oid), wrapDer(tag, [value])])]);
    }),
  );
}

/** BIT STRING with no unused bits. */
export const derBitString = (bytes: Buffer): Buffer => wrapDer(TAG.BITSTRING, [Buffer.from([0]), bytes]);

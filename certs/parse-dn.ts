import { fromDer, readString } from './asn1.js';
import { resolveAttributeType } from './dn-names.js';
import { DnParseError } from './errors.js';
import type { DnAttribute } from './types.js';

const MAX_DN_LENGTH = 4096;
const SPECIAL = '"+,;<>\\ #=';

/**
 * Parses an RFC 4514 DN string (e.g. a registration's `tls_client_auth_subject_dn`) into attributes
 * in ASN.1 order (reverse of the string). Accepts short names, `organizationIdentifier`, dotted OIDs
 * (also `OID.` prefixed), `#hex` values (DER, decoded), backslash escapes (`\,` and `\c3\a9`),
 * quoted values, and `;` as separator. Multi-valued RDNs (`+`) are flattened. Throws DnParseError.
 */
export function parseDn(dn: string): DnAttribute[] {
  if (typeof dn !== 'string') throw new DnParseError('DN must be a string');
  if (dn.length > MAX_DN_LENGTH) throw new DnParseError(`DN longer than ${MAX_DN_LENGTH} characters`);
  const out: DnAttribute[] = [];
  if (dn.trim() === '') return out;
  let i = 0;
  const skipSpaces = () => {
    while (dn[i] === ' ') i++;
  };
  for (;;) {
    skipSpaces();
    const eq = dn.indexOf('=', i);
    if (eq < 0) throw new DnParseError(`expected "type=value" at position ${i}`);
    const typeText = dn.slice(i, eq).trim();
    const type = resolveAttributeType(typeText);
    if (!type) throw new DnParseError(`unknown attribute type "${typeText}"`);
    i = eq + 1;
    skipSpaces();
    let value: string;
    if (dn[i] === '#') {
      const m = /^#([0-9a-fA-F]*)/.exec(dn.slice(i));
      const hex = m ? m[1] : '';
      if (hex.length === 0 || hex.length % 2 !== 0) throw new DnParseError(`bad hex value for ${typeText}`);
      i += 1 + hex.length;
      try {
        value = readString(fromDer(Buffer.from(hex, 'hex')), typeText);
      } catch (err) {
        throw new DnParseError(`hex value for ${typeText} is not a DER string: ${(err as Error).message}`);
      }
    } else if (dn[i] === '"') {
      i++;
      const bytes: number[] = [];
      while (i < dn.length && dn[i] !== '"') i = readChar(dn, i, bytes);
      if (dn[i] !== '"') throw new DnParseError(`unterminated quoted value for ${typeText}`);
      i++;
      value = decodeUtf8(bytes, typeText);
    } else {
      const bytes: number[] = [];
      let significant = 0;
      while (i < dn.length && !',+;'.includes(dn[i])) {
        const escaped = dn[i] === '\\';
        if (!escaped && (dn[i] === '"' || dn[i] === '<' || dn[i] === '>')) {
          throw new DnParseError(`character ${dn[i]} must be escaped in the value of ${typeText}`);
        }
        const space = dn[i] === ' ';
        i = readChar(dn, i, bytes);
        if (escaped || !space) significant = bytes.length;
      }
      value = decodeUtf8(bytes.slice(0, significant), typeText);
    }
    out.push({ oid: type.oid, name: type.name, value });
    skipSpaces();
    if (i >= dn.length) break;
    if (!',+;'.includes(dn[i])) throw new DnParseError(`unexpected "${dn[i]}" at position ${i}`);
    i++;
  }
  return out.reverse();
}

/** Reads one (possibly escaped) character at i into bytes; returns the next index. */
function readChar(dn: string, i: number, bytes: number[]): number {
  if (dn[i] !== '\\') {
    const cp = dn.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    bytes.push(...Buffer.from(ch, 'utf8'));
    return i + ch.length;
  }
  const next = dn[i + 1];
  if (next === undefined) throw new DnParseError('DN ends with a backslash');
  if (SPECIAL.includes(next)) {
    bytes.push(next.charCodeAt(0));
    return i + 2;
  }
  const hex = dn.slice(i + 1, i + 3);
  if (/^[0-9a-fA-F]{2}$/.test(hex)) {
    bytes.push(Number.parseInt(hex, 16));
    return i + 3;
  }
  throw new DnParseError(`invalid escape "\\${next}" at position ${i}`);
}

function decodeUtf8(bytes: number[], what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    throw new DnParseError(`value of ${what} is not valid UTF-8`);
  }
}

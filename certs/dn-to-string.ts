import { toDer } from './asn1.js';
import { attributeName, OID_ORGANIZATION_IDENTIFIER } from './dn-names.js';
import type { DnAttribute } from './types.js';
import { encodeAttributeValue } from './x509-name.js';

export interface DnToStringOptions {
  /**
   * How organizationIdentifier (2.5.4.97) is rendered:
   * 'name' (default) `organizationIdentifier=PSDGB-…`, 'oid' `2.5.4.97=PSDGB-…`,
   * 'hex' `2.5.4.97=#13…` (the DER PrintableString, or UTF8String when not printable).
   */
  oiForm?: 'name' | 'oid' | 'hex';
}

/**
 * RFC 4514 string of a DN given in ASN.1 order: most specific attribute first
 * (e.g. `CN=…,organizationIdentifier=…,O=…,C=GB`), values escaped.
 */
export function dnToString(attrs: readonly DnAttribute[], opts: DnToStringOptions = {}): string {
  const oiForm = opts.oiForm ?? 'name';
  return [...attrs]
    .reverse()
    .map((a) => {
      if (a.oid === OID_ORGANIZATION_IDENTIFIER && oiForm !== 'name') {
        const value =
          oiForm === 'hex'
            ? `#${toDer(encodeAttributeValue(a.oid, a.value)).toString('hex')}`
            : escapeValue(a.value);
        return `${a.oid}=${value}`;
      }
      return `${attributeName(a.oid)}=${escapeValue(a.value)}`;
    })
    .join(',');
}

/** RFC 4514 section 2.4 escaping. */
function escapeValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    const code = c.charCodeAt(0);
    if ('"+,;<>\\'.includes(c)) out += `\\${c}`;
    else if ((c === ' ' || c === '#') && i === 0) out += `\\${c}`;
    else if (c === ' ' && i === value.length - 1) out += '\\ ';
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return out;
}

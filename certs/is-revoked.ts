import { normaliseHex } from './asn1.js';
import type { ParsedCrl } from './types.js';

/** Whether the CRL lists `serialHex` (any case, with or without leading zero bytes). */
export function isRevoked(crl: ParsedCrl, serialHex: string): boolean {
  const serial = normaliseHex(serialHex);
  return crl.serials.includes(serial);
}

import { normaliseHex } from './asn1.js';
import type { ParsedCrl } from './types.js';

/** Revocation date by serial, built once per parsed CRL (a big CRL is looked up on every call). */
const lookups = new WeakMap<ParsedCrl, Map<string, Date | null>>();

function lookup(crl: ParsedCrl): Map<string, Date | null> {
  let byserial = lookups.get(crl);
  if (!byserial) {
    byserial = new Map();
    for (const r of crl.revoked) if (!byserial.has(r.serialHex)) byserial.set(r.serialHex, r.revokedAt);
    for (const s of crl.serials) if (!byserial.has(s)) byserial.set(s, null);
    lookups.set(crl, byserial);
  }
  return byserial;
}

/** Whether the CRL lists `serialHex` (any case, with or without leading zero bytes). */
export function isRevoked(crl: ParsedCrl, serialHex: string): boolean {
  return lookup(crl).has(normaliseHex(serialHex));
}

/** When the CRL says `serialHex` was revoked, or undefined when it does not list it. */
export function revocationDate(crl: ParsedCrl, serialHex: string): Date | undefined {
  return lookup(crl).get(normaliseHex(serialHex)) ?? undefined;
}

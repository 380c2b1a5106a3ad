import type { DnAttribute } from './types.js';

/**
 * Whether two DNs (ASN.1 order, e.g. from parseDn and parseCertificate) name the same subject:
 * same attribute types in the same order, values equal ignoring case and surrounding whitespace.
 */
export function dnEquals(a: readonly DnAttribute[], b: readonly DnAttribute[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => x.oid === b[i].oid && normalise(x.value) === normalise(b[i].value));
}

function normalise(v: string): string {
  return v.normalize('NFC').trim().toLowerCase();
}

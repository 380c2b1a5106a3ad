import {
  type Asn1,
  explicit,
  normaliseHex,
  seq,
  smallInteger,
  TAG,
  time,
  timeDer,
  toDer,
  unsignedIntegerDer,
  wrapDer,
} from './asn1.js';
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
  const nowMs = Math.floor((opts.now ?? new Date()).getTime() / 1000) * 1000;
  const days = opts.nextUpdateDays ?? 7;
  if (!(days > 0) || !Number.isFinite(days))
    throw new RangeError(`nextUpdateDays must be positive, got ${days}`);
  const seen = new Set<string>();
  const entries: Buffer[] = [];
  for (const r of revoked) {
    if (!/^[0-9a-fA-F]+$/.test(r.serialHex)) throw new TypeError(`serialHex "${r.serialHex}" is not hex`);
    const serial = normaliseHex(r.serialHex);
    if (seen.has(serial)) continue;
    seen.add(serial);
    entries.push(wrapDer(SEQUENCE, [unsignedIntegerDer(Buffer.from(serial, 'hex')), timeDer(r.revokedAt)]));
  }
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
  if (entries.length > 0) fields.push(wrapDer(SEQUENCE, entries));
  fields.push(toDer(extensions));
  const tbsDer = wrapDer(SEQUENCE, fields);
  const der = signSha256(tbsDer, ca.issuingKey);
  return { der, pem: toPem(der, 'X509 CRL') };
}

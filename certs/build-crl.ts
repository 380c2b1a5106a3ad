import {
  type Asn1,
  explicit,
  normaliseHex,
  seq,
  smallInteger,
  time,
  toDer,
  unsignedInteger,
} from './asn1.js';
import { OID } from './oids.js';
import { toPem } from './pem.js';
import { signatureAlgorithmFor, signSha256 } from './sign.js';
import type { CertificateAuthority, RevokedEntry } from './types.js';
import { authorityKeyIdExt, extension } from './x509-build.js';

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
  const entries = [];
  for (const r of revoked) {
    if (!/^[0-9a-fA-F]+$/.test(r.serialHex)) throw new TypeError(`serialHex "${r.serialHex}" is not hex`);
    const serial = normaliseHex(r.serialHex);
    if (seen.has(serial)) continue;
    seen.add(serial);
    entries.push(seq([unsignedInteger(Buffer.from(serial, 'hex')), time(r.revokedAt)]));
  }
  const fields = [
    smallInteger(1), // v2
    signatureAlgorithmFor(ca.issuingKey),
    ca.issuer.name as unknown as Asn1,
    time(new Date(nowMs)),
    time(new Date(nowMs + Math.round(days * 86_400_000))),
  ];
  if (entries.length > 0) fields.push(seq(entries));
  fields.push(
    explicit(
      0,
      seq([
        extension(OID.crlNumber, false, smallInteger(opts.crlNumber)),
        authorityKeyIdExt(ca.issuer.keyId),
      ]),
    ),
  );
  const der = signSha256(toDer(seq(fields)), ca.issuingKey);
  return { der, pem: toPem(der, 'X509 CRL') };
}

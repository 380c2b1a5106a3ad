import { type KeyObject, sign } from 'node:crypto';
import { oid, seq, setOf, toDer, wrapDer } from './asn1.js';
import { derBitString, derName, derSequence } from './der-write.js';
import { resolveAttributeType } from './dn-names.js';
import { ipToBytes, isDnsName } from './ip-and-dns.js';
import { OID } from './oids.js';
import { toPem } from './pem.js';
import { ecdsaWithSha256Algorithm, sha256WithRsaAlgorithm } from './sign.js';
import { spkiDerOf } from './spki-cache.js';
import type { KeyPair } from './types.js';
import { subjectAltNameExt } from './x509-build.js';

export interface CreateCsrOptions {
  /** RSA (signed sha256WithRSAEncryption) or EC P-256 (ecdsa-with-SHA256). */
  key: Pick<KeyPair, 'privateKey' | 'publicKey'>;
  /** In ASN.1 order, e.g. C, O, OU, CN. Names: C, ST, L, O, OU, CN, organizationIdentifier, or OIDs. Empty values are left out. */
  subject: { name: string; value: string }[];
  sanDns?: string[];
  sanIps?: string[];
}

const VERSION_1 = Buffer.from([0x02, 0x01, 0x00]); // INTEGER 0
const RSA_ALGORITHM = toDer(sha256WithRsaAlgorithm());
const ECDSA_ALGORITHM = toDer(ecdsaWithSha256Algorithm());
const NO_ATTRIBUTES = Buffer.from([0xa0, 0x00]); // [0] IMPLICIT SET OF Attribute, empty

/**
 * A PEM PKCS#10 request (RFC 2986), its DER written directly (the subject public key copied as
 * the key exports it) and signed with node:crypto. Subject values are encoded as the CA encodes
 * them (PrintableString when the value allows it, else UTF8String; IA5String for emailAddress).
 */
export function createCsr(opts: CreateCsrOptions): string {
  const attrs = opts.subject
    .filter((a) => a.value !== '')
    .map((a) => {
      const type = resolveAttributeType(a.name);
      if (!type) throw new TypeError(`unknown subject attribute "${a.name}"`);
      return { oid: type.oid, value: a.value };
    });
  const dns = opts.sanDns ?? [];
  const ips = (opts.sanIps ?? []).map((ip) => {
    const b = ipToBytes(ip);
    if (!b) throw new TypeError(`"${ip}" is not an IP address`);
    return b;
  });
  const badDns = dns.find((d) => !isDnsName(d));
  if (badDns !== undefined) throw new TypeError(`"${badDns}" is not a valid DNS name`);

  // The subjectAltName request (organisation and server CSRs only) is built with forge's tree.
  const attributes =
    dns.length > 0 || ips.length > 0
      ? wrapDer(0xa0, [toDer(seq([oid(OID.extensionRequest), setOf([seq([subjectAltNameExt(dns, ips)])])]))])
      : NO_ATTRIBUTES;
  const cri = derSequence([VERSION_1, derName(attrs), spkiDerOf(opts.key.publicKey), attributes]);
  const { algorithm, signature } = signRequest(cri, opts.key.privateKey);
  return toPem(derSequence([cri, algorithm, derBitString(signature)]), 'CERTIFICATE REQUEST');
}

function signRequest(data: Buffer, key: KeyObject): { algorithm: Buffer; signature: Buffer } {
  if (key.asymmetricKeyType === 'rsa')
    return { algorithm: RSA_ALGORITHM, signature: sign('sha256', data, key) };
  if (key.asymmetricKeyType === 'ec') {
    return { algorithm: ECDSA_ALGORITHM, signature: sign('sha256', data, key) };
  }
  throw new TypeError(`cannot sign a CSR with a ${key.asymmetricKeyType} key`);
}

import { type KeyObject, sign } from 'node:crypto';
import {
  type Asn1,
  bitString,
  implicitConstructed,
  oid,
  seq,
  setOf,
  smallInteger,
  toDer,
  wrapDer,
} from './asn1.js';
import { resolveAttributeType } from './dn-names.js';
import { ipToBytes, isDnsName } from './ip-and-dns.js';
import { OID } from './oids.js';
import { toPem } from './pem.js';
import { sha256WithRsaAlgorithm } from './sign.js';
import type { KeyPair } from './types.js';
import { subjectAltNameExt, subjectPublicKey } from './x509-build.js';
import { encodeName } from './x509-name.js';

export interface CreateCsrOptions {
  /** RSA (signed sha256WithRSAEncryption) or EC P-256 (ecdsa-with-SHA256). */
  key: Pick<KeyPair, 'privateKey' | 'publicKey'>;
  /** In ASN.1 order, e.g. C, O, OU, CN. Names: C, ST, L, O, OU, CN, organizationIdentifier, or OIDs. Empty values are left out. */
  subject: { name: string; value: string }[];
  sanDns?: string[];
  sanIps?: string[];
}

/** A PEM PKCS#10 request built with forge structures and signed with node:crypto. */
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

  const attributes: Asn1[] = [];
  if (dns.length > 0 || ips.length > 0) {
    attributes.push(seq([oid(OID.extensionRequest), setOf([seq([subjectAltNameExt(dns, ips)])])]));
  }
  const cri = toDer(
    seq([
      smallInteger(0),
      encodeName(attrs),
      subjectPublicKey(opts.key.publicKey).node,
      implicitConstructed(0, attributes),
    ]),
  );
  const { algorithm, signature } = signRequest(cri, opts.key.privateKey);
  return toPem(wrapDer(0x30, [cri, toDer(algorithm), toDer(bitString(signature))]), 'CERTIFICATE REQUEST');
}

function signRequest(data: Buffer, key: KeyObject): { algorithm: Asn1; signature: Buffer } {
  if (key.asymmetricKeyType === 'rsa') {
    return { algorithm: sha256WithRsaAlgorithm(), signature: sign('sha256', data, key) };
  }
  if (key.asymmetricKeyType === 'ec') {
    return { algorithm: seq([oid(OID.ecdsaWithSha256)]), signature: sign('sha256', data, key) };
  }
  throw new TypeError(`cannot sign a CSR with a ${key.asymmetricKeyType} key`);
}

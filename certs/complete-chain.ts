import { createPublicKey, type KeyObject } from 'node:crypto';
import { fromDer, rawChildren, readBitString } from './asn1.js';
import { certificateNames } from './certificate-names.js';
import { pemBlocks, toPem } from './pem.js';
import { verifySignature } from './verify-signature.js';
import { certificateStructure } from './x509-parse.js';

const MAX_CHAIN = 5;
/** CA public keys by the CA certificate's DER (a TPP's bundle is the same for all its identities); bounded. */
const caKeys = new Map<string, KeyObject>();
const MAX_CA_KEYS = 64;

/**
 * A client certificate's chain as a TLS client should present it: the leaf (`certPem`, one
 * certificate) followed by the certificates of `trusted` that issued it — each found by its
 * subject Name (the exact DER of the issuer Name above it) and checked to have signed the
 * certificate below — up to but not including a self-signed root, which the server must already
 * hold (RFC 8446 §4.4.2 and RFC 5246 §7.4.2: it may be omitted).
 *
 * Given only a leaf, OpenSSL builds this chain itself on every handshake from the context's
 * trusted certificates: it verifies the client's own chain each time and sends the root too,
 * which the server then decodes. `certPem` is returned unchanged when it already holds more than
 * one certificate, when no issuer is found, or when anything does not parse (OpenSSL then does
 * what it did before).
 */
export function completeChain(certPem: string, trusted: readonly string[]): string {
  try {
    const own = pemBlocks(certPem, false).filter((b) => b.label === 'CERTIFICATE');
    if (own.length !== 1) return certPem;
    const cas = trusted.flatMap((text) =>
      pemBlocks(text, false)
        .filter((b) => b.label === 'CERTIFICATE')
        .map((b) => ({ der: b.der, ...certificateNames(b.der) })),
    );
    const chain: Buffer[] = [];
    let current = own[0].der;
    let issuer = certificateNames(current).issuer;
    while (chain.length < MAX_CHAIN) {
      const ca = cas.find((c) => c.subject.equals(issuer) && signedBy(current, c.der));
      if (!ca || ca.issuer.equals(ca.subject) || chain.some((d) => d.equals(ca.der))) break;
      chain.push(ca.der);
      current = ca.der;
      issuer = ca.issuer;
    }
    if (chain.length === 0) return certPem;
    return `${certPem.trimEnd()}\n${chain.map((der) => toPem(der, 'CERTIFICATE')).join('')}`;
  } catch {
    return certPem;
  }
}

/** Whether the certificate `der` carries a valid signature of the CA certificate `caDer`'s key. */
function signedBy(der: Buffer, caDer: Buffer): boolean {
  const [tbs, algorithm, signature] = rawChildren(der, 3);
  try {
    return verifySignature(
      fromDer(algorithm),
      tbs,
      readBitString(fromDer(signature), 'signature').bytes,
      caKey(caDer),
    );
  } catch {
    return false;
  }
}

function caKey(caDer: Buffer): KeyObject {
  const id = caDer.toString('base64');
  let key = caKeys.get(id);
  if (!key) {
    key = createPublicKey({ key: certificateStructure(caDer).spkiDer, format: 'der', type: 'spki' });
    if (caKeys.size >= MAX_CA_KEYS) caKeys.delete(caKeys.keys().next().value as string);
    caKeys.set(id, key);
  }
  return key;
}

import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  type Asn1,
  Asn1ShapeError,
  CLASS_CONTEXT,
  children,
  fromDer,
  rawChildren,
  readBitString,
  readOctets,
  readOid,
  readSmallInteger,
  TAG,
} from './asn1.js';
import { CsrError } from './errors.js';
import { isDnsName } from './ip-and-dns.js';
import { OID } from './oids.js';
import { pemBlocks } from './pem.js';
import { rememberSpkiDer } from './spki-cache.js';
import type { ParsedCsr } from './types.js';
import {
  signatureAlgorithmName,
  UnsupportedSignatureAlgorithm,
  verifySignature,
} from './verify-signature.js';
import { decodeName } from './x509-name.js';
import { readSubjectAltNames } from './x509-parse.js';

/** Largest PEM accepted (bytes). A 4096-bit RSA CSR with many SANs is well under 8 KiB. */
export const MAX_CSR_PEM_BYTES = 64 * 1024;
const CSR_LABELS = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);
const EXPECTED = 'expected one PEM block "-----BEGIN CERTIFICATE REQUEST-----"';

/**
 * Parses and checks one PEM PKCS#10 request: structure, public key (RSA 2048–8192 bits or EC P-256)
 * and self-signature (node:crypto). Throws CsrError naming the field ('pem', 'publicKey',
 * 'signature', 'subjectAltName').
 */
export function parseCsr(pem: string): ParsedCsr {
  if (typeof pem !== 'string') throw new CsrError('pem', `expected a PEM string, got ${typeof pem}`);
  const size = Buffer.byteLength(pem, 'utf8');
  if (size > MAX_CSR_PEM_BYTES) {
    throw new CsrError('pem', `input is ${size} bytes, larger than the ${MAX_CSR_PEM_BYTES} bytes accepted`);
  }
  let blocks: ReturnType<typeof pemBlocks>;
  try {
    blocks = pemBlocks(pem, true);
  } catch (err) {
    throw new CsrError('pem', `${(err as Error).message}; ${EXPECTED}`);
  }
  if (blocks.length === 0) throw new CsrError('pem', `no PEM block found; ${EXPECTED}`);
  if (blocks.length > 1) throw new CsrError('pem', `found ${blocks.length} PEM blocks; ${EXPECTED}`);
  const { label, der } = blocks[0];
  if (!CSR_LABELS.has(label)) throw new CsrError('pem', `found a "${label}" block; ${EXPECTED}`);

  const s = csrStructure(der);
  const { publicKey, keyType, keyBits } = checkPublicKey(s.spkiDer);

  let valid: boolean;
  try {
    valid = verifySignature(s.signatureAlgorithm, s.criDer, s.signature, publicKey);
  } catch (err) {
    if (err instanceof UnsupportedSignatureAlgorithm) throw new CsrError('signature', err.message);
    valid = false;
  }
  if (!valid) {
    throw new CsrError(
      'signature',
      'the self-signature does not verify with the public key in the request (was the CSR modified after signing?)',
    );
  }

  const badDns = s.sanDns.find((d) => !isDnsName(d));
  if (badDns !== undefined) throw new CsrError('subjectAltName', `"${badDns}" is not a valid DNS name`);
  if (s.badIps > 0) throw new CsrError('subjectAltName', 'an IP address entry is not 4 or 16 bytes long');

  return {
    der,
    subject: s.subject,
    publicKey,
    keyType,
    keyBits,
    sanDns: s.sanDns,
    sanIps: s.sanIps,
    signatureAlgorithm: signatureAlgorithmName(s.signatureAlgorithmOid),
  };
}

interface CsrStructure {
  criDer: Buffer;
  subject: ParsedCsr['subject'];
  spkiDer: Buffer;
  sanDns: string[];
  sanIps: string[];
  badIps: number;
  signatureAlgorithm: Asn1;
  signatureAlgorithmOid: string;
  signature: Buffer;
}

function csrStructure(der: Buffer): CsrStructure {
  try {
    const parts = children(fromDer(der), 'CertificationRequest');
    if (parts.length !== 3) throw new Asn1ShapeError('CertificationRequest: expected 3 elements');
    const [cri, sigAlg, sigValue] = parts;
    const [criDer] = rawChildren(der, 1);
    const fields = children(cri, 'CertificationRequestInfo');
    const version = readSmallInteger(fields[0], 'version');
    if (version !== 0) throw new Asn1ShapeError(`version: expected 0 (v1), found ${version}`);
    const subject = decodeName(fields[1], 'subject');
    const [, , spkiDer] = rawChildren(criDer, 3);
    children(fields[2], 'subjectPKInfo');
    const attrs = fields[3];
    if (!attrs || attrs.tagClass !== CLASS_CONTEXT || attrs.type !== 0 || !Array.isArray(attrs.value)) {
      throw new Asn1ShapeError('attributes: expected [0]');
    }
    const sans = { dns: [] as string[], ips: [] as string[], badIps: 0 };
    for (const attr of attrs.value) {
      const [typeNode, values] = children(attr, 'attribute');
      const type = readOid(typeNode, 'attribute type');
      if (type !== OID.extensionRequest && type !== OID.msExtensionRequest) continue;
      for (const exts of children(values, 'extensionRequest', TAG.SET)) {
        for (const ext of children(exts, 'extensions')) {
          const e = children(ext, 'extension');
          if (readOid(e[0], 'extnID') !== OID.subjectAltName) continue;
          const found = readSubjectAltNames(readOctets(e[e.length - 1], 'subjectAltName'));
          sans.dns.push(...found.dns);
          sans.ips.push(...found.ips);
          sans.badIps += found.badIps;
        }
      }
    }
    const sig = readBitString(sigValue, 'signature');
    if (sig.unusedBits !== 0) throw new Asn1ShapeError('signature: BIT STRING with unused bits');
    return {
      criDer,
      subject,
      spkiDer,
      sanDns: sans.dns,
      sanIps: sans.ips,
      badIps: sans.badIps,
      signatureAlgorithm: sigAlg,
      signatureAlgorithmOid: readOid(children(sigAlg, 'signatureAlgorithm')[0], 'signatureAlgorithm'),
      signature: sig.bytes,
    };
  } catch (err) {
    // Only our own readers' messages are quoted: anything else would speak of a library's internals.
    const why = err instanceof Asn1ShapeError ? err.message : 'its structure cannot be read';
    throw new CsrError('pem', `not a valid PKCS#10 certificate request: ${why}`);
  }
}

/** DER tag-length-value at `at`: where the value starts and where the element ends. */
function tlv(buf: Buffer, at: number): { tag: number; start: number; end: number } {
  const tag = buf[at];
  let len = buf[at + 1];
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 3) throw new RangeError('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i];
    start += n;
  }
  const end = start + len;
  if (end > buf.length) throw new RangeError('DER element overruns its buffer');
  return { tag, start, end };
}

const RSA_ENCRYPTION_ALG = Buffer.from('300d06092a864886f70d0101010500', 'hex');

/**
 * For plain rsaEncryption keys, the PKCS#1 RSAPublicKey inside the SPKI: OpenSSL 3 imports
 * that ~30× faster than the SPKI wrapper. Anything else (EC, RSA-PSS, odd encodings): undefined.
 */
function pkcs1FromSpki(spkiDer: Buffer): Buffer | undefined {
  try {
    const outer = tlv(spkiDer, 0);
    if (outer.tag !== 0x30) return undefined;
    const alg = tlv(spkiDer, outer.start);
    if (!spkiDer.subarray(outer.start, alg.end).equals(RSA_ENCRYPTION_ALG)) return undefined;
    const bits = tlv(spkiDer, alg.end);
    if (bits.tag !== 0x03 || spkiDer[bits.start] !== 0 || bits.end !== outer.end) return undefined;
    return spkiDer.subarray(bits.start + 1, bits.end);
  } catch {
    return undefined;
  }
}

function checkPublicKey(spkiDer: Buffer): { publicKey: KeyObject; keyType: 'RSA' | 'EC'; keyBits: number } {
  let publicKey: KeyObject;
  try {
    const pkcs1 = pkcs1FromSpki(spkiDer);
    publicKey = pkcs1
      ? createPublicKey({ key: pkcs1, format: 'der', type: 'pkcs1' })
      : createPublicKey({ key: spkiDer, format: 'der', type: 'spki' });
    rememberSpkiDer(publicKey, Buffer.from(spkiDer));
  } catch {
    throw new CsrError(
      'publicKey',
      'the public key cannot be read (expected an RSA or EC P-256 SubjectPublicKeyInfo)',
    );
  }
  const type = publicKey.asymmetricKeyType;
  const details = publicKey.asymmetricKeyDetails ?? {};
  if (type === 'rsa' || type === 'rsa-pss') {
    const bits = details.modulusLength ?? 0;
    if (bits < 2048)
      throw new CsrError('publicKey', `RSA key is ${bits} bits; at least 2048 bits are required`);
    if (bits > 8192)
      throw new CsrError('publicKey', `RSA key is ${bits} bits; at most 8192 bits are accepted`);
    return { publicKey, keyType: 'RSA', keyBits: bits };
  }
  if (type === 'ec') {
    if (details.namedCurve !== 'prime256v1') {
      throw new CsrError(
        'publicKey',
        `EC curve ${details.namedCurve} is not accepted; use RSA 2048 (or P-256)`,
      );
    }
    return { publicKey, keyType: 'EC', keyBits: 256 };
  }
  throw new CsrError('publicKey', `${type} keys are not accepted; use RSA 2048`);
}

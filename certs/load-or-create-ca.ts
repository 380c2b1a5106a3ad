import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fromDer, readOctets } from './asn1.js';
import { generateEcKeyPair } from './generate-ec-key-pair.js';
import { generateRsaKeyPair } from './generate-rsa-key-pair.js';
import { OID } from './oids.js';
import { toPem } from './pem.js';
import { signatureAlgorithmFor, signSha256 } from './sign.js';
import type { CertificateAuthority, DnAttribute, EncodedName, IssuerCache } from './types.js';
import {
  authorityKeyIdExt,
  basicConstraintsExt,
  keyIdOfSpki,
  keyUsageExt,
  randomSerial,
  subjectKeyIdExt,
  subjectPublicKey,
  tbsCertificateDer,
} from './x509-build.js';
import { decodeName, encodeName } from './x509-name.js';
import { certificateStructure } from './x509-parse.js';

export interface LoadOrCreateCaOptions {
  /** Put in the CRL distribution point of every issued certificate; may differ between runs. */
  crlUrl: string;
  /** OCSP responder URL put in every issued certificate's Authority Information Access. */
  ocspUrl?: string;
  /** Issuing CA certificate URL (AIA caIssuers). */
  caIssuersUrl?: string;
  /** Clock for a newly created CA. */
  now?: Date;
  /** Root CA key size for a newly created CA: 3072 (default) or 2048/4096. The issuing CA is always 2048. */
  rootKeyBits?: 2048 | 3072 | 4096;
  /**
   * Keys of a newly created CA: RSA (default, as OB's CAs) or EC P-256 for both root and issuing
   * CA, signing ecdsa-with-SHA256 (a CA made only to be distrusted costs no RSA key generation).
   * An EC CA issues certificates and CRLs; it has no OCSP responder.
   */
  keyType?: 'rsa' | 'ec';
}

export const CA_FILES = {
  rootCert: 'root.pem',
  issuingCert: 'issuing.pem',
  bundle: 'bundle.pem',
  rootKey: 'root.key.pem',
  issuingKey: 'issuing.key.pem',
} as const;

const ROOT_SUBJECT = [
  { oid: '2.5.4.6', value: 'GB' },
  { oid: '2.5.4.10', value: 'obmock' },
  { oid: '2.5.4.3', value: 'obmock Root CA' },
];
const ISSUING_SUBJECT = [
  { oid: '2.5.4.6', value: 'GB' },
  { oid: '2.5.4.10', value: 'obmock' },
  { oid: '2.5.4.3', value: 'obmock Issuing CA' },
];

const inFlight = new Map<string, Promise<CertificateAuthority>>();

/**
 * Loads the CA from `dir`, or creates it there on first use: a self-signed root (20 years) and an
 * issuing CA (10 years, pathLen 0). Certificates are written mode 0644, private keys mode 0600.
 * Later calls load the same files, so certificates issued earlier stay valid across restarts.
 * A directory holding only some of the CA files is an error (nothing is overwritten).
 */
export function loadOrCreateCa(dir: string, opts: LoadOrCreateCaOptions): Promise<CertificateAuthority> {
  const key = resolve(dir);
  let p = inFlight.get(key);
  if (!p) {
    p = loadOrCreate(key, opts).finally(() => inFlight.delete(key));
    inFlight.set(key, p);
  }
  return p.then((ca) => ({
    ...ca,
    crlUrl: opts.crlUrl,
    ...(opts.ocspUrl ? { ocspUrl: opts.ocspUrl } : {}),
    ...(opts.caIssuersUrl ? { caIssuersUrl: opts.caIssuersUrl } : {}),
  }));
}

async function loadOrCreate(dir: string, opts: LoadOrCreateCaOptions): Promise<CertificateAuthority> {
  await mkdir(dir, { recursive: true });
  const names = Object.values(CA_FILES);
  const present = await Promise.all(names.map((n) => exists(join(dir, n))));
  if (present.every(Boolean)) return load(dir, opts.crlUrl);
  if (present.some(Boolean)) {
    const missing = names.filter((_, i) => !present[i]);
    throw new Error(
      `incomplete CA in ${dir}: missing ${missing.join(', ')}; restore the files or delete the directory to create a new CA`,
    );
  }
  await create(dir, opts);
  return load(dir, opts.crlUrl);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

async function create(dir: string, opts: LoadOrCreateCaOptions): Promise<void> {
  const [root, issuing] = await Promise.all(
    opts.keyType === 'ec'
      ? [generateEcKeyPair(), generateEcKeyPair()]
      : [generateRsaKeyPair(opts.rootKeyBits ?? 3072), generateRsaKeyPair(2048)],
  );
  const signatureAlgorithm = signatureAlgorithmFor(root.privateKey);
  const now = opts.now ?? new Date();
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000 - 5 * 60_000);

  const rootSpki = subjectPublicKey(root.publicKey);
  const rootName = encodeName(ROOT_SUBJECT);
  const rootDer = signSha256(
    tbsCertificateDer({
      signatureAlgorithm,
      serial: randomSerial(),
      issuer: rootName,
      notBefore,
      notAfter: addYears(notBefore, 20),
      subject: encodeName(ROOT_SUBJECT),
      spki: rootSpki.node,
      extensions: [
        basicConstraintsExt(true),
        keyUsageExt(['keyCertSign', 'cRLSign']),
        subjectKeyIdExt(rootSpki.keyId),
      ],
    }),
    root.privateKey,
  );

  const issuingSpki = subjectPublicKey(issuing.publicKey);
  const issuingDer = signSha256(
    tbsCertificateDer({
      signatureAlgorithm,
      serial: randomSerial(),
      issuer: encodeName(ROOT_SUBJECT),
      notBefore,
      notAfter: addYears(notBefore, 10),
      subject: encodeName(ISSUING_SUBJECT),
      spki: issuingSpki.node,
      extensions: [
        basicConstraintsExt(true, 0),
        keyUsageExt(['keyCertSign', 'cRLSign']),
        subjectKeyIdExt(issuingSpki.keyId),
        authorityKeyIdExt(rootSpki.keyId),
      ],
    }),
    root.privateKey,
  );

  const rootPem = toPem(rootDer, 'CERTIFICATE');
  const issuingPem = toPem(issuingDer, 'CERTIFICATE');
  // Keys first, bundle last: the bundle's presence marks a complete CA.
  await writeAtomically(join(dir, CA_FILES.rootKey), root.privateKeyPem, 0o600);
  await writeAtomically(join(dir, CA_FILES.issuingKey), issuing.privateKeyPem, 0o600);
  await writeAtomically(join(dir, CA_FILES.rootCert), rootPem, 0o644);
  await writeAtomically(join(dir, CA_FILES.issuingCert), issuingPem, 0o644);
  await writeAtomically(join(dir, CA_FILES.bundle), issuingPem + rootPem, 0o644);
}

function addYears(d: Date, years: number): Date {
  const out = new Date(d.getTime());
  out.setUTCFullYear(out.getUTCFullYear() + years);
  return out;
}

async function writeAtomically(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data, { mode, flag: 'wx' });
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

async function load(dir: string, crlUrl: string): Promise<CertificateAuthority> {
  const [rootCertPem, issuingCertPem, bundlePem, issuingKeyPem] = await Promise.all(
    [CA_FILES.rootCert, CA_FILES.issuingCert, CA_FILES.bundle, CA_FILES.issuingKey].map((n) =>
      readFile(join(dir, n), 'utf8'),
    ),
  );
  const root = new X509Certificate(rootCertPem);
  const issuingCert = new X509Certificate(issuingCertPem);
  if (!issuingCert.checkIssued(root) || !issuingCert.verify(root.publicKey)) {
    throw new Error(`CA in ${dir}: ${CA_FILES.issuingCert} is not signed by ${CA_FILES.rootCert}`);
  }
  const issuingKey = createPrivateKey(issuingKeyPem);
  if (!samePublicKey(createPublicKey(issuingKey), issuingCert.publicKey)) {
    throw new Error(`CA in ${dir}: ${CA_FILES.issuingKey} does not match ${CA_FILES.issuingCert}`);
  }
  return { rootCertPem, issuingCertPem, bundlePem, crlUrl, issuingKey, issuer: issuerCache(issuingCert) };
}

function samePublicKey(a: KeyObject, b: KeyObject): boolean {
  return a.export({ type: 'spki', format: 'der' }).equals(b.export({ type: 'spki', format: 'der' }));
}

/** Parses the issuing certificate once so issuance needs no parsing. */
function issuerCache(cert: X509Certificate): IssuerCache {
  const s = certificateStructure(cert.raw);
  const ski = s.extensions.find((e) => e.oid === OID.subjectKeyIdentifier);
  const keyId = ski ? readOctets(fromDer(ski.value), 'subjectKeyIdentifier') : keyIdOfSpki(s.spkiDer);
  const subject: DnAttribute[] = decodeName(s.subjectNode, 'subject');
  return {
    name: s.subjectNode as unknown as EncodedName,
    subject,
    keyId,
    notBefore: s.notBefore,
    notAfter: s.notAfter,
    cert,
  };
}

import { type KeyObject, X509Certificate } from 'node:crypto';
import { privateKeyFromPem } from '../../certs/private-key-from-pem.js';
import { MaterialError } from '../errors.js';
import { decodeSsa } from '../registration/decode-ssa.js';
import { SIGNING_ALGS, type TppMaterial } from '../types.js';
import { certificateBlocks } from './certificate-blocks.js';

/**
 * Checks that material is complete and consistent, naming the first bad field: certificates
 * parse, each private key belongs to its certificate, the signing key suits its `alg`
 * (PS256/RS256: RSA ≥ 2048, ES256: EC P-256), the SSA is a JWT for this organisation and
 * software, the CA bundle holds certificates. Returns the material unchanged.
 *
 * `parsed` may carry the private keys already in hand as KeyObjects (onboarding made the CSRs
 * with them): they are then used instead of parsing `transport.keyPem` / `signing.keyPem` again,
 * and must be the keys those PEMs hold.
 */
export function checkMaterial(
  m: TppMaterial,
  parsed: { transportKey?: KeyObject; signingKey?: KeyObject } = {},
): TppMaterial {
  nonEmpty(m.organisationId, 'organisationId');
  nonEmpty(m.softwareStatementId, 'softwareStatementId');
  const transportCert = leaf(m.transport?.certPem, 'transport.certPem');
  const transportKey = parsed.transportKey ?? privateKey(m.transport?.keyPem, 'transport.keyPem');
  samePublicKey(transportKey, transportCert, 'transport.keyPem', 'the transport certificate');
  if (transportKey.asymmetricKeyType !== 'rsa' && transportKey.asymmetricKeyType !== 'ec') {
    throw new MaterialError('transport.keyPem', `a ${transportKey.asymmetricKeyType} key cannot do TLS here`);
  }

  nonEmpty(m.signing?.kid, 'signing.kid');
  if (!SIGNING_ALGS.includes(m.signing.alg)) {
    throw new MaterialError(
      'signing.alg',
      `must be one of ${SIGNING_ALGS.join(', ')} (got ${String(m.signing.alg)})`,
    );
  }
  const signingKey = parsed.signingKey ?? privateKey(m.signing.keyPem, 'signing.keyPem');
  checkKeyForAlg(signingKey, m.signing.alg);
  if (m.signing.certPem !== undefined) {
    samePublicKey(
      signingKey,
      leaf(m.signing.certPem, 'signing.certPem'),
      'signing.keyPem',
      'the signing certificate',
    );
  }

  nonEmpty(m.ssa, 'ssa');
  let claims: ReturnType<typeof decodeSsa>;
  try {
    claims = decodeSsa(m.ssa.trim());
  } catch (err) {
    throw new MaterialError('ssa', (err as Error).message);
  }
  if (claims.software_id !== undefined && claims.software_id !== m.softwareStatementId) {
    throw new MaterialError(
      'ssa',
      `software_id ${String(claims.software_id)} differs from softwareStatementId ${m.softwareStatementId}`,
    );
  }
  if (claims.org_id !== undefined && claims.org_id !== m.organisationId) {
    throw new MaterialError(
      'ssa',
      `org_id ${String(claims.org_id)} differs from organisationId ${m.organisationId}`,
    );
  }

  checkCaBundle(m.caBundlePem ?? '');
  return m;
}

/**
 * Bundles that parsed already: every TPP of a directory carries the same CA bundle, and parsing a
 * certificate costs ~0.1–0.3 ms. Bounded; a bundle is only remembered once all of it parsed.
 */
const parsedBundles = new Set<string>();
const MAX_PARSED_BUNDLES = 16;

function checkCaBundle(bundlePem: string): void {
  if (parsedBundles.has(bundlePem)) return;
  const cas = certificateBlocks(bundlePem);
  if (cas.length === 0) throw new MaterialError('caBundlePem', 'holds no CERTIFICATE block');
  cas.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
    } catch (err) {
      throw new MaterialError(
        'caBundlePem',
        `certificate ${i + 1} does not parse: ${(err as Error).message}`,
      );
    }
  });
  if (parsedBundles.size >= MAX_PARSED_BUNDLES) parsedBundles.clear();
  parsedBundles.add(bundlePem);
}

function nonEmpty(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw new MaterialError(field, 'is missing');
}

function leaf(pem: unknown, field: string): X509Certificate {
  if (typeof pem !== 'string') throw new MaterialError(field, 'is missing');
  const blocks = certificateBlocks(pem);
  if (blocks.length === 0) throw new MaterialError(field, 'holds no CERTIFICATE block');
  try {
    return new X509Certificate(blocks[0]);
  } catch (err) {
    throw new MaterialError(field, `does not parse: ${(err as Error).message}`);
  }
}

function privateKey(pem: unknown, field: string): KeyObject {
  if (typeof pem !== 'string' || pem.trim() === '') throw new MaterialError(field, 'is missing');
  try {
    return privateKeyFromPem(pem);
  } catch (err) {
    throw new MaterialError(field, `is not a usable unencrypted private key: ${(err as Error).message}`);
  }
}

function samePublicKey(key: KeyObject, cert: X509Certificate, field: string, what: string): void {
  // OpenSSL's X509_check_private_key: the certificate's public key is the key's public half.
  if (!cert.checkPrivateKey(key)) throw new MaterialError(field, `does not belong to ${what}`);
}

function checkKeyForAlg(key: KeyObject, alg: string): void {
  const d = key.asymmetricKeyDetails ?? {};
  if (alg === 'ES256') {
    if (key.asymmetricKeyType !== 'ec' || d.namedCurve !== 'prime256v1') {
      throw new MaterialError('signing.keyPem', 'ES256 needs an EC P-256 key');
    }
  } else if (key.asymmetricKeyType !== 'rsa' || (d.modulusLength ?? 0) < 2048) {
    throw new MaterialError('signing.keyPem', `${alg} needs an RSA key of at least 2048 bits`);
  }
}

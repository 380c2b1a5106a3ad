import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateAuthority,
  completeChain,
  createCsr,
  generateEcKeyPair,
  issueCertificate,
  loadOrCreateCa,
  parseCsr,
} from '../../certs/index.js';
import { CRL_URL, openssl, tempDir, writeFile } from './helpers.js';

let ca: CertificateAuthority;
let other: CertificateAuthority;
let leaf: string;

function certificatesOf(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (b) => new X509Certificate(b),
  );
}

beforeAll(async () => {
  [ca, other] = await Promise.all([
    loadOrCreateCa(tempDir(), { crlUrl: CRL_URL, keyType: 'ec' }),
    loadOrCreateCa(tempDir(), { crlUrl: CRL_URL, keyType: 'ec' }),
  ]);
  const key = await generateEcKeyPair();
  const csr = parseCsr(createCsr({ key, subject: [{ name: 'CN', value: 'tpp' }], sanDns: ['tpp.example'] }));
  leaf = issueCertificate(ca, {
    type: 'server',
    csr,
    ctx: { orgId: 'o', legalName: 'o', organisationIdentifier: '', roles: [] },
  }).pem;
});

describe('completeChain', () => {
  it('follows the leaf with its issuing CA from the trusted bundle, without the self-signed root', () => {
    const chain = certificatesOf(completeChain(leaf, [ca.bundlePem]));
    expect(chain).toHaveLength(2);
    expect(chain[0].raw.equals(new X509Certificate(leaf).raw)).toBe(true);
    expect(chain[1].raw.equals(new X509Certificate(ca.issuingCertPem).raw)).toBe(true);
    expect(chain[0].checkIssued(chain[1])).toBe(true);
    // the bundle's order does not matter, nor does it being given as separate texts
    const reordered = certificatesOf(completeChain(leaf, [ca.rootCertPem, ca.issuingCertPem]));
    expect(reordered.map((c) => c.fingerprint256)).toEqual(chain.map((c) => c.fingerprint256));
  });

  it('takes the CA that signed it when another CA has the same name (a CA of another sandbox)', () => {
    const chain = certificatesOf(completeChain(leaf, [other.bundlePem, ca.bundlePem]));
    expect(chain).toHaveLength(2);
    expect(chain[1].raw.equals(new X509Certificate(ca.issuingCertPem).raw)).toBe(true);
  });

  it('is a chain openssl verifies against the root alone', () => {
    const dir = tempDir();
    const root = writeFile(dir, 'root.pem', ca.rootCertPem);
    const [, issuing] = certificatesOf(completeChain(leaf, [ca.bundlePem]));
    const untrusted = writeFile(dir, 'untrusted.pem', issuing.toString());
    const cert = writeFile(dir, 'leaf.pem', leaf);
    const r = openssl(['verify', '-CAfile', root, '-untrusted', untrusted, cert]);
    expect(r.stdout).toContain('OK');
  });

  it.each([
    ['a certificate that already carries its chain', () => [`${leaf}${ca.issuingCertPem}`, [ca.bundlePem]]],
    ['only a CA of the same name that did not sign it', () => [leaf, [other.bundlePem]]],
    ['a trusted text that is not PEM', () => [leaf, ['not a certificate']]],
    [
      'a certificate that does not parse',
      () => ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', [ca.bundlePem]],
    ],
  ] as [string, () => [string, string[]]][])('leaves %s as it is', (_what, args) => {
    const [cert, trusted] = args();
    expect(completeChain(cert, trusted)).toBe(cert);
  });
});

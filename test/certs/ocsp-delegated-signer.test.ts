import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildOcspResponse,
  type CertificateAuthority,
  checkOcspStatus,
  createCsr,
  generateRsaKeyPair,
  type IssuedCertificate,
  issueCertificate,
  issueOcspSigner,
  loadOrCreateCa,
  type OcspSigner,
  parseCertificate,
  parseCsr,
  readOcspRequest,
} from '../../certs/index.js';
import { CRL_URL, obContext, tempDir } from './helpers.js';

/**
 * The delegated OCSP signing certificate (RFC 6960 §4.2.2.2) and how a
 * relying party (the bank's OCSP mode, the TPP's server check — both use
 * checkOcspStatus) judges a response: signed by a certificate the issuing CA
 * issued with id-kp-OCSPSigning → accepted; signed by one without that
 * purpose, or issued by another CA → refused.
 */
let ca: CertificateAuthority;
let otherCa: CertificateAuthority;
let leaf: IssuedCertificate;
let delegated: OcspSigner & { pem: string };

function issue(
  authority: CertificateAuthority,
  type: 'server' | 'obwac',
  key: Awaited<ReturnType<typeof generateRsaKeyPair>>,
) {
  const subject =
    type === 'server'
      ? [{ name: 'CN', value: 'not-a-responder' }]
      : [
          { name: 'C', value: 'GB' },
          { name: 'O', value: 'Acme Payments Ltd' },
          { name: 'organizationIdentifier', value: obContext().organisationIdentifier },
          { name: 'CN', value: obContext().orgId },
        ];
  return issueCertificate(authority, { type, csr: parseCsr(createCsr({ key, subject })), ctx: obContext() });
}

/** checkOcspStatus against a responder that signs with `signer` (or the CA when undefined). */
function askWith(signer: OcspSigner | undefined, authority = ca) {
  return checkOcspStatus(leaf.der, {
    caBundlePem: ca.bundlePem,
    responderUrl: 'https://responder.test/ocsp',
    get: async (url) => {
      const request = readOcspRequest(Buffer.from(decodeURIComponent(url.split('/').pop() ?? ''), 'base64'));
      const body = buildOcspResponse(
        authority,
        request.certIds.map((certId) => ({ certId, status: { status: 'good' as const } })),
        { ...(request.nonce ? { nonce: request.nonce } : {}), ...(signer ? { signer } : {}) },
      );
      return { status: 200, body };
    },
  });
}

beforeAll(async () => {
  [ca, otherCa] = await Promise.all([
    loadOrCreateCa(tempDir(), { crlUrl: CRL_URL, rootKeyBits: 2048, ocspUrl: 'https://responder.test/ocsp' }),
    loadOrCreateCa(tempDir(), { crlUrl: CRL_URL, rootKeyBits: 2048 }),
  ]);
  const [leafKey, signerKey] = await Promise.all([generateRsaKeyPair(2048), generateRsaKeyPair(2048)]);
  leaf = issue(ca, 'obwac', leafKey);
  delegated = issueOcspSigner(ca, signerKey);
});

describe('delegated OCSP signing certificate', () => {
  it('is issued by the issuing CA with id-kp-OCSPSigning and id-pkix-ocsp-nocheck, RSA 2048, no OCSP URL of its own', () => {
    const info = parseCertificate(delegated.pem);
    expect(info.extKeyUsage).toEqual(['OCSPSigning']);
    expect(info.keyUsage).toEqual(['digitalSignature']);
    expect(info.extensionOids).toContain('1.3.6.1.5.5.7.48.1.5');
    expect(info.extensionOids).not.toContain('1.3.6.1.5.5.7.1.1');
    expect(info.basicConstraints?.ca).toBe(false);
    expect(info.keyType).toBe('RSA');
    expect(info.keyBits).toBe(2048);
    expect(delegated.cert.checkIssued(ca.issuer.cert)).toBe(true);
    expect(delegated.cert.verify(ca.issuer.cert.publicKey)).toBe(true);
  });

  it('a response it signs is accepted', async () => {
    expect((await askWith(delegated)).status).toEqual({ status: 'good' });
  });

  it('a response signed by the CA itself is still accepted', async () => {
    expect((await askWith(undefined)).status).toEqual({ status: 'good' });
  });

  it('a response signed by a CA-issued certificate without id-kp-OCSPSigning is refused', async () => {
    const key = await generateRsaKeyPair(2048);
    const server = issue(ca, 'server', key);
    const impostor: OcspSigner = { key: key.privateKey, cert: new X509Certificate(server.der) };
    await expect(askWith(impostor)).rejects.toThrow(/lacks the OCSPSigning purpose/);
  });

  it('a response signed by an OCSP signer of another CA is refused', async () => {
    const key = await generateRsaKeyPair(2048);
    const foreign = issueOcspSigner(otherCa, key);
    await expect(askWith(foreign)).rejects.toThrow(/not issued by the CA/);
  });
});

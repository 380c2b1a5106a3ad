import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateAuthority,
  CertificateParseError,
  createCsr,
  generateRsaKeyPair,
  issueCertificate,
  loadOrCreateCa,
  parseCertificate,
  parseCsr,
} from '../../certs/index.js';
import { CRL_URL, obContext, obwacSubject, openssl, tempDir, writeFile } from './helpers.js';

let ca: CertificateAuthority;
let pem: string;

beforeAll(async () => {
  const [c, key] = await Promise.all([
    loadOrCreateCa(tempDir(), { crlUrl: CRL_URL, rootKeyBits: 2048 }),
    generateRsaKeyPair(),
  ]);
  ca = c;
  const csr = parseCsr(createCsr({ key, subject: obwacSubject(), sanDns: ['tpp.example.com'] }));
  pem = issueCertificate(ca, { type: 'obwac', csr, ctx: obContext() }).pem;
});

describe('parseCertificate', () => {
  it('reads the same certificate from PEM, PEM bytes and DER', () => {
    const a = parseCertificate(pem);
    const b = parseCertificate(Buffer.from(pem));
    const c = parseCertificate(a.der);
    expect(b.serialHex).toBe(a.serialHex);
    expect(c.x5tS256).toBe(a.x5tS256);
    expect(c.pem).toBe(pem);
  });

  it("ignores openssl's explanatory text around the PEM block", () => {
    const dir = tempDir();
    const path = writeFile(dir, 'leaf.pem', pem);
    const text = openssl(['x509', '-in', path, '-text']).stdout;
    expect(text).toContain('Certificate:');
    expect(parseCertificate(text).sanDns).toEqual(['tpp.example.com']);
  });

  it('throws CertificateParseError for anything else', () => {
    expect(() => parseCertificate('nope')).toThrow(CertificateParseError);
    expect(() => parseCertificate(Buffer.from('nope'))).toThrow(CertificateParseError);
    expect(() => parseCertificate(ca.bundlePem)).toThrow(/exactly one "CERTIFICATE"/);
    expect(() => parseCertificate(pem.replace('CERTIFICATE', 'CERTIFICATE REQUEST'))).toThrow(
      CertificateParseError,
    );
  });
});

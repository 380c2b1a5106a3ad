import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CA_FILES, loadOrCreateCa, parseCertificate } from '../../certs/index.js';
import { CRL_URL, tempDir } from './helpers.js';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('loadOrCreateCa', () => {
  it('creates root and issuing CA with the expected profile, files and modes (default 3072-bit root)', async () => {
    const dir = tempDir();
    const now = new Date('2026-02-01T10:00:00Z');
    const ca = await loadOrCreateCa(dir, { crlUrl: CRL_URL, now });
    expect(readdirSync(dir).sort()).toEqual([
      'bundle.pem',
      'issuing.key.pem',
      'issuing.pem',
      'root.key.pem',
      'root.pem',
    ]);
    expect(mode(join(dir, 'root.key.pem'))).toBe(0o600);
    expect(mode(join(dir, 'issuing.key.pem'))).toBe(0o600);
    const umask = process.umask();
    for (const f of ['root.pem', 'issuing.pem', 'bundle.pem'])
      expect(mode(join(dir, f))).toBe(0o644 & ~umask);
    expect(readFileSync(join(dir, 'bundle.pem'), 'utf8')).toBe(ca.issuingCertPem + ca.rootCertPem);
    expect(ca.bundlePem).toBe(ca.issuingCertPem + ca.rootCertPem);
    expect(ca.crlUrl).toBe(CRL_URL);
    for (const pem of [ca.rootCertPem, ca.issuingCertPem, ca.bundlePem])
      expect(pem).not.toContain('PRIVATE KEY');

    const root = parseCertificate(ca.rootCertPem);
    expect(root.subject.map((a) => `${a.name}=${a.value}`)).toEqual([
      'C=GB',
      'O=obmock',
      'CN=obmock Root CA',
    ]);
    expect(root.issuer).toEqual(root.subject);
    expect(root.keyBits).toBe(3072);
    expect(root.basicConstraints).toEqual({ ca: true, critical: true });
    expect(root.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(root.keyUsageCritical).toBe(true);
    expect(root.subjectKeyId).toMatch(/^[0-9a-f]{40}$/);
    expect(root.notBefore).toEqual(new Date('2026-02-01T09:55:00Z'));
    expect(root.notAfter).toEqual(new Date('2046-02-01T09:55:00Z'));

    const issuing = parseCertificate(ca.issuingCertPem);
    expect(issuing.subject.map((a) => `${a.name}=${a.value}`)).toEqual([
      'C=GB',
      'O=obmock',
      'CN=obmock Issuing CA',
    ]);
    expect(issuing.issuer).toEqual(root.subject);
    expect(issuing.keyBits).toBe(2048);
    expect(issuing.basicConstraints).toEqual({ ca: true, pathLen: 0, critical: true });
    expect(issuing.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(issuing.authorityKeyId).toBe(root.subjectKeyId);
    expect(issuing.subjectKeyId).toBe(ca.issuer.keyId.toString('hex'));
    expect(issuing.notAfter).toEqual(new Date('2036-02-01T09:55:00Z'));
    expect(new X509Certificate(ca.issuingCertPem).verify(new X509Certificate(ca.rootCertPem).publicKey)).toBe(
      true,
    );
    expect(new X509Certificate(ca.rootCertPem).verify(new X509Certificate(ca.rootCertPem).publicKey)).toBe(
      true,
    );
  });

  it('loads the same CA on later calls (only crlUrl follows the options); refuses a partial CA', async () => {
    const dir = tempDir();
    const first = await loadOrCreateCa(dir, { crlUrl: CRL_URL, rootKeyBits: 2048 });
    const files = Object.values(CA_FILES).map((f) => readFileSync(join(dir, f), 'utf8'));
    const second = await loadOrCreateCa(dir, { crlUrl: 'https://localhost:9443/crl', rootKeyBits: 2048 });
    expect(second.rootCertPem).toBe(first.rootCertPem);
    expect(second.issuingCertPem).toBe(first.issuingCertPem);
    expect(second.bundlePem).toBe(first.bundlePem);
    expect(second.crlUrl).toBe('https://localhost:9443/crl');
    expect(
      second.issuingKey.export({ type: 'pkcs8', format: 'pem' }) ===
        first.issuingKey.export({ type: 'pkcs8', format: 'pem' }),
    ).toBe(true);
    expect(Object.values(CA_FILES).map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual(files);
    expect(mode(join(dir, 'issuing.key.pem'))).toBe(0o600);

    // A directory holding only part of a CA is refused rather than overwritten.
    unlinkSync(join(dir, 'issuing.key.pem'));
    await expect(loadOrCreateCa(dir, { crlUrl: CRL_URL })).rejects.toThrow(
      /incomplete CA .*missing issuing\.key\.pem/,
    );
    expect(readFileSync(join(dir, 'root.pem'), 'utf8')).toBe(first.rootCertPem);
  });

  it('concurrent first calls on one directory create one CA', async () => {
    const dir = tempDir();
    const [a, b] = await Promise.all([
      loadOrCreateCa(dir, { crlUrl: CRL_URL, rootKeyBits: 2048 }),
      loadOrCreateCa(dir, { crlUrl: 'http://other/crl', rootKeyBits: 2048 }),
    ]);
    expect(a.rootCertPem).toBe(b.rootCertPem);
    expect(a.crlUrl).toBe(CRL_URL);
    expect(b.crlUrl).toBe('http://other/crl');
  });
});

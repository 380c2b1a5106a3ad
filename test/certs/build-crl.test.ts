import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildCrl,
  type CertificateAuthority,
  CrlError,
  isRevoked,
  loadOrCreateCa,
  parseCertificate,
  parseCrl,
} from '../../certs/index.js';
import { CRL_URL, tempDir } from './helpers.js';

let ca: CertificateAuthority;

beforeAll(async () => {
  ca = await loadOrCreateCa(tempDir(), { crlUrl: CRL_URL, rootKeyBits: 2048 });
});

const NOW = new Date('2026-04-01T08:00:00.000Z');

describe('buildCrl / parseCrl / isRevoked', () => {
  it('builds a v2 CRL with number, AKI, dates and entries that parseCrl reads back', () => {
    const revokedAt = new Date('2026-03-31T10:11:12.000Z');
    const crl = buildCrl(
      ca,
      [
        { serialHex: '7f01020304050607080900aabbccddee', revokedAt },
        { serialHex: '00FF', revokedAt }, // leading zero byte and upper case: normalised
        { serialHex: 'ff', revokedAt }, // duplicate of the previous one
      ],
      { crlNumber: 42, now: NOW, nextUpdateDays: 2 },
    );
    expect(crl.pem).toMatch(/^-----BEGIN X509 CRL-----\n[\s\S]+\n-----END X509 CRL-----\n$/);
    const parsed = parseCrl(crl.der);
    expect(parsed.crlNumber).toBe(42);
    expect(parsed.thisUpdate).toEqual(NOW);
    expect(parsed.nextUpdate).toEqual(new Date('2026-04-03T08:00:00.000Z'));
    expect(parsed.serials).toEqual(['7f01020304050607080900aabbccddee', 'ff']);
    expect(parsed.revoked).toEqual([
      { serialHex: '7f01020304050607080900aabbccddee', revokedAt },
      { serialHex: 'ff', revokedAt },
    ]);
    expect(parsed.issuer.map((a) => `${a.name}=${a.value}`)).toEqual([
      'C=GB',
      'O=obmock',
      'CN=obmock Issuing CA',
    ]);
    expect(parsed.authorityKeyId).toBe(parseCertificate(ca.issuingCertPem).subjectKeyId);
    expect(parsed.signatureAlgorithm).toBe('sha256WithRSAEncryption');
    expect(parseCrl(crl.pem).serials).toEqual(parsed.serials);

    expect(isRevoked(parsed, '7F01020304050607080900AABBCCDDEE')).toBe(true);
    expect(isRevoked(parsed, '00ff')).toBe(true);
    expect(isRevoked(parsed, 'fe')).toBe(false);
  });

  it('omits revokedCertificates when nothing is revoked', () => {
    const crl = buildCrl(ca, [], { crlNumber: 1, now: NOW });
    const parsed = parseCrl(crl.der);
    expect(parsed.serials).toEqual([]);
    expect(parsed.nextUpdate).toEqual(new Date('2026-04-08T08:00:00.000Z'));
    // TBSCertList: version, signature, issuer, thisUpdate, nextUpdate, [0] extensions.
    expect(crl.der.includes(Buffer.from([0x30, 0x00]))).toBe(false);
  });

  it('rejects bad input', () => {
    expect(() => buildCrl(ca, [{ serialHex: 'xyz', revokedAt: NOW }], { crlNumber: 1 })).toThrow(TypeError);
    expect(() => parseCrl(Buffer.from('nope'))).toThrow(CrlError);
    expect(() => parseCrl(ca.issuingCertPem)).toThrow(CrlError);
  });
});

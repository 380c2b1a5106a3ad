import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildCrl,
  type CertificateAuthority,
  createCsr,
  generateRsaKeyPair,
  type IssuedCertificate,
  issueCertificate,
  type KeyPair,
  loadOrCreateCa,
  type ParsedCsr,
  parseCsr,
  verifyCertificate,
} from '../../certs/index.js';
import { CRL_URL, flipDerByte, legacySubject, ORG_ID, obContext, tempDir } from './helpers.js';

const DAY = 86_400_000;

let ca: CertificateAuthority;
let otherCa: CertificateAuthority;
let key: KeyPair;
let csr: ParsedCsr;
let cert: IssuedCertificate;

beforeAll(async () => {
  [ca, otherCa, key] = await Promise.all([
    loadOrCreateCa(tempDir(), { crlUrl: CRL_URL, rootKeyBits: 2048 }),
    loadOrCreateCa(tempDir(), { crlUrl: CRL_URL, rootKeyBits: 2048 }),
    generateRsaKeyPair(),
  ]);
  csr = parseCsr(createCsr({ key, subject: legacySubject() }));
  cert = issueCertificate(ca, { type: 'obtransport', csr, ctx: obContext() });
});

const trust = () => ({ rootCertPem: ca.rootCertPem, issuingCertPem: ca.issuingCertPem });

describe('verifyCertificate', () => {
  it('accepts a certificate issued by the CA (PEM or DER, pair or bundle) and returns its info', () => {
    const r = verifyCertificate(cert.pem, { ca: trust() });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.info.serialHex).toBe(cert.serialHex);
      expect(r.info.subject.find((a) => a.name === 'OU')?.value).toBe(ORG_ID);
    }
    expect(verifyCertificate(cert.der, { ca: { bundlePem: ca.bundlePem } }).ok).toBe(true);
  });

  it('expired: issued with a clock in the past', () => {
    const old = issueCertificate(ca, {
      type: 'obtransport',
      csr,
      ctx: obContext(),
      now: new Date(Date.now() - 800 * DAY),
    });
    const r = verifyCertificate(old.pem, { ca: trust() });
    expect(r).toEqual({
      ok: false,
      reason: 'expired',
      message: `the certificate expired at ${old.notAfter.toISOString()}`,
    });
  });

  it('not yet valid: issued with a clock in the future, or checked at an earlier now', () => {
    const future = issueCertificate(ca, {
      type: 'obtransport',
      csr,
      ctx: obContext(),
      now: new Date(Date.now() + 10 * DAY),
    });
    const r = verifyCertificate(future.pem, { ca: trust() });
    expect(r).toMatchObject({ ok: false, reason: 'not_yet_valid' });
    expect(
      verifyCertificate(cert.pem, { ca: trust(), now: new Date(cert.notBefore.getTime() - 1000) }),
    ).toMatchObject({
      ok: false,
      reason: 'not_yet_valid',
    });
    expect(
      verifyCertificate(cert.pem, { ca: trust(), now: new Date(cert.notAfter.getTime() + 1000) }),
    ).toMatchObject({
      ok: false,
      reason: 'expired',
    });
  });

  it('untrusted: a certificate from another CA with the same names', () => {
    const foreign = issueCertificate(otherCa, { type: 'obtransport', csr, ctx: obContext() });
    const r = verifyCertificate(foreign.pem, { ca: trust() });
    expect(r).toMatchObject({ ok: false, reason: 'untrusted' });
    expect(verifyCertificate(foreign.pem, { ca: { bundlePem: otherCa.bundlePem } }).ok).toBe(true);
  });

  it('untrusted: only the root is trusted and the leaf is not issued by it', () => {
    const r = verifyCertificate(cert.pem, { ca: { bundlePem: ca.rootCertPem } });
    expect(r).toEqual({
      ok: false,
      reason: 'untrusted',
      message: 'issuer "CN=obmock Issuing CA,O=obmock,C=GB" is not a trusted CA',
    });
  });

  it('untrusted: a tampered signature or a tampered body', () => {
    const badSig = flipDerByte(cert.pem, 'CERTIFICATE', -1);
    expect(verifyCertificate(badSig, { ca: trust() })).toEqual({
      ok: false,
      reason: 'untrusted',
      message: 'the certificate signature does not verify with the CA "CN=obmock Issuing CA,O=obmock,C=GB"',
    });
    const at = cert.der.indexOf(Buffer.from(ORG_ID));
    const badBody = flipDerByte(cert.pem, 'CERTIFICATE', at);
    expect(verifyCertificate(badBody, { ca: trust() })).toMatchObject({ ok: false, reason: 'untrusted' });
  });

  it('malformed: not a certificate', () => {
    expect(verifyCertificate('hello', { ca: trust() })).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verifyCertificate(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]), { ca: trust() })).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(verifyCertificate(cert.pem + cert.pem, { ca: trust() })).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });

  it('revoked: listed in the CRL; a CRL not listing it is fine', () => {
    const revokedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const crl = buildCrl(ca, [{ serialHex: cert.serialHex, revokedAt }], { crlNumber: 2 });
    expect(verifyCertificate(cert.pem, { ca: trust(), crlDer: crl.der })).toEqual({
      ok: false,
      reason: 'revoked',
      message: `certificate ${cert.serialHex} was revoked at ${revokedAt.toISOString()}`,
    });
    const empty = buildCrl(ca, [], { crlNumber: 3 });
    expect(verifyCertificate(cert.pem, { ca: trust(), crlDer: empty.der }).ok).toBe(true);
  });

  it('bad_crl: signed by another CA, expired, not yet valid, or garbage', () => {
    const foreign = buildCrl(otherCa, [], { crlNumber: 1 });
    expect(verifyCertificate(cert.pem, { ca: trust(), crlDer: foreign.der })).toEqual({
      ok: false,
      reason: 'bad_crl',
      message: 'the CRL signature does not verify with "CN=obmock Issuing CA,O=obmock,C=GB"',
    });
    const stale = buildCrl(ca, [], { crlNumber: 1, now: new Date(Date.now() - 10 * DAY), nextUpdateDays: 7 });
    expect(verifyCertificate(cert.pem, { ca: trust(), crlDer: stale.der })).toMatchObject({
      ok: false,
      reason: 'bad_crl',
      message: expect.stringMatching(/^the CRL expired at/),
    });
    const early = buildCrl(ca, [], { crlNumber: 1, now: new Date(Date.now() + DAY) });
    expect(verifyCertificate(cert.pem, { ca: trust(), crlDer: early.der })).toMatchObject({
      ok: false,
      reason: 'bad_crl',
    });
    expect(verifyCertificate(cert.pem, { ca: trust(), crlDer: Buffer.from('garbage') })).toMatchObject({
      ok: false,
      reason: 'bad_crl',
      message: expect.stringMatching(/^malformed CRL/),
    });
  });

  it('the order of checks: trust before time before revocation', () => {
    const foreign = issueCertificate(otherCa, {
      type: 'obtransport',
      csr,
      ctx: obContext(),
      now: new Date(Date.now() - 800 * DAY),
    });
    expect(verifyCertificate(foreign.pem, { ca: trust() })).toMatchObject({ reason: 'untrusted' });
    const old = issueCertificate(ca, {
      type: 'obtransport',
      csr,
      ctx: obContext(),
      now: new Date(Date.now() - 800 * DAY),
    });
    const crl = buildCrl(ca, [{ serialHex: old.serialHex, revokedAt: new Date() }], { crlNumber: 9 });
    expect(verifyCertificate(old.pem, { ca: trust(), crlDer: crl.der })).toMatchObject({ reason: 'expired' });
  });
});

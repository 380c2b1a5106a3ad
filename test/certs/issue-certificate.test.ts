import { createHash, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateAuthority,
  type CertificateInfo,
  CsrError,
  createCsr,
  generateRsaKeyPair,
  issueCertificate,
  type KeyPair,
  loadOrCreateCa,
  parseCertificate,
  parseCsr,
} from '../../certs/index.js';
import {
  CRL_URL,
  EIDAS_OI,
  legacySubject,
  OB_OI,
  ORG_ID,
  obContext,
  obwacSubject,
  SOFTWARE_ID,
  tempDir,
} from './helpers.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const FIVE_MIN = 5 * 60_000;
const DAY = 86_400_000;

let ca: CertificateAuthority;
let key: KeyPair;
let issuingSki: string;

beforeAll(async () => {
  [ca, key] = await Promise.all([
    loadOrCreateCa(tempDir(), { crlUrl: CRL_URL, rootKeyBits: 2048, now: new Date('2026-01-01T00:00:00Z') }),
    generateRsaKeyPair(2048),
  ]);
  issuingSki = parseCertificate(ca.issuingCertPem).subjectKeyId!;
});

const sanOpts = { sanDns: ['tpp.example.com', 'api.tpp.example.com'], sanIps: ['127.0.0.1', '::1'] };

function issue(
  type: Parameters<typeof issueCertificate>[1]['type'],
  subject: { name: string; value: string }[],
) {
  const csr = parseCsr(createCsr({ key, subject, ...sanOpts }));
  const cert = issueCertificate(ca, { type, csr, ctx: obContext(), now: NOW });
  return { cert, info: parseCertificate(cert.pem), x509: new X509Certificate(cert.pem) };
}

/** What every issued certificate has, checked with parseCertificate and node's X509Certificate. */
function expectCommon(info: CertificateInfo, x509: X509Certificate, validityDays: number) {
  expect(info.issuer).toEqual([
    { oid: '2.5.4.6', name: 'C', value: 'GB' },
    { oid: '2.5.4.10', name: 'O', value: 'obmock' },
    { oid: '2.5.4.3', name: 'CN', value: 'obmock Issuing CA' },
  ]);
  expect(x509.issuer).toBe('C=GB\nO=obmock\nCN=obmock Issuing CA');
  expect(info.basicConstraints).toEqual({ ca: false, critical: true });
  expect(x509.ca).toBe(false);
  expect(info.keyUsageCritical).toBe(true);
  // SKI: SHA-1 of the subjectPublicKey bits (the PKCS#1 RSAPublicKey), computed independently.
  const rsaPublicKey = key.publicKey.export({ type: 'pkcs1', format: 'der' });
  expect(info.subjectKeyId).toBe(createHash('sha1').update(rsaPublicKey).digest('hex'));
  expect(info.authorityKeyId).toBe(issuingSki);
  expect(info.crlUrls).toEqual([CRL_URL]);
  expect(info.signatureAlgorithm).toBe('sha256WithRSAEncryption');
  expect(x509.verify(new X509Certificate(ca.issuingCertPem).publicKey)).toBe(true);
  expect(x509.checkIssued(new X509Certificate(ca.issuingCertPem))).toBe(true);
  expect(x509.serialNumber.toLowerCase()).toBe(info.serialHex);
  expect(info.notBefore).toEqual(new Date(NOW.getTime() - FIVE_MIN));
  expect(info.notAfter).toEqual(new Date(NOW.getTime() + validityDays * DAY));
  expect(new Date(x509.validFrom)).toEqual(info.notBefore);
  expect(new Date(x509.validTo)).toEqual(info.notAfter);
  expect(x509.fingerprint256.replaceAll(':', '').toLowerCase()).toBe(
    Buffer.from(info.x5tS256, 'base64url').toString('hex'),
  );
  expect(x509.publicKey.export({ type: 'spki', format: 'pem' })).toBe(key.publicKeyPem);
}

describe('issueCertificate profiles', () => {
  it('obtransport: legacy OB subject from ctx, transport KU/EKU, no SAN, no qcStatements', () => {
    const { cert, info, x509 } = issue('obtransport', legacySubject());
    expect(info.subject).toEqual([
      { oid: '2.5.4.6', name: 'C', value: 'GB' },
      { oid: '2.5.4.10', name: 'O', value: 'OpenBanking' },
      { oid: '2.5.4.11', name: 'OU', value: ORG_ID },
      { oid: '2.5.4.3', name: 'CN', value: SOFTWARE_ID },
    ]);
    expect(cert.subject).toEqual(info.subject);
    expect(x509.subject).toBe(`C=GB\nO=OpenBanking\nOU=${ORG_ID}\nCN=${SOFTWARE_ID}`);
    expectCommon(info, x509, 730);
    expect(info.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(info.extKeyUsage).toEqual(['clientAuth', 'serverAuth']);
    expect(x509.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2', '1.3.6.1.5.5.7.3.1']);
    expect(info.sanDns).toEqual([]);
    expect(info.sanIps).toEqual([]);
    expect(x509.subjectAltName).toBeUndefined();
    expect(info.qcType).toBeUndefined();
    expect(info.qcCompliance).toBe(false);
    expect(info.psd2Roles).toEqual([]);
    expect(info.extensionOids).toEqual([
      '2.5.29.19',
      '2.5.29.15',
      '2.5.29.37',
      '2.5.29.14',
      '2.5.29.35',
      '2.5.29.31',
    ]);
  });

  it('obsigning: legacy OB subject, digitalSignature+nonRepudiation, no EKU, no SAN', () => {
    const { info, x509 } = issue('obsigning', legacySubject());
    expect(info.subject.map((a) => `${a.name}=${a.value}`)).toEqual([
      'C=GB',
      'O=OpenBanking',
      `OU=${ORG_ID}`,
      `CN=${SOFTWARE_ID}`,
    ]);
    expectCommon(info, x509, 730);
    expect(info.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(info.extKeyUsage).toEqual([]);
    expect(x509.keyUsage).toBeUndefined();
    expect(info.sanDns).toEqual([]);
    expect(info.qcType).toBeUndefined();
    expect(info.extensionOids).not.toContain('1.3.6.1.5.5.7.1.3');
  });

  it('obwac: C/O/organizationIdentifier/CN from ctx, web qcStatements with roles and NCA, SANs copied', () => {
    const { info, x509 } = issue('obwac', obwacSubject());
    expect(info.subject).toEqual([
      { oid: '2.5.4.6', name: 'C', value: 'GB' },
      { oid: '2.5.4.10', name: 'O', value: 'Acme Payments Ltd' },
      { oid: '2.5.4.97', name: 'organizationIdentifier', value: OB_OI },
      { oid: '2.5.4.3', name: 'CN', value: ORG_ID },
    ]);
    expect(x509.subject).toBe(`C=GB\nO=Acme Payments Ltd\norganizationIdentifier=${OB_OI}\nCN=${ORG_ID}`);
    expectCommon(info, x509, 730);
    expect(info.keyUsage).toEqual(['digitalSignature']);
    expect(info.extKeyUsage).toEqual(['clientAuth', 'serverAuth']);
    expect(info.sanDns).toEqual(['tpp.example.com', 'api.tpp.example.com']);
    expect(info.sanIps).toEqual(['127.0.0.1', '::1']);
    expect(x509.subjectAltName).toBe(
      'DNS:tpp.example.com, DNS:api.tpp.example.com, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(info.qcCompliance).toBe(true);
    expect(info.qcType).toBe('web');
    expect(info.psd2Roles).toEqual(['PSP_PI', 'PSP_AI']); // ETSI order, whatever ctx.roles says
    expect(info.ncaName).toBe('Financial Conduct Authority');
    expect(info.ncaId).toBe('GB-FCA');
  });

  it('obseal: same subject as obwac, eseal qcStatements, signing KU, no EKU, no SAN', () => {
    const { info, x509 } = issue('obseal', obwacSubject());
    expect(info.subject.map((a) => `${a.name}=${a.value}`)).toEqual([
      'C=GB',
      'O=Acme Payments Ltd',
      `organizationIdentifier=${OB_OI}`,
      `CN=${ORG_ID}`,
    ]);
    expectCommon(info, x509, 730);
    expect(info.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(info.extKeyUsage).toEqual([]);
    expect(info.sanDns).toEqual([]);
    expect(info.sanIps).toEqual([]);
    expect(info.qcType).toBe('eseal');
    expect(info.psd2Roles).toEqual(['PSP_PI', 'PSP_AI']); // ETSI order, whatever ctx.roles says
    expect(info.ncaId).toBe('GB-FCA');
  });

  it('qwac: the CSR subject (empty attributes dropped), web qcStatements, SANs copied, custom NCA', () => {
    const subject = [
      { name: 'C', value: 'GB' },
      { name: 'L', value: 'London' },
      { name: 'O', value: 'Acme Payments Ltd' },
      { name: 'organizationIdentifier', value: EIDAS_OI },
      { name: 'CN', value: 'tpp.example.com' },
    ];
    const csr = parseCsr(createCsr({ key, subject, ...sanOpts }));
    const ctx = obContext({
      organisationIdentifier: EIDAS_OI,
      roles: ['PSP_IC', 'PSP_AS', 'PSP_IC'],
      ncaName: 'Central Bank of Ireland',
      ncaId: 'IE-CBI',
    });
    const cert = issueCertificate(ca, { type: 'qwac', csr, ctx, now: NOW });
    const info = parseCertificate(cert.der);
    const x509 = new X509Certificate(cert.der);
    expect(info.subject.map((a) => `${a.name}=${a.value}`)).toEqual([
      'C=GB',
      'L=London',
      'O=Acme Payments Ltd',
      `organizationIdentifier=${EIDAS_OI}`,
      'CN=tpp.example.com',
    ]);
    expectCommon(info, x509, 730);
    expect(info.keyUsage).toEqual(['digitalSignature']);
    expect(info.extKeyUsage).toEqual(['clientAuth', 'serverAuth']);
    expect(info.sanDns).toEqual(['tpp.example.com', 'api.tpp.example.com']);
    expect(info.sanIps).toEqual(['127.0.0.1', '::1']);
    expect(info.qcType).toBe('web');
    expect(info.psd2Roles).toEqual(['PSP_AS', 'PSP_IC']);
    expect(info.ncaName).toBe('Central Bank of Ireland');
    expect(info.ncaId).toBe('IE-CBI');
  });

  it('qseal: the CSR subject, eseal qcStatements, no EKU, no SAN', () => {
    const subject = [
      { name: 'C', value: 'GB' },
      { name: 'O', value: 'Acme Payments Ltd' },
      { name: 'organizationIdentifier', value: EIDAS_OI },
      { name: 'CN', value: 'Acme Payments Ltd' },
    ];
    const csr = parseCsr(createCsr({ key, subject, ...sanOpts }));
    const cert = issueCertificate(ca, {
      type: 'qseal',
      csr,
      ctx: obContext({ organisationIdentifier: EIDAS_OI, roles: ['PSP_PI'] }),
      now: NOW,
    });
    const info = parseCertificate(cert.pem);
    expect(info.subject.map((a) => `${a.name}=${a.value}`)).toEqual([
      'C=GB',
      'O=Acme Payments Ltd',
      `organizationIdentifier=${EIDAS_OI}`,
      'CN=Acme Payments Ltd',
    ]);
    expectCommon(info, new X509Certificate(cert.pem), 730);
    expect(info.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(info.extKeyUsage).toEqual([]);
    expect(info.sanDns).toEqual([]);
    expect(info.qcType).toBe('eseal');
    expect(info.psd2Roles).toEqual(['PSP_PI']);
  });

  it('server: the CSR subject, 1 year, serverAuth+clientAuth, SANs from CSR plus extras (deduplicated)', () => {
    const csr = parseCsr(createCsr({ key, subject: [{ name: 'CN', value: 'bank.localhost' }], ...sanOpts }));
    const cert = issueCertificate(ca, {
      type: 'server',
      csr,
      ctx: obContext(),
      now: NOW,
      extraSanDns: ['localhost', 'TPP.example.com'],
      extraSanIps: ['127.0.0.1', '0:0:0:0:0:0:0:1', '10.0.0.7'],
    });
    const info = parseCertificate(cert.pem);
    const x509 = new X509Certificate(cert.pem);
    expect(info.subject).toEqual([{ oid: '2.5.4.3', name: 'CN', value: 'bank.localhost' }]);
    expectCommon(info, x509, 365);
    expect(info.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(info.extKeyUsage).toEqual(['serverAuth', 'clientAuth']);
    expect(info.sanDns).toEqual(['tpp.example.com', 'api.tpp.example.com', 'localhost']);
    expect(info.sanIps).toEqual(['127.0.0.1', '::1', '10.0.0.7']);
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkIP('10.0.0.7')).toBe('10.0.0.7');
    expect(info.qcType).toBeUndefined();
  });
});

describe('issueCertificate details', () => {
  it('returns consistent metadata: serial of 16 positive bytes, fingerprints, kid', () => {
    const csr = parseCsr(createCsr({ key, subject: legacySubject() }));
    const serials = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const cert = issueCertificate(ca, { type: 'obtransport', csr, ctx: obContext() });
      expect(cert.serialHex).toMatch(/^[0-7][0-9a-f]{31}$/);
      expect(cert.serialHex.startsWith('00')).toBe(false);
      serials.add(cert.serialHex);
      expect(cert.x5t).toBe(createHash('sha1').update(cert.der).digest('base64url'));
      expect(cert.x5tS256).toBe(createHash('sha256').update(cert.der).digest('base64url'));
      expect(cert.kid).toBe(cert.x5t);
      expect(cert.pem).toBe(new X509Certificate(cert.der).toString());
    }
    expect(serials.size).toBe(20);
  });

  it('honours validityDays and caps notAfter at the issuing CA expiry', () => {
    const csr = parseCsr(createCsr({ key, subject: legacySubject() }));
    const short = issueCertificate(ca, {
      type: 'obtransport',
      csr,
      ctx: obContext(),
      now: NOW,
      validityDays: 1,
    });
    expect(short.notAfter).toEqual(new Date(NOW.getTime() + DAY));
    const long = issueCertificate(ca, {
      type: 'obtransport',
      csr,
      ctx: obContext(),
      now: NOW,
      validityDays: 100_000,
    });
    expect(long.notAfter).toEqual(parseCertificate(ca.issuingCertPem).notAfter);
    expect(() =>
      issueCertificate(ca, { type: 'obtransport', csr, ctx: obContext(), validityDays: 0 }),
    ).toThrow(RangeError);
  });

  it('encodes organizationIdentifier as PrintableString, or UTF8String when it has other characters', () => {
    const csr = parseCsr(createCsr({ key, subject: obwacSubject() }));
    const cert = issueCertificate(ca, { type: 'obwac', csr, ctx: obContext() });
    const printable = Buffer.concat([Buffer.from([0x13, OB_OI.length]), Buffer.from(OB_OI)]);
    expect(cert.der.includes(printable)).toBe(true);

    const oi = 'PSDDE-BAFIN-Zürich1';
    const qcsr = parseCsr(
      createCsr({
        key,
        subject: [
          { name: 'organizationIdentifier', value: oi },
          { name: 'CN', value: 'x' },
        ],
      }),
    );
    const qwac = issueCertificate(ca, {
      type: 'qwac',
      csr: qcsr,
      ctx: obContext({ organisationIdentifier: oi }),
    });
    const utf8 = Buffer.from(oi, 'utf8');
    expect(qwac.der.includes(Buffer.concat([Buffer.from([0x0c, utf8.length]), utf8]))).toBe(true);
    expect(parseCertificate(qwac.der).subject[0].value).toBe(oi);
  });

  it('re-checks the CSR against the profile and refuses misplaced options', () => {
    const csr = parseCsr(createCsr({ key, subject: legacySubject('WRONGORG') }));
    expect(() => issueCertificate(ca, { type: 'obtransport', csr, ctx: obContext() })).toThrow(CsrError);
    const good = parseCsr(createCsr({ key, subject: legacySubject() }));
    expect(() =>
      issueCertificate(ca, { type: 'obsigning', csr: good, ctx: obContext(), extraSanDns: ['a.example'] }),
    ).toThrow(/only allowed for obwac, qwac and server/);
    const wac = parseCsr(createCsr({ key, subject: obwacSubject() }));
    expect(() => issueCertificate(ca, { type: 'obwac', csr: wac, ctx: obContext({ roles: [] }) })).toThrow(
      /at least one PSD2 role/,
    );
    expect(() =>
      issueCertificate(ca, { type: 'obwac', csr: wac, ctx: obContext(), extraSanIps: ['not-an-ip'] }),
    ).toThrow(/not an IP address/);
  });

  it('puts the CA crlUrl of the moment in the certificate', async () => {
    const csr = parseCsr(createCsr({ key, subject: legacySubject() }));
    const other = { ...ca, crlUrl: 'http://127.0.0.1:9999/crl' };
    const cert = issueCertificate(other, { type: 'obtransport', csr, ctx: obContext() });
    expect(parseCertificate(cert.pem).crlUrls).toEqual(['http://127.0.0.1:9999/crl']);
  });
});

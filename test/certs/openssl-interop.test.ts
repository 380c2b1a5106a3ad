import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildCrl,
  type CertificateAuthority,
  type CertificateType,
  CsrError,
  checkCsrForProfile,
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
  openssl,
  SOFTWARE_ID,
  tempDir,
  writeFile,
} from './helpers.js';

let ca: CertificateAuthority;
let caDir: string;
let key: KeyPair;
let work: string;

beforeAll(async () => {
  caDir = tempDir();
  work = tempDir();
  [ca, key] = await Promise.all([
    loadOrCreateCa(caDir, { crlUrl: CRL_URL, rootKeyBits: 2048 }),
    generateRsaKeyPair(),
  ]);
  writeFile(work, 'k.pem', key.privateKeyPem);
});

function verifyArgs(leaf: string): string[] {
  return ['verify', '-CAfile', join(caDir, 'root.pem'), '-untrusted', join(caDir, 'issuing.pem'), leaf];
}

describe('interop with the openssl binary', () => {
  it("parses a CSR made by OB's documented command and accepts it for obtransport", () => {
    const r = openssl(
      [
        'req',
        '-new',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-out',
        'x.csr',
        '-keyout',
        'x.key',
        '-subj',
        `/C=GB/ST=/L=/O=OpenBanking/OU=${ORG_ID}/CN=${SOFTWARE_ID}`,
        '-sha256',
      ],
      work,
    );
    expect(r.status).toBe(0);
    const csr = parseCsr(readFileSync(join(work, 'x.csr'), 'utf8'));
    expect(csr.subject.map((a) => `${a.name}=${a.value}`)).toEqual([
      'C=GB',
      'O=OpenBanking',
      `OU=${ORG_ID}`,
      `CN=${SOFTWARE_ID}`,
    ]);
    expect(csr.keyBits).toBe(2048);
    expect(() => checkCsrForProfile('obtransport', csr, obContext())).not.toThrow();
    const cert = issueCertificate(ca, { type: 'obtransport', csr, ctx: obContext() });
    const leaf = writeFile(work, 'obtransport-openssl.pem', cert.pem);
    expect(openssl(verifyArgs(leaf)).stdout).toBe(`${leaf}: OK\n`);
    // The issued certificate matches the key openssl generated.
    const modulus = (args: string[]) => openssl(args, work).stdout.trim();
    expect(modulus(['x509', '-noout', '-modulus', '-in', leaf])).toBe(
      modulus(['rsa', '-noout', '-modulus', '-in', 'x.key']),
    );
  });

  it('accepts an OBWAC CSR with organizationIdentifier by OID and SANs from -addext; the SANs reach the certificate', () => {
    const r = openssl(
      [
        'req',
        '-new',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'obwac.key',
        '-out',
        'obwac.csr',
        '-subj',
        `/C=GB/O=Acme Ltd/2.5.4.97=${OB_OI}/CN=${ORG_ID}`,
        '-addext',
        'subjectAltName=DNS:tpp.example.com,IP:127.0.0.1',
      ],
      work,
    );
    expect(r.status).toBe(0);
    const csr = parseCsr(readFileSync(join(work, 'obwac.csr'), 'utf8'));
    expect(csr.sanDns).toEqual(['tpp.example.com']);
    expect(csr.sanIps).toEqual(['127.0.0.1']);
    checkCsrForProfile('obwac', csr, obContext());
    const cert = issueCertificate(ca, { type: 'obwac', csr, ctx: obContext({ legalName: 'Acme Ltd' }) });
    const info = parseCertificate(cert.pem);
    expect(info.sanDns).toEqual(['tpp.example.com']);
    expect(info.sanIps).toEqual(['127.0.0.1']);
    const leaf = writeFile(work, 'obwac-openssl.pem', cert.pem);
    const text = openssl(['x509', '-noout', '-ext', 'subjectAltName', '-in', leaf]).stdout;
    expect(text).toContain('DNS:tpp.example.com, IP Address:127.0.0.1');
  });

  it('openssl verify says OK for a certificate of every profile', () => {
    const csrFor = (subject: { name: string; value: string }[]) =>
      parseCsr(createCsr({ key, subject, sanDns: ['tpp.example.com'], sanIps: ['127.0.0.1'] }));
    const eidas = obContext({ organisationIdentifier: EIDAS_OI });
    const qSubject = [
      { name: 'C', value: 'GB' },
      { name: 'O', value: 'Acme Ltd' },
      { name: 'organizationIdentifier', value: EIDAS_OI },
      { name: 'CN', value: 'tpp.example.com' },
    ];
    const plan: [CertificateType, { name: string; value: string }[], ReturnType<typeof obContext>][] = [
      ['obtransport', legacySubject(), obContext()],
      ['obsigning', legacySubject(), obContext()],
      ['obwac', obwacSubject(), obContext()],
      ['obseal', obwacSubject(), obContext()],
      ['qwac', qSubject, eidas],
      ['qseal', qSubject, eidas],
      ['server', [{ name: 'CN', value: 'localhost' }], obContext()],
    ];
    for (const [type, subject, ctx] of plan) {
      const cert = issueCertificate(ca, { type, csr: csrFor(subject), ctx });
      const leaf = writeFile(work, `${type}.pem`, cert.pem);
      const r = openssl(verifyArgs(leaf));
      expect({ type, out: r.stdout, status: r.status }).toEqual({ type, out: `${leaf}: OK\n`, status: 0 });
    }
    // The CA certificates themselves.
    expect(openssl(['verify', '-CAfile', join(caDir, 'root.pem'), join(caDir, 'issuing.pem')]).status).toBe(
      0,
    );
    expect(openssl(['verify', '-CAfile', join(caDir, 'bundle.pem'), join(work, 'obwac.pem')]).status).toBe(0);
  });

  it('a revoked serial is listed by openssl crl and fails openssl verify -crl_check', () => {
    const csr = parseCsr(createCsr({ key, subject: legacySubject() }));
    const revoked = issueCertificate(ca, { type: 'obtransport', csr, ctx: obContext() });
    const good = issueCertificate(ca, { type: 'obtransport', csr, ctx: obContext() });
    const crl = buildCrl(ca, [{ serialHex: revoked.serialHex, revokedAt: new Date() }], { crlNumber: 7 });
    const der = writeFile(work, 'crl.der', crl.der);
    const pem = writeFile(work, 'crl.pem', crl.pem);

    const text = openssl(['crl', '-inform', 'DER', '-in', der, '-noout', '-text']);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(`Serial Number: ${revoked.serialHex.toUpperCase()}`);
    expect(text.stdout).not.toContain(good.serialHex.toUpperCase());
    expect(text.stdout).toMatch(/X509v3 CRL Number:\s*\n\s*7\n/);
    expect(text.stdout).toContain('Issuer: C = GB, O = obmock, CN = obmock Issuing CA');
    // The CRL signature verifies with the issuing CA.
    expect(openssl(['crl', '-in', pem, '-noout', '-CAfile', join(caDir, 'bundle.pem')]).stderr).toContain(
      'verify OK',
    );

    const revokedPath = writeFile(work, 'revoked.pem', revoked.pem);
    const goodPath = writeFile(work, 'good.pem', good.pem);
    const crlArgs = (leaf: string) => [...verifyArgs(leaf).slice(0, -1), '-crl_check', '-CRLfile', pem, leaf];
    const bad = openssl(crlArgs(revokedPath));
    expect(bad.status).not.toBe(0);
    expect(bad.stdout + bad.stderr).toContain('certificate revoked');
    const ok = openssl(crlArgs(goodPath));
    expect(ok.stdout).toBe(`${goodPath}: OK\n`);
  });

  it('openssl x509 -text shows the qcStatements and the organizationIdentifier of an OBWAC', () => {
    const csr = parseCsr(createCsr({ key, subject: obwacSubject() }));
    const cert = issueCertificate(ca, { type: 'obwac', csr, ctx: obContext() });
    const leaf = writeFile(work, 'obwac-text.pem', cert.pem);
    const { stdout } = openssl(['x509', '-noout', '-text', '-in', leaf]);
    expect(stdout).toContain(
      `Subject: C = GB, O = Acme Payments Ltd, organizationIdentifier = ${OB_OI}, CN = ${ORG_ID}`,
    );
    expect(stdout).toContain('qcStatements:');
    expect(stdout).toContain('PSP_AI');
    expect(stdout).toContain('Financial Conduct Authority');
    expect(stdout).toMatch(/X509v3 Key Usage: critical\s*\n\s*Digital Signature\n/);
    expect(stdout).toMatch(/X509v3 Basic Constraints: critical\s*\n\s*CA:FALSE\n/);
    expect(stdout).toContain(`URI:${CRL_URL}`);
    // The OIDs themselves, from the DER dump.
    const dump = openssl(['asn1parse', '-in', leaf]).stdout;
    expect(dump).toContain(':qcStatements');
    expect(dump).toContain(':organizationIdentifier');
    const rfc2253 = openssl(['x509', '-noout', '-subject', '-nameopt', 'RFC2253', '-in', leaf]).stdout;
    expect(rfc2253).toBe(`subject=CN=${ORG_ID},organizationIdentifier=${OB_OI},O=Acme Payments Ltd,C=GB\n`);
  });

  it('openssl req -verify accepts a CSR from createCsr and shows its subject and SANs', () => {
    const pem = createCsr({
      key,
      subject: obwacSubject(),
      sanDns: ['tpp.example.com'],
      sanIps: ['127.0.0.1'],
    });
    const path = writeFile(work, 'ours.csr', pem);
    const r = openssl(['req', '-verify', '-noout', '-text', '-in', path]);
    expect(r.status).toBe(0);
    expect(r.stderr + r.stdout).toMatch(/verify OK/);
    expect(r.stdout).toContain(
      `Subject: C = GB, O = Acme Payments Ltd, organizationIdentifier = ${OB_OI}, CN = ${ORG_ID}`,
    );
    expect(r.stdout).toContain('DNS:tpp.example.com, IP Address:127.0.0.1');
    expect(r.stdout).toContain('Signature Algorithm: sha256WithRSAEncryption');
  });

  it('a SHA-1 signed CSR is refused with field "signature"', () => {
    const r = openssl(
      ['req', '-new', '-key', 'k.pem', '-sha1', '-subj', `/CN=${SOFTWARE_ID}`, '-out', 'sha1.csr'],
      work,
    );
    expect(r.status).toBe(0);
    const pem = readFileSync(join(work, 'sha1.csr'), 'utf8');
    expect(() => parseCsr(pem)).toThrow(CsrError);
    expect(() => parseCsr(pem)).toThrow(/^signature: SHA-1/);
  });

  it('accepts an RSA-PSS signed CSR made by openssl', () => {
    const r = openssl(
      [
        'req',
        '-new',
        '-key',
        'k.pem',
        '-sha256',
        '-sigopt',
        'rsa_padding_mode:pss',
        '-sigopt',
        'rsa_pss_saltlen:32',
        '-subj',
        `/CN=${SOFTWARE_ID}`,
        '-out',
        'pss.csr',
      ],
      work,
    );
    expect(r.status).toBe(0);
    const csr = parseCsr(readFileSync(join(work, 'pss.csr'), 'utf8'));
    expect(csr.signatureAlgorithm).toBe('RSASSA-PSS');
  });
});

describe('an EC P-256 CA (keyType ec): what CERT-untrusted-issuer uses instead of two RSA keys', () => {
  it('openssl verifies its chain, an RSA transport certificate it issued and its CRL; all signed ecdsa-with-SHA256', async () => {
    const dir = tempDir();
    const ec = await loadOrCreateCa(dir, { crlUrl: CRL_URL, keyType: 'ec' });
    const root = parseCertificate(ec.rootCertPem);
    expect(root.publicKey.asymmetricKeyType).toBe('ec');
    expect(root.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const csr = parseCsr(createCsr({ key, subject: legacySubject() }));
    const cert = issueCertificate(ec, { type: 'obtransport', csr, ctx: obContext() });
    const leaf = writeFile(work, 'ec-ca-leaf.pem', cert.pem);
    const args = ['-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'issuing.pem')];
    expect(openssl(['verify', ...args, leaf]).stdout).toBe(`${leaf}: OK\n`);
    for (const pem of [join(dir, 'root.pem'), join(dir, 'issuing.pem'), leaf]) {
      const text = openssl(['x509', '-noout', '-text', '-in', pem]).stdout;
      expect(text).toMatch(/Signature Algorithm: ecdsa-with-SHA256/);
    }
    // the leaf keeps its RSA 2048 key; only the CA's signature is ECDSA
    expect(parseCertificate(cert.pem).keyBits).toBe(2048);
    const crl = writeFile(work, 'ec-ca.crl', buildCrl(ec, [], { crlNumber: 1 }).pem);
    const crlCheck = openssl(['crl', '-noout', '-in', crl, '-CAfile', join(dir, 'bundle.pem')]);
    expect(crlCheck.stderr).toMatch(/verify OK/);
    // not trusted by the RSA CA of this file: a chain to another CA fails
    const other = openssl([
      'verify',
      '-CAfile',
      join(caDir, 'root.pem'),
      '-untrusted',
      join(caDir, 'issuing.pem'),
      leaf,
    ]);
    expect(other.status).not.toBe(0);
  });
});

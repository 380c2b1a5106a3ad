import { beforeAll, describe, expect, it } from 'vitest';
import { readTlv } from '../../certs/asn1.js';
import {
  type CertificateAuthority,
  CertificateParseError,
  certificateSubject,
  createCsr,
  generateRsaKeyPair,
  issueCertificate,
  type KeyPair,
  loadOrCreateCa,
  parseCertificate,
  parseCsr,
  toPem,
} from '../../certs/index.js';
import { CRL_URL, legacySubject, obContext, obwacSubject, openssl, tempDir, writeFile } from './helpers.js';

let ca: CertificateAuthority;
let key: KeyPair;
let certs: Record<string, string>;

beforeAll(async () => {
  [ca, key] = await Promise.all([
    loadOrCreateCa(tempDir(), { crlUrl: CRL_URL, rootKeyBits: 2048 }),
    generateRsaKeyPair(),
  ]);
  const issue = (type: 'obtransport' | 'obwac', subject: { name: string; value: string }[]) =>
    issueCertificate(ca, { type, csr: parseCsr(createCsr({ key, subject })), ctx: obContext() }).pem;
  certs = {
    obtransport: issue('obtransport', legacySubject()),
    obwac: issue('obwac', obwacSubject()),
    'root CA': ca.rootCertPem,
    'issuing CA': ca.issuingCertPem,
  };
});

const derOf = (pem: string) => parseCertificate(pem).der;

describe('certificateSubject', () => {
  it('reads the subject parseCertificate reads, from PEM, PEM bytes and DER', () => {
    for (const [what, pem] of Object.entries(certs)) {
      const expected = parseCertificate(pem).subject;
      expect(expected.length, what).toBeGreaterThan(0);
      expect(certificateSubject(pem), what).toEqual(expected);
      expect(certificateSubject(Buffer.from(pem)), what).toEqual(expected);
      expect(certificateSubject(derOf(pem)), what).toEqual(expected);
    }
  });

  it('reads a certificate made by openssl (version 3, explanatory text around the PEM)', () => {
    const dir = tempDir();
    const r = openssl(
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-utf8',
        '-keyout',
        'k.pem',
        '-subj',
        '/C=GB/O=Café Ltd/CN=x.example',
        '-days',
        '1',
        '-out',
        'c.pem',
      ],
      dir,
    );
    expect(r.status).toBe(0);
    const text = openssl([
      'x509',
      '-in',
      writeFile(dir, 'copy.pem', openssl(['x509', '-in', `${dir}/c.pem`]).stdout),
      '-text',
    ]).stdout;
    expect(certificateSubject(text)).toEqual(parseCertificate(text).subject);
    expect(certificateSubject(text).map((a) => a.value)).toEqual(['GB', 'Café Ltd', 'x.example']);
  });

  it('refuses what is not one certificate with CertificateParseError, naming what is wrong', () => {
    const der = derOf(certs.obtransport);
    const outer = readTlv(der, 0);
    const tbs = readTlv(der, outer.contentStart);
    const cases: [string, string | Buffer, RegExp][] = [
      ['not PEM or DER', 'nope', /expected exactly one "CERTIFICATE"|not an X.509/],
      ['two certificates', ca.bundlePem, /exactly one "CERTIFICATE"/],
      ['a CSR', createCsr({ key, subject: legacySubject() }), /exactly one "CERTIFICATE"/],
      ['empty DER', Buffer.alloc(0), /not an X.509 certificate/],
      ['truncated', der.subarray(0, der.length - 10), /truncated DER|not an X.509/],
      ['cut inside the TBSCertificate', der.subarray(0, tbs.contentStart + 40), /not an X.509/],
      ['trailing bytes', Buffer.concat([der, Buffer.from([0])]), /bytes after the certificate/],
      [
        'an INTEGER instead of the outer SEQUENCE',
        Buffer.from([0x02, 0x01, 0x00]),
        /Certificate: unexpected tag/,
      ],
      [
        'a TBSCertificate that is not a SEQUENCE',
        (() => {
          const b = Buffer.from(der);
          b[tbs.start] = 0x31;
          return b;
        })(),
        /TBSCertificate: unexpected tag/,
      ],
      [
        'a SEQUENCE holding only a version',
        Buffer.from([0x30, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x02, 0x01, 0x02]),
        /serialNumber: missing/,
      ],
    ];
    for (const [what, input, message] of cases) {
      let err: unknown;
      try {
        certificateSubject(input);
      } catch (e) {
        err = e;
      }
      expect(err, what).toBeInstanceOf(CertificateParseError);
      expect((err as Error).message, what).toMatch(message);
    }
    // the PEM of a truncated DER is refused the same way
    expect(() => certificateSubject(toPem(der.subarray(0, 200), 'CERTIFICATE'))).toThrow(
      CertificateParseError,
    );
  });
});

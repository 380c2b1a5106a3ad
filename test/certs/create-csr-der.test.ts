import { generateKeyPairSync, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Asn1,
  bitString,
  implicitConstructed,
  oid,
  readTlv,
  seq,
  setOf,
  smallInteger,
  toDer,
  wrapDer,
} from '../../certs/asn1.js';
import { derOid } from '../../certs/der-write.js';
import { resolveAttributeType } from '../../certs/dn-names.js';
import { createCsr, generateRsaKeyPair, type KeyPair, parseCsr } from '../../certs/index.js';
import { ipToBytes } from '../../certs/ip-and-dns.js';
import { OID } from '../../certs/oids.js';
import { pemBlocks } from '../../certs/pem.js';
import { sha256WithRsaAlgorithm } from '../../certs/sign.js';
import { subjectAltNameExt, subjectPublicKey } from '../../certs/x509-build.js';
import { encodeName } from '../../certs/x509-name.js';
import { OB_OI, ORG_ID, openssl, SOFTWARE_ID, tempDir, writeFile } from './helpers.js';

/**
 * createCsr writes its DER directly since it stopped building a node-forge tree. This is the
 * forge construction it replaced (CertificationRequestInfo from forge nodes), kept here as the
 * reference the new bytes must equal.
 */
function forgeCri(
  key: Pick<KeyPair, 'publicKey'>,
  subject: { name: string; value: string }[],
  dns: string[] = [],
  ips: string[] = [],
): Buffer {
  const attrs = subject
    .filter((a) => a.value !== '')
    .map((a) => ({ oid: resolveAttributeType(a.name)!.oid, value: a.value }));
  const attributes: Asn1[] = [];
  if (dns.length > 0 || ips.length > 0) {
    const ipBytes = ips.map((ip) => ipToBytes(ip)!);
    attributes.push(seq([oid(OID.extensionRequest), setOf([seq([subjectAltNameExt(dns, ipBytes)])])]));
  }
  return toDer(
    seq([
      smallInteger(0),
      encodeName(attrs),
      subjectPublicKey(key.publicKey).node,
      implicitConstructed(0, attributes),
    ]),
  );
}

function derOf(pem: string): Buffer {
  return pemBlocks(pem, true)[0].der;
}

/** The CertificationRequestInfo: the first element of the CSR's outer SEQUENCE. */
function criOf(der: Buffer): Buffer {
  const outer = readTlv(der, 0);
  const cri = readTlv(der, outer.contentStart);
  return der.subarray(cri.start, cri.end);
}

const legacy = [
  { name: 'C', value: 'GB' },
  { name: 'ST', value: '' },
  { name: 'L', value: '' },
  { name: 'O', value: 'OpenBanking' },
  { name: 'OU', value: ORG_ID },
  { name: 'CN', value: SOFTWARE_ID },
];

const SUBJECTS: [string, { name: string; value: string }[]][] = [
  ['the legacy OB transport/signing subject', legacy],
  [
    'an OBWAC subject (organizationIdentifier as a PrintableString)',
    [
      { name: 'C', value: 'GB' },
      { name: 'O', value: 'Acme Payments Ltd' },
      { name: 'organizationIdentifier', value: OB_OI },
      { name: 'CN', value: ORG_ID },
    ],
  ],
  [
    'values that need UTF8String (accents, "&", "*", "@", CJK)',
    [
      { name: 'O', value: 'Café & Crème *Ltd*' },
      { name: 'OU', value: 'a@b' },
      { name: 'CN', value: '銀行 TPP' },
    ],
  ],
  [
    'emailAddress and DC as IA5String, and UTF8String past 7-bit ASCII',
    [
      { name: 'emailAddress', value: 'ops@tpp.example.com' },
      { name: 'DC', value: 'example' },
      { name: 'E', value: 'ops@bücher.example' },
    ],
  ],
  [
    'attributes named by OID, with multi-byte arcs; a C that is not printable',
    [
      { name: '1.3.6.1.4.1.311.60.2.1.3', value: 'GB' },
      { name: 'OID.2.5.4.5', value: '12345678' },
      { name: 'C', value: 'G_B' },
    ],
  ],
  ['a long value (a length over 127 bytes)', [{ name: 'O', value: 'x'.repeat(300) }]],
  ['no subject at all', []],
];

let rsa: KeyPair;

beforeAll(async () => {
  rsa = await generateRsaKeyPair(2048);
});

describe('createCsr writes the same DER as the forge construction it replaced', () => {
  for (const [what, subject] of SUBJECTS) {
    it(`${what}: byte for byte, signature included (RSA PKCS#1 v1.5 is deterministic)`, () => {
      const cri = forgeCri(rsa, subject);
      const expected = wrapDer(0x30, [
        cri,
        toDer(sha256WithRsaAlgorithm()),
        toDer(bitString(sign('sha256', cri, rsa.privateKey))),
      ]);
      const pem = createCsr({ key: rsa, subject });
      expect(derOf(pem).toString('hex')).toBe(expected.toString('hex'));
      const parsed = parseCsr(pem);
      expect(parsed.subject.map((a) => a.value)).toEqual(subject.filter((a) => a.value).map((a) => a.value));
    });
  }

  it('with subjectAltNames (DNS and IP), and with an EC P-256 key (the request info)', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const subject = [{ name: 'CN', value: 'localhost' }];
    const dns = ['localhost', '*.tpp.example.com'];
    const ips = ['127.0.0.1', '::1'];
    for (const key of [rsa, ec]) {
      const pem = createCsr({ key, subject, sanDns: dns, sanIps: ips });
      expect(criOf(derOf(pem)).toString('hex')).toBe(forgeCri(key, subject, dns, ips).toString('hex'));
      const parsed = parseCsr(pem);
      expect(parsed.sanDns).toEqual(dns);
      expect(parsed.sanIps).toEqual(ips);
    }
  });

  it('openssl req -verify accepts the legacy CSR and shows the subject OB documents', () => {
    const path = writeFile(tempDir(), 'legacy.csr', createCsr({ key: rsa, subject: legacy }));
    const r = openssl(['req', '-verify', '-noout', '-subject', '-nameopt', 'RFC2253', '-in', path]);
    expect(r.status).toBe(0);
    expect(r.stderr + r.stdout).toMatch(/verify OK/);
    expect(r.stdout).toContain(`subject=CN=${SOFTWARE_ID},OU=${ORG_ID},O=OpenBanking,C=GB`);
  });
});

describe('derOid', () => {
  it('encodes arcs as X.690 says, and refuses what is not an OID', () => {
    expect(derOid('2.5.4.3').toString('hex')).toBe('0603550403');
    expect(derOid('1.2.840.113549.1.1.11').toString('hex')).toBe('06092a864886f70d01010b');
    expect(derOid('2.999.3').toString('hex')).toBe('0603883703');
    expect(derOid('1.3.6.1.4.1.311.60.2.1.3').toString('hex')).toBe(
      toDer(oid('1.3.6.1.4.1.311.60.2.1.3')).toString('hex'),
    );
    for (const bad of ['', '1', '3.1', '1.40', '1.2.x', '1..2', '1.02', '-1.2', '1.2.99999999999999999']) {
      expect(() => derOid(bad), bad).toThrow(TypeError);
    }
  });
});

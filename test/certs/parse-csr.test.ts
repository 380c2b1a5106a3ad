import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CsrError,
  createCsr,
  generateRsaKeyPair,
  type KeyPair,
  MAX_CSR_PEM_BYTES,
  parseCsr,
} from '../../certs/index.js';
import { flipDerByte, legacySubject, ORG_ID, SOFTWARE_ID } from './helpers.js';

let key: KeyPair;
let goodPem: string;

beforeAll(async () => {
  key = await generateRsaKeyPair(2048);
  goodPem = createCsr({
    key,
    subject: legacySubject(),
    sanDns: ['tpp.example.com'],
    sanIps: ['192.0.2.1', '2001:db8::1'],
  });
});

function keyPairSync(type: 'rsa' | 'ec', opts: { modulusLength?: number; namedCurve?: string }) {
  const { privateKey, publicKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: opts.modulusLength! })
      : generateKeyPairSync('ec', { namedCurve: opts.namedCurve! });
  return { privateKey, publicKey };
}

function fieldOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof CsrError) return err.field;
    throw err;
  }
  throw new Error('expected a CsrError');
}

describe('parseCsr', () => {
  it('parses subject, key, SANs and algorithm of a valid CSR', () => {
    const csr = parseCsr(goodPem);
    expect(csr.subject).toEqual([
      { oid: '2.5.4.6', name: 'C', value: 'GB' },
      { oid: '2.5.4.10', name: 'O', value: 'OpenBanking' },
      { oid: '2.5.4.11', name: 'OU', value: ORG_ID },
      { oid: '2.5.4.3', name: 'CN', value: SOFTWARE_ID },
    ]);
    expect(csr.keyType).toBe('RSA');
    expect(csr.keyBits).toBe(2048);
    expect(csr.sanDns).toEqual(['tpp.example.com']);
    expect(csr.sanIps).toEqual(['192.0.2.1', '2001:db8::1']);
    expect(csr.signatureAlgorithm).toBe('sha256WithRSAEncryption');
    expect(csr.publicKey.export({ type: 'spki', format: 'pem' })).toBe(key.publicKeyPem);
    expect(csr.der.equals(Buffer.from(goodPem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64'))).toBe(true);
  });

  it('accepts NEW CERTIFICATE REQUEST, CRLF line endings and surrounding whitespace', () => {
    const legacy = goodPem.replaceAll('CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST');
    expect(parseCsr(legacy).subject).toHaveLength(4);
    expect(parseCsr(`\n  ${goodPem.replaceAll('\n', '\r\n')}\n\n`).keyBits).toBe(2048);
  });

  it('accepts an EC P-256 key and reports it (the profile check decides)', () => {
    const ec = keyPairSync('ec', { namedCurve: 'prime256v1' });
    const csr = parseCsr(createCsr({ key: ec, subject: [{ name: 'CN', value: 'ec' }] }));
    expect(csr.keyType).toBe('EC');
    expect(csr.keyBits).toBe(256);
    expect(csr.signatureAlgorithm).toBe('ecdsa-with-SHA256');
  });

  it('a modified CSR no longer verifies (subject byte changed)', () => {
    const der = parseCsr(goodPem).der;
    const at = der.indexOf(Buffer.from('OpenBanking'));
    const tampered = flipDerByte(goodPem, 'CERTIFICATE REQUEST', at);
    expect(fieldOf(() => parseCsr(tampered))).toBe('signature');
  });

  describe('rejects, naming the field', () => {
    const rsa1024 = () =>
      createCsr({ key: keyPairSync('rsa', { modulusLength: 1024 }), subject: legacySubject() });
    const ecP384 = () =>
      createCsr({ key: keyPairSync('ec', { namedCurve: 'secp384r1' }), subject: legacySubject() });
    const cases: [string, () => string, string, RegExp][] = [
      ['garbage', () => 'hello world', 'pem', /no PEM block/],
      ['empty input', () => '', 'pem', /no PEM block/],
      [
        'a certificate instead of a CSR',
        () => goodPem.replaceAll('CERTIFICATE REQUEST', 'CERTIFICATE'),
        'pem',
        /"CERTIFICATE" block/,
      ],
      ['a private key', () => key.privateKeyPem, 'pem', /"PRIVATE KEY" block/],
      ['two CSR blocks', () => goodPem + goodPem, 'pem', /found 2 PEM blocks/],
      ['trailing junk', () => `${goodPem}junk`, 'pem', /unexpected text after/],
      ['leading junk', () => `junk\n${goodPem}`, 'pem', /unexpected text outside/],
      ['invalid base64', () => goodPem.replace(/\n[A-Za-z0-9+/]{4}/, '\n!!!!'), 'pem', /invalid base64/],
      [
        'base64 that is not DER',
        () =>
          `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.from('not asn.1 at all').toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`,
        'pem',
        /not a valid PKCS#10/,
      ],
      ['an unterminated block', () => goodPem.replace(/-----END.*/, ''), 'pem', /unterminated/],
      [
        'oversized input',
        () => `${goodPem}${' '.repeat(MAX_CSR_PEM_BYTES)}`,
        'pem',
        /larger than the 65536 bytes/,
      ],
      ['a 1024-bit RSA key', rsa1024, 'publicKey', /1024 bits; at least 2048/],
      ['an EC P-384 key', ecP384, 'publicKey', /secp384r1 is not accepted/],
      [
        'a flipped signature byte',
        () => flipDerByte(goodPem, 'CERTIFICATE REQUEST', -1),
        'signature',
        /does not verify/,
      ],
    ];
    for (const [name, make, field, message] of cases) {
      it(name, () => {
        const input = make();
        expect(fieldOf(() => parseCsr(input))).toBe(field);
        expect(() => parseCsr(input)).toThrow(message);
      });
    }

    it('a non-string input', () => {
      expect(fieldOf(() => parseCsr(Buffer.from(goodPem) as unknown as string))).toBe('pem');
    });
  });
});

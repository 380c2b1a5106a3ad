import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCsr, generateRsaKeyPair, type KeyPair, parseCsr } from '../../certs/index.js';
import { OB_OI, ORG_ID, SOFTWARE_ID } from './helpers.js';

let key: KeyPair;

beforeAll(async () => {
  key = await generateRsaKeyPair();
});

describe('createCsr', () => {
  it('builds a CSR that parseCsr accepts, keeping subject order and SANs, leaving empty values out', () => {
    const pem = createCsr({
      key,
      subject: [
        { name: 'C', value: 'GB' },
        { name: 'ST', value: '' },
        { name: 'L', value: '' },
        { name: 'O', value: 'OpenBanking' },
        { name: 'OU', value: ORG_ID },
        { name: 'CN', value: SOFTWARE_ID },
      ],
      sanDns: ['a.example.com', '*.b.example.com'],
      sanIps: ['10.1.2.3', 'fe80::1'],
    });
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n/);
    const csr = parseCsr(pem);
    expect(csr.subject.map((a) => `${a.name}=${a.value}`)).toEqual([
      'C=GB',
      'O=OpenBanking',
      `OU=${ORG_ID}`,
      `CN=${SOFTWARE_ID}`,
    ]);
    expect(csr.sanDns).toEqual(['a.example.com', '*.b.example.com']);
    expect(csr.sanIps).toEqual(['10.1.2.3', 'fe80::1']);
  });

  it('encodes organizationIdentifier (by name or OID) as a PrintableString', () => {
    for (const name of ['organizationIdentifier', '2.5.4.97']) {
      const csr = parseCsr(createCsr({ key, subject: [{ name, value: OB_OI }] }));
      expect(csr.subject).toEqual([{ oid: '2.5.4.97', name: 'organizationIdentifier', value: OB_OI }]);
      expect(csr.der.includes(Buffer.concat([Buffer.from([0x13, OB_OI.length]), Buffer.from(OB_OI)]))).toBe(
        true,
      );
    }
  });

  it('signs with an EC P-256 key too', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expect(parseCsr(createCsr({ key: ec, subject: [{ name: 'CN', value: 'x' }] })).keyType).toBe('EC');
  });

  it('refuses unknown attribute names and bad SANs', () => {
    expect(() => createCsr({ key, subject: [{ name: 'Nickname', value: 'x' }] })).toThrow(
      /unknown subject attribute/,
    );
    expect(() => createCsr({ key, subject: [], sanDns: ['bad host'] })).toThrow(/not a valid DNS name/);
    expect(() => createCsr({ key, subject: [], sanIps: ['300.1.1.1'] })).toThrow(/not an IP address/);
  });
});

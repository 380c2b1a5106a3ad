import { describe, expect, it } from 'vitest';
import { type DnAttribute, DnParseError, dnToString, parseDn } from '../../certs/index.js';
import { OB_OI, ORG_ID } from './helpers.js';

const obwac: DnAttribute[] = [
  { oid: '2.5.4.6', name: 'C', value: 'GB' },
  { oid: '2.5.4.10', name: 'O', value: 'Acme Ltd' },
  { oid: '2.5.4.97', name: 'organizationIdentifier', value: OB_OI },
  { oid: '2.5.4.3', name: 'CN', value: ORG_ID },
];
const OI_HEX = `1322${Buffer.from(OB_OI, 'ascii').toString('hex')}`;

describe('parseDn', () => {
  it('parses the three organizationIdentifier forms to the same attributes, in ASN.1 order', () => {
    expect(parseDn(`CN=${ORG_ID},organizationIdentifier=${OB_OI},O=Acme Ltd,C=GB`)).toEqual(obwac);
    expect(parseDn(`CN=${ORG_ID},2.5.4.97=${OB_OI},O=Acme Ltd,C=GB`)).toEqual(obwac);
    expect(parseDn(`CN=${ORG_ID},2.5.4.97=#${OI_HEX},O=Acme Ltd,C=GB`)).toEqual(obwac);
    expect(parseDn(`CN=${ORG_ID},2.5.4.97=#${OI_HEX.toUpperCase()},O=Acme Ltd,C=GB`)).toEqual(obwac);
    expect(parseDn(`CN=${ORG_ID},OID.2.5.4.97=${OB_OI},O=Acme Ltd,C=GB`)).toEqual(obwac);
  });

  it('round-trips dnToString in every form', () => {
    for (const oiForm of ['name', 'oid', 'hex'] as const)
      expect(parseDn(dnToString(obwac, { oiForm }))).toEqual(obwac);
  });

  it('decodes escapes, hex-escaped UTF-8, hex DER values and quoted values', () => {
    expect(parseDn('CN=Acme\\, Ltd')[0].value).toBe('Acme, Ltd');
    expect(parseDn('CN=a\\+b\\;c\\"d\\\\e\\<f\\>')[0].value).toBe('a+b;c"d\\e<f>');
    expect(parseDn('CN=\\#1')[0].value).toBe('#1');
    expect(parseDn('CN=\\ lead and trail\\ ')[0].value).toBe(' lead and trail ');
    expect(parseDn('CN=Lu\\C4\\8Di\\c4\\87')[0].value).toBe('Lučić');
    expect(parseDn('CN=#0c044cc3b364')[0].value).toBe('Lód');
    expect(parseDn('CN="Acme, Ltd"')[0].value).toBe('Acme, Ltd');
  });

  it('is lenient about spaces around separators and accepts ; and + (multi-valued RDNs flattened)', () => {
    expect(parseDn(' CN = x , O = y ; C=GB')).toEqual([
      { oid: '2.5.4.6', name: 'C', value: 'GB' },
      { oid: '2.5.4.10', name: 'O', value: 'y' },
      { oid: '2.5.4.3', name: 'CN', value: 'x' },
    ]);
    expect(parseDn('CN=a+OU=b').map((a) => a.name)).toEqual(['OU', 'CN']);
    expect(parseDn('commonName=x,st=Kent,1.2.3.4=v')).toEqual([
      { oid: '1.2.3.4', name: '1.2.3.4', value: 'v' },
      { oid: '2.5.4.8', name: 'ST', value: 'Kent' },
      { oid: '2.5.4.3', name: 'CN', value: 'x' },
    ]);
    expect(parseDn('')).toEqual([]);
  });

  it('round-trips values that need escaping', () => {
    for (const value of [
      'Acme, Ltd',
      'a+b',
      '"q"',
      '#lead',
      ' lead',
      'trail ',
      'back\\slash',
      'semi;colon',
      'Zürich',
    ]) {
      const attrs = [{ oid: '2.5.4.10', name: 'O', value }];
      expect(parseDn(dnToString(attrs))).toEqual(attrs);
    }
  });

  it('rejects malformed DNs with DnParseError', () => {
    for (const bad of [
      'CN',
      'XX=1',
      'CN=a\\',
      'CN=#zz',
      'CN=#123',
      '=x',
      'CN="open',
      'CN=a\\q',
      'CN=a"b',
      'CN=#0203010001',
      'CN=\\ff',
    ]) {
      expect(() => parseDn(bad), bad).toThrow(DnParseError);
    }
    expect(() => parseDn(`CN=${'a'.repeat(5000)}`)).toThrow(DnParseError);
  });
});

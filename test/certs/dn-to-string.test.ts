import { describe, expect, it } from 'vitest';
import { type DnAttribute, dnToString } from '../../certs/index.js';
import { OB_OI, ORG_ID } from './helpers.js';

const obwac: DnAttribute[] = [
  { oid: '2.5.4.6', name: 'C', value: 'GB' },
  { oid: '2.5.4.10', name: 'O', value: 'Acme Ltd' },
  { oid: '2.5.4.97', name: 'organizationIdentifier', value: OB_OI },
  { oid: '2.5.4.3', name: 'CN', value: ORG_ID },
];
const OI_HEX = `1322${Buffer.from(OB_OI, 'ascii').toString('hex')}`;

describe('dnToString', () => {
  it('renders most specific first, organizationIdentifier by name by default', () => {
    expect(dnToString(obwac)).toBe(`CN=${ORG_ID},organizationIdentifier=${OB_OI},O=Acme Ltd,C=GB`);
    expect(dnToString(obwac, { oiForm: 'name' })).toBe(dnToString(obwac));
  });

  it('renders organizationIdentifier as an OID, or as the hex of its DER PrintableString', () => {
    expect(dnToString(obwac, { oiForm: 'oid' })).toBe(`CN=${ORG_ID},2.5.4.97=${OB_OI},O=Acme Ltd,C=GB`);
    expect(dnToString(obwac, { oiForm: 'hex' })).toBe(`CN=${ORG_ID},2.5.4.97=#${OI_HEX},O=Acme Ltd,C=GB`);
    expect(OI_HEX.startsWith('132250534447422d4f422d556e6b6e6f776e')).toBe(true);
  });

  it('uses UTF8String in the hex form when the value is not printable', () => {
    const oi = 'PSDDE-BAFIN-Zürich';
    const utf8 = Buffer.from(oi, 'utf8');
    expect(
      dnToString([{ oid: '2.5.4.97', name: 'organizationIdentifier', value: oi }], { oiForm: 'hex' }),
    ).toBe(`2.5.4.97=#0c${utf8.length.toString(16).padStart(2, '0')}${utf8.toString('hex')}`);
  });

  it('escapes per RFC 4514', () => {
    const cn = (value: string) => dnToString([{ oid: '2.5.4.3', name: 'CN', value }]);
    expect(cn('Acme, Ltd')).toBe('CN=Acme\\, Ltd');
    expect(cn('a+b')).toBe('CN=a\\+b');
    expect(cn('say "hi"')).toBe('CN=say \\"hi\\"');
    expect(cn('#1 bank')).toBe('CN=\\#1 bank');
    expect(cn('in#side')).toBe('CN=in#side');
    expect(cn(' lead')).toBe('CN=\\ lead');
    expect(cn('trail ')).toBe('CN=trail\\ ');
    expect(cn('mid dle')).toBe('CN=mid dle');
    expect(cn('a;b<c>d\\e')).toBe('CN=a\\;b\\<c\\>d\\\\e');
    expect(cn('nul\u0000')).toBe('CN=nul\\00');
    expect(cn('x=y')).toBe('CN=x=y');
    expect(cn('Łódź')).toBe('CN=Łódź');
  });

  it('uses the OID for attribute types without a short name', () => {
    expect(dnToString([{ oid: '1.2.3.4', name: '1.2.3.4', value: 'v' }])).toBe('1.2.3.4=v');
    expect(dnToString([])).toBe('');
  });
});

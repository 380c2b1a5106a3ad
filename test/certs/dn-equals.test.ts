import { describe, expect, it } from 'vitest';
import { dnEquals, parseDn } from '../../certs/index.js';
import { OB_OI, ORG_ID } from './helpers.js';

const OI_HEX = `1322${Buffer.from(OB_OI, 'ascii').toString('hex')}`;

describe('dnEquals', () => {
  const named = parseDn(`CN=${ORG_ID},organizationIdentifier=${OB_OI},O=Acme Ltd,C=GB`);

  it('treats the three organizationIdentifier forms as equal', () => {
    expect(dnEquals(named, parseDn(`CN=${ORG_ID},2.5.4.97=${OB_OI},O=Acme Ltd,C=GB`))).toBe(true);
    expect(dnEquals(named, parseDn(`CN=${ORG_ID},2.5.4.97=#${OI_HEX},O=Acme Ltd,C=GB`))).toBe(true);
  });

  it('ignores case of values and surrounding whitespace', () => {
    expect(
      dnEquals(named, parseDn(`CN=${ORG_ID.toLowerCase()},organizationIdentifier=${OB_OI},O=ACME LTD,C=gb`)),
    ).toBe(true);
    expect(
      dnEquals(
        named,
        [...named].map((a) => ({ ...a, value: ` ${a.value}  ` })),
      ),
    ).toBe(true);
  });

  it('compares attribute by attribute: order, count, type and value matter', () => {
    expect(dnEquals(named, [...named].reverse())).toBe(false);
    expect(dnEquals(named, named.slice(1))).toBe(false);
    expect(dnEquals(named, parseDn(`CN=${ORG_ID},OU=${OB_OI},O=Acme Ltd,C=GB`))).toBe(false);
    expect(dnEquals(named, parseDn(`CN=${ORG_ID},organizationIdentifier=${OB_OI},O=Acme Limited,C=GB`))).toBe(
      false,
    );
    expect(dnEquals(parseDn('CN=a b'), parseDn('CN=a  b'))).toBe(false);
    expect(dnEquals([], [])).toBe(true);
  });
});

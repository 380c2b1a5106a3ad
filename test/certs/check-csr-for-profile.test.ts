import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateType,
  CsrError,
  checkCsrForProfile,
  createCsr,
  generateRsaKeyPair,
  type KeyPair,
  parseCsr,
  type SubjectContext,
} from '../../certs/index.js';
import { EIDAS_OI, legacySubject, OB_OI, ORG_ID, obContext, obwacSubject, SOFTWARE_ID } from './helpers.js';

let key: KeyPair;
const ecKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

beforeAll(async () => {
  key = await generateRsaKeyPair(2048);
});

type Subject = { name: string; value: string }[];

function check(
  type: CertificateType,
  subject: Subject,
  ctx: SubjectContext = obContext(),
  ec = false,
): string {
  const csr = parseCsr(createCsr({ key: ec ? ecKey : key, subject }));
  try {
    checkCsrForProfile(type, csr, ctx);
    return 'ok';
  } catch (err) {
    if (err instanceof CsrError) return err.field;
    throw err;
  }
}

const replace = (subject: Subject, name: string, value: string | null): Subject =>
  value === null
    ? subject.filter((a) => a.name !== name)
    : subject.map((a) => (a.name === name ? { name, value } : a));

const eidasCtx = obContext({ organisationIdentifier: EIDAS_OI });
const qSubject: Subject = [
  { name: 'C', value: 'DE' },
  { name: 'O', value: 'Acme GmbH' },
  { name: 'organizationIdentifier', value: EIDAS_OI },
  { name: 'CN', value: 'Acme GmbH' },
];

describe('checkCsrForProfile', () => {
  const legacy = legacySubject();
  const wac = obwacSubject();
  const cases: [string, CertificateType, Subject, SubjectContext, string][] = [
    ['obtransport: OB subject', 'obtransport', legacy, obContext(), 'ok'],
    ['obsigning: OB subject', 'obsigning', legacy, obContext(), 'ok'],
    [
      'obtransport: ST and L present',
      'obtransport',
      [legacy[0], { name: 'ST', value: 'London' }, { name: 'L', value: 'London' }, ...legacy.slice(1)],
      obContext(),
      'ok',
    ],
    [
      'obtransport: wrong OU',
      'obtransport',
      replace(legacy, 'OU', '0015800001041REAAZ'),
      obContext(),
      'subject.OU',
    ],
    ['obtransport: missing OU', 'obtransport', replace(legacy, 'OU', null), obContext(), 'subject.OU'],
    [
      'obtransport: duplicate OU',
      'obtransport',
      [...legacy, { name: 'OU', value: ORG_ID }],
      obContext(),
      'subject.OU',
    ],
    [
      'obtransport: wrong CN',
      'obtransport',
      replace(legacy, 'CN', 'another-software'),
      obContext(),
      'subject.CN',
    ],
    ['obsigning: wrong O', 'obsigning', replace(legacy, 'O', 'Open Banking'), obContext(), 'subject.O'],
    ['obsigning: wrong C', 'obsigning', replace(legacy, 'C', 'FR'), obContext(), 'subject.C'],
    ['obtransport: OBWAC-style subject', 'obtransport', wac, obContext(), 'subject.O'],
    ['obwac: OBWAC subject', 'obwac', wac, obContext(), 'ok'],
    ['obseal: OBWAC subject', 'obseal', wac, obContext(), 'ok'],
    ['obwac: no C is fine', 'obwac', replace(wac, 'C', null), obContext(), 'ok'],
    ['obwac: C other than GB', 'obwac', replace(wac, 'C', 'IE'), obContext(), 'subject.C'],
    ['obwac: wrong CN', 'obwac', replace(wac, 'CN', SOFTWARE_ID), obContext(), 'subject.CN'],
    [
      'obwac: wrong organizationIdentifier',
      'obwac',
      replace(wac, 'organizationIdentifier', 'PSDGB-OB-Unknown0015800001041REAAZ'),
      obContext(),
      'subject.organizationIdentifier',
    ],
    [
      'obseal: missing organizationIdentifier',
      'obseal',
      replace(wac, 'organizationIdentifier', null),
      obContext(),
      'subject.organizationIdentifier',
    ],
    ['obseal: missing O', 'obseal', replace(wac, 'O', null), obContext(), 'subject.O'],
    ['obwac: legacy subject', 'obwac', legacy, obContext(), 'subject.CN'],
    ['qwac: eIDAS subject', 'qwac', qSubject, eidasCtx, 'ok'],
    ['qseal: eIDAS subject', 'qseal', qSubject, eidasCtx, 'ok'],
    [
      'qwac: OB organizationIdentifier for an eIDAS context',
      'qwac',
      wac,
      eidasCtx,
      'subject.organizationIdentifier',
    ],
    ['qseal: missing CN', 'qseal', replace(qSubject, 'CN', null), eidasCtx, 'subject.CN'],
    ['server: CN only', 'server', [{ name: 'CN', value: 'bank.localhost' }], obContext(), 'ok'],
    ['server: no CN', 'server', [{ name: 'O', value: 'Bank' }], obContext(), 'subject.CN'],
  ];
  for (const [name, type, subject, ctx, expected] of cases) {
    it(name, () => {
      expect(check(type, subject, ctx)).toBe(expected);
    });
  }

  it('requires RSA for the transport and website profiles (EC P-256 is refused by the profile)', () => {
    expect(check('obtransport', legacy, obContext(), true)).toBe('publicKey');
    expect(check('obwac', wac, obContext(), true)).toBe('publicKey');
  });

  it('takes EC P-256 for the signing profiles (ES256 request objects and statements)', () => {
    expect(check('obsigning', legacy, obContext(), true)).toBe('ok');
    expect(check('obseal', wac, obContext(), true)).toBe('ok');
  });

  it('takes EC P-256 for our own TLS server certificates (no OB certificate)', () => {
    expect(check('server', [{ name: 'CN', value: 'x' }], obContext(), true)).toBe('ok');
    expect(check('server', [{ name: 'O', value: 'x' }], obContext(), true)).toBe('subject.CN');
  });

  it('says what was found and what is expected', () => {
    const csr = parseCsr(
      createCsr({ key, subject: replace(wac, 'organizationIdentifier', 'PSDGB-FCA-123456') }),
    );
    expect(() => checkCsrForProfile('obwac', csr, obContext())).toThrow(
      `subject.organizationIdentifier: is "PSDGB-FCA-123456"; expected the organisation identifier "${OB_OI}"`,
    );
    const legacyCsr = parseCsr(createCsr({ key, subject: replace(legacy, 'OU', null) }));
    expect(() => checkCsrForProfile('obtransport', legacyCsr, obContext())).toThrow(
      `subject.OU: missing; expected the organisation id "${ORG_ID}"`,
    );
  });

  it('rejects an unknown type and a legacy context without softwareId', () => {
    const csr = parseCsr(createCsr({ key, subject: legacy }));
    expect(() => checkCsrForProfile('nope' as CertificateType, csr, obContext())).toThrow(TypeError);
    expect(() => checkCsrForProfile('obtransport', csr, obContext({ softwareId: undefined }))).toThrow(
      TypeError,
    );
  });
});

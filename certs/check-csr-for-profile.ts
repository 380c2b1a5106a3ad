import { CsrError } from './errors.js';
import type { CertificateType, DnAttribute, ParsedCsr, SubjectContext } from './types.js';
import { CERTIFICATE_TYPES } from './types.js';

const OI = '2.5.4.97';

/** Profiles whose key signs JWS (request objects, SSAs, eIDAS statements). */
const SIGNING_PROFILES = new Set<CertificateType>(['obsigning', 'obseal', 'qseal']);

/**
 * Checks that a parsed CSR may be turned into a certificate of `type` for the organisation (and
 * software statement) in `ctx`. Throws CsrError naming the field that is wrong:
 * - obtransport/obsigning: subject C=GB, O=OpenBanking, OU=<orgId>, CN=<softwareId>
 *   (empty or absent ST/L, as OB's documented openssl command produces, are fine);
 * - obwac/obseal: CN=<orgId>, organizationIdentifier=ctx.organisationIdentifier, O present, C=GB if present;
 * - qwac/qseal: organizationIdentifier=ctx.organisationIdentifier, CN present;
 * - server: CN present.
 * Every OB/eIDAS profile needs an RSA key of at least 2048 bits; `server` and the signing
 * profiles (obsigning, obseal, qseal) also take EC P-256.
 * Attributes other than those named are ignored: the issued subject is built from `ctx`
 * (qwac/qseal/server copy the CSR subject).
 */
export function checkCsrForProfile(type: CertificateType, csr: ParsedCsr, ctx: SubjectContext): void {
  if (!CERTIFICATE_TYPES.includes(type)) {
    throw new TypeError(
      `unknown certificate type "${type}"; expected one of ${CERTIFICATE_TYPES.join(', ')}`,
    );
  }
  const subject = new Subject(csr.subject);
  switch (type) {
    case 'obtransport':
    case 'obsigning': {
      if (!ctx.softwareId) throw new TypeError(`${type} needs ctx.softwareId`);
      subject.expect('C', 'GB', 'the country code');
      subject.expect('O', 'OpenBanking', 'the organisation name');
      subject.expect('OU', ctx.orgId, 'the organisation id');
      subject.expect('CN', ctx.softwareId, 'the software statement id');
      break;
    }
    case 'obwac':
    case 'obseal': {
      subject.expect('CN', ctx.orgId, 'the organisation id');
      subject.expect('organizationIdentifier', ctx.organisationIdentifier, 'the organisation identifier', OI);
      subject.present('O', 'the organisation legal name');
      subject.optional('C', 'GB', 'the country code');
      break;
    }
    case 'qwac':
    case 'qseal': {
      subject.expect('organizationIdentifier', ctx.organisationIdentifier, 'the organisation identifier', OI);
      subject.present('CN', 'a common name');
      break;
    }
    case 'server':
      subject.present('CN', 'a common name (the host name)');
      break;
    case 'ocspSigning':
      subject.present('CN', 'a common name (the responder)');
      break;
  }
  // Our own TLS servers' certificates are no OB certificates: TLS (and FAPI's ECDHE-ECDSA suites)
  // allows EC P-256 there, which is ~300x cheaper to generate than RSA 2048.
  if (type === 'server' && csr.keyType === 'EC') return;
  // A signing key may be EC P-256: OB DCR and FAPI allow ES256 for request objects and SSAs, and
  // a bank advertising only ES256 needs the TPP's signing key in its software JWKS.
  if (SIGNING_PROFILES.has(type) && csr.keyType === 'EC') return;
  if (csr.keyType !== 'RSA' || csr.keyBits < 2048) {
    const found = csr.keyType === 'EC' ? 'an EC P-256 key' : `a ${csr.keyBits}-bit ${csr.keyType} key`;
    throw new CsrError(
      'publicKey',
      `${type} certificates need an RSA key of at least 2048 bits${SIGNING_PROFILES.has(type) ? ' (or EC P-256)' : ''}; the CSR has ${found}`,
    );
  }
}

const SHORT_NAMES: Record<string, string> = {
  C: '2.5.4.6',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  CN: '2.5.4.3',
};

class Subject {
  constructor(private readonly attrs: DnAttribute[]) {}

  /** Non-empty values of an attribute type. */
  private values(oid: string): string[] {
    return this.attrs.filter((a) => a.oid === oid && a.value.trim() !== '').map((a) => a.value);
  }

  private one(name: string, what: string, oid?: string): string | undefined {
    const values = this.values(oid ?? SHORT_NAMES[name]);
    if (values.length > 1) {
      throw new CsrError(`subject.${name}`, `appears ${values.length} times; expected exactly one: ${what}`);
    }
    return values[0];
  }

  expect(name: string, expected: string, what: string, oid?: string): void {
    const value = this.one(name, what, oid);
    if (value === undefined) throw new CsrError(`subject.${name}`, `missing; expected ${what} "${expected}"`);
    if (value !== expected) {
      throw new CsrError(`subject.${name}`, `is "${value}"; expected ${what} "${expected}"`);
    }
  }

  optional(name: string, expected: string, what: string): void {
    const value = this.one(name, what);
    if (value !== undefined && value !== expected) {
      throw new CsrError(`subject.${name}`, `is "${value}"; expected ${what} "${expected}" or no ${name}`);
    }
  }

  present(name: string, what: string): void {
    if (this.one(name, what) === undefined)
      throw new CsrError(`subject.${name}`, `missing; expected ${what}`);
  }
}

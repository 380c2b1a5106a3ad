import { join } from 'node:path';
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Asn1,
  explicit,
  normaliseHex,
  readTlv,
  seq,
  smallInteger,
  time,
  toDer,
  unsignedInteger,
  wrapDer,
} from '../../certs/asn1.js';
import { buildCrlInSlices } from '../../certs/build-crl.js';
import {
  buildCrl,
  type CertificateAuthority,
  CrlError,
  createCsr,
  generateRsaKeyPair,
  isRevoked,
  issueCertificate,
  loadOrCreateCa,
  parseCrl,
  parseCsr,
  type RevokedEntry,
  verifyCertificate,
} from '../../certs/index.js';
import { OID } from '../../certs/oids.js';
import { signatureAlgorithmFor, signSha256 } from '../../certs/sign.js';
import { crlParseStats } from '../../certs/verify-certificate.js';
import { authorityKeyIdExt, extension } from '../../certs/x509-build.js';
import { CRL_URL, openssl, tempDir, writeFile } from './helpers.js';

let ca: CertificateAuthority;
let caDir: string;

beforeAll(async () => {
  caDir = tempDir();
  ca = await loadOrCreateCa(caDir, { crlUrl: CRL_URL, rootKeyBits: 2048 });
});

const NOW = new Date('2026-04-01T08:00:00.000Z');

/** The CRL encoder as it was before entries were written as raw DER: one node-forge tree, encoded whole. */
function buildCrlWithForgeTree(revoked: readonly RevokedEntry[], crlNumber: number, now: Date): Buffer {
  const nowMs = Math.floor(now.getTime() / 1000) * 1000;
  const seen = new Set<string>();
  const entries: Asn1[] = [];
  for (const r of revoked) {
    const serial = normaliseHex(r.serialHex);
    if (seen.has(serial)) continue;
    seen.add(serial);
    entries.push(seq([unsignedInteger(Buffer.from(serial, 'hex')), time(r.revokedAt)]));
  }
  const fields = [
    smallInteger(1),
    signatureAlgorithmFor(ca.issuingKey),
    ca.issuer.name as unknown as Asn1,
    time(new Date(nowMs)),
    time(new Date(nowMs + 7 * 86_400_000)),
  ];
  if (entries.length > 0) fields.push(seq(entries));
  fields.push(
    explicit(
      0,
      seq([extension(OID.crlNumber, false, smallInteger(crlNumber)), authorityKeyIdExt(ca.issuer.keyId)]),
    ),
  );
  return signSha256(toDer(seq(fields)), ca.issuingKey);
}

/** The entries as node-forge reads them from the whole tree: the reference for the in-place reader. */
function entriesWithForgeTree(der: Buffer): RevokedEntry[] {
  const root = forge.asn1.fromDer(der.toString('binary'), { strict: true, parseAllBytes: true } as never);
  const tbs = (root.value as Asn1[])[0].value as Asn1[];
  const list = tbs.find((n, i) => i > 4 && n.type === forge.asn1.Type.SEQUENCE && n.tagClass === 0);
  return ((list?.value ?? []) as Asn1[]).map((e) => {
    const [serial, date] = e.value as Asn1[];
    return {
      serialHex: normaliseHex(Buffer.from(serial.value as string, 'binary').toString('hex')),
      revokedAt:
        date.type === forge.asn1.Type.UTCTIME
          ? forge.asn1.utcTimeToDate(date.value as string)
          : forge.asn1.generalizedTimeToDate(date.value as string),
    };
  });
}

/** `count` entries with serials of every shape: high bit set, leading zero bytes, short, 16 bytes. */
function entries(count: number): RevokedEntry[] {
  return Array.from({ length: count }, (_, i) => {
    const shapes = [
      (i + 1).toString(16),
      `ff${i.toString(16).padStart(6, '0')}`,
      `0000aa${(i + 7).toString(16).padStart(28, '0')}`,
      `7f${i.toString(16).padStart(30, '0')}`,
    ];
    const revokedAt = new Date(
      Date.UTC(i % 3 === 0 ? 2051 : 2026, i % 12, 1 + (i % 28), i % 24, i % 60, i % 60),
    );
    return { serialHex: shapes[i % shapes.length], revokedAt };
  });
}

describe('buildCrl: the entry list written as raw DER', () => {
  it.each([0, 1, 2, 5, 127, 128, 3000])('gives the bytes the node-forge tree gave, %i entries', (count) => {
    const input = entries(count);
    const withDuplicates = [...input, ...input.slice(0, 3)];
    expect(buildCrl(ca, withDuplicates, { crlNumber: count + 1, now: NOW }).der).toEqual(
      buildCrlWithForgeTree(withDuplicates, count + 1, NOW),
    );
  });

  it('buildCrlInSlices gives the same bytes, duplicates across slices listed once', async () => {
    const input = entries(1000);
    const withDuplicates = [...input, ...input.slice(0, 300), ...input.slice(700)];
    for (const sliceEntries of [1, 7, 333, 5000]) {
      const sliced = await buildCrlInSlices(ca, withDuplicates, { crlNumber: 5, now: NOW, sliceEntries });
      expect(sliced.der).toEqual(buildCrlWithForgeTree(withDuplicates, 5, NOW));
      expect(sliced.pem).toBe(buildCrl(ca, withDuplicates, { crlNumber: 5, now: NOW }).pem);
    }
    const empty = await buildCrlInSlices(ca, [], { crlNumber: 6, now: NOW });
    expect(empty.der).toEqual(buildCrlWithForgeTree([], 6, NOW));
  });

  it('openssl lists every serial of a 2,000-entry CRL and verifies its signature with the CA', () => {
    const input = entries(2000);
    const crl = buildCrl(ca, input, { crlNumber: 9, now: NOW });
    const work = tempDir();
    const der = writeFile(work, 'big.crl', crl.der);
    const text = openssl(['crl', '-inform', 'DER', '-in', der, '-noout', '-text']);
    expect(text.status).toBe(0);
    const listed = [...text.stdout.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => normaliseHex(m[1]));
    expect(listed).toEqual(input.map((e) => normaliseHex(e.serialHex)));
    const verified = openssl([
      'crl',
      '-inform',
      'DER',
      '-in',
      der,
      '-noout',
      '-CAfile',
      join(caDir, 'bundle.pem'),
    ]);
    expect(verified.stderr).toContain('verify OK');
  });
});

describe('parseCrl: entries read in place', () => {
  it('reads a 20,000-entry CRL as the node-forge tree does, and isRevoked finds every serial', () => {
    const input = entries(20_000);
    const crl = buildCrl(ca, input, { crlNumber: 3, now: NOW });
    const parsed = parseCrl(crl.der);
    expect(parsed.revoked).toEqual(entriesWithForgeTree(crl.der));
    expect(parsed.revoked).toEqual(
      input.map((e) => ({ serialHex: normaliseHex(e.serialHex), revokedAt: e.revokedAt })),
    );
    expect(parsed.serials).toHaveLength(20_000);
    expect(parsed.crlNumber).toBe(3);
    expect(parsed.thisUpdate).toEqual(NOW);
    for (const e of input) expect(isRevoked(parsed, e.serialHex.toUpperCase())).toBe(true);
    expect(isRevoked(parsed, 'fe000000000000000001')).toBe(false);
  });

  /** A CRL whose entry list's content is `list` (the rest as built; the signature no longer matters). */
  function withEntryList(list: Buffer, listTag = 0x30): Buffer {
    const good = buildCrl(ca, entries(2), { crlNumber: 1, now: NOW }).der;
    const outer = readTlv(good, 0);
    const tbs = readTlv(good, outer.contentStart);
    const fields: Buffer[] = [];
    for (let pos = tbs.contentStart, n = 0; pos < tbs.end; n++) {
      const t = readTlv(good, pos);
      fields.push(n === 5 ? wrapDer(listTag, [list]) : good.subarray(t.start, t.end));
      pos = t.end;
    }
    const rest = good.subarray(tbs.end, outer.end);
    return wrapDer(0x30, [wrapDer(0x30, fields), rest]);
  }
  const entry = (serial: number[], date = '260101000000Z') =>
    wrapDer(0x30, [Buffer.from([0x02, serial.length, ...serial]), wrapDer(0x17, [Buffer.from(date)])]);

  it('the splice helper itself gives a CRL parseCrl reads', () => {
    expect(parseCrl(withEntryList(Buffer.concat([entry([1]), entry([2])]))).serials).toEqual(['01', '02']);
  });

  it.each([
    ['a truncated entry list', Buffer.concat([entry([1]), entry([2]).subarray(0, 5)])],
    [
      'an entry longer than the list',
      Buffer.concat([entry([1]), Buffer.from([0x30, 0x20, 0x02, 0x01, 0x05])]),
    ],
    ['an entry whose length runs past the CRL', Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff])],
    ['an entry that is not a SEQUENCE', Buffer.from([0x31, 0x03, 0x02, 0x01, 0x01])],
    [
      'a serial that is not an INTEGER',
      wrapDer(0x30, [Buffer.from([0x04, 0x01, 0x01]), wrapDer(0x17, [Buffer.from('260101000000Z')])]),
    ],
    ['an entry without a date', wrapDer(0x30, [Buffer.from([0x02, 0x01, 0x01])])],
    ['a date that is not a time', entry([1], 'yesterday')],
    [
      'a constructed date',
      wrapDer(0x30, [Buffer.from([0x02, 0x01, 0x01]), wrapDer(0x37, [Buffer.from('260101000000Z')])]),
    ],
    ['an empty entry', Buffer.from([0x30, 0x00])],
    ['an indefinite length', Buffer.from([0x30, 0x80, 0x00, 0x00])],
  ])('refuses %s with a CrlError', (_what, list) => {
    expect(() => parseCrl(withEntryList(list))).toThrow(CrlError);
  });

  it('refuses a primitive entry list and trailing bytes after the CRL', () => {
    expect(() => parseCrl(withEntryList(entry([1]), 0x10))).toThrow(CrlError);
    const good = buildCrl(ca, entries(3), { crlNumber: 1, now: NOW }).der;
    expect(() => parseCrl(Buffer.concat([good, Buffer.from([0])]))).toThrow(CrlError);
    expect(() => parseCrl(good.subarray(0, good.length - 1))).toThrow(CrlError);
  });
});

describe('verifyCertificate: a CRL is parsed once per content', () => {
  it('parses a refetched CRL with the same bytes once, a changed CRL again, and sees the revocation', async () => {
    const key = await generateRsaKeyPair(2048);
    const csr = parseCsr(createCsr({ key, subject: [{ name: 'CN', value: 'leaf' }], sanDns: ['localhost'] }));
    const ctx = { orgId: 'x', legalName: 'x', organisationIdentifier: '', roles: [] };
    const leaf = issueCertificate(ca, { type: 'server', csr, ctx });
    const now = new Date();
    const before = buildCrl(ca, entries(500), { crlNumber: 1, now });
    const check = (crlDer: Buffer) =>
      verifyCertificate(leaf.der, { ca: { bundlePem: ca.bundlePem }, crlDer, now });

    const start = crlParseStats.parses;
    expect(check(Buffer.from(before.der)).ok).toBe(true);
    expect(check(Buffer.from(before.der)).ok).toBe(true); // a new Buffer with the same bytes
    expect(check(before.der).ok).toBe(true);
    expect(crlParseStats.parses - start).toBe(1);

    const after = buildCrl(ca, [...entries(500), { serialHex: leaf.serialHex, revokedAt: now }], {
      crlNumber: 2,
      now,
    });
    expect(check(Buffer.from(after.der))).toMatchObject({ ok: false, reason: 'revoked' });
    expect(crlParseStats.parses - start).toBe(2);
  });
});

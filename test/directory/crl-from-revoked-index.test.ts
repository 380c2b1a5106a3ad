/**
 * The directory's CRL comes from the repository's index of revoked
 * certificates (kept on every certificate write, built at start in slices),
 * not from a read of every certificate: these check that the index lists
 * exactly the revoked certificates after a start and after revocations.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CertificateAuthority, loadOrCreateCa, parseCrl } from '../../certs/index.js';
import { CrlPublisher } from '../../directory/crl-publisher.js';
import { type CertificateRecord, COLLECTIONS } from '../../directory/model.js';
import { DirectoryRepository, directoryCollections } from '../../directory/repository.js';
import { MemoryStore } from '../../lib/store/memory-store.js';

const NOW = new Date('2026-04-01T08:00:00.000Z');

function certificate(i: number, revoked: boolean): CertificateRecord {
  return {
    kid: `kid-${i}`,
    OrganisationId: `org-${i % 3}`,
    SoftwareStatementId: `ss-${i % 7}`,
    Associations: [],
    type: 'obtransport',
    use: 'tls',
    status: revoked ? 'Revoked' : 'Active',
    pem: '',
    serialHex: (0x1000 + i).toString(16),
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    n: '',
    e: '',
    kty: 'RSA',
    x5tS256: `x5t-${i}`,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...(revoked ? { revokedAt: '2026-03-01T00:00:00.000Z' } : {}),
  };
}

let ca: CertificateAuthority;
let caDir: string;

beforeAll(async () => {
  caDir = await mkdtemp(join(tmpdir(), 'obmock-crl-index-'));
  ca = await loadOrCreateCa(caDir, { crlUrl: 'https://localhost/ca/issuing.crl', rootKeyBits: 2048 });
});

afterAll(async () => {
  if (caDir) await rm(caDir, { recursive: true, force: true });
});

describe('the CRL from the repository index of revoked certificates', () => {
  it('lists exactly the revoked certificates found at start (indexed in slices) and those revoked since', async () => {
    const store = new MemoryStore(Object.keys(directoryCollections(4)));
    // Enough certificates that the start indexes them over several slices of the event loop.
    for (let i = 0; i < 5_000; i++)
      await store.put(COLLECTIONS.certificates, `kid-${i}`, certificate(i, i % 500 === 7));
    const repo = await DirectoryRepository.open(store);
    const serials = (list: { serialHex: string }[]) => list.map((r) => r.serialHex).sort();
    const expected = Array.from({ length: 10 }, (_, k) => (0x1000 + k * 500 + 7).toString(16)).sort();
    expect(serials(repo.revokedCertificates())).toEqual(expected);
    expect(repo.revokedCertificates()[0].revokedAt.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    // The other indexes are built too.
    expect(repo.certificatesOfSoftware('ss-3').length).toBe(Math.ceil((5_000 - 3) / 7));
    expect(repo.certificateBySerial((0x1000 + 42).toString(16))?.kid).toBe('kid-42');

    // A revocation as the API makes it: the record put again, Revoked.
    await repo.putCertificate({ ...certificate(42, true), revokedAt: NOW.toISOString() });
    const crl = new CrlPublisher(ca, repo, caDir, () => NOW);
    await crl.rebuild();
    const parsed = parseCrl(crl.der);
    expect(parsed.serials.sort()).toEqual([...expected, (0x1000 + 42).toString(16)].sort());
    expect(parsed.crlNumber).toBe(1);
    // The same as a synchronous index over the same store (the constructor other tools use).
    expect(serials(new DirectoryRepository(store).revokedCertificates())).toEqual(
      serials(repo.revokedCertificates()),
    );
  });
});

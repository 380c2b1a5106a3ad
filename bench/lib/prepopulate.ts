/**
 * Fills a (stopped) directory's database with certificate records, written the
 * way the directory writes them: a FileStore on its db folder, its collections
 * and shard counts, records of the real CertificateRecord shape.
 */
import { randomBytes } from 'node:crypto';
import { DIRECTORY_DEFAULTS, directoryPaths } from '../../directory/index.js';
import { type CertificateRecord, COLLECTIONS } from '../../directory/model.js';
import { DirectoryRepository, directoryCollections } from '../../directory/repository.js';
import { FileStore } from '../../lib/store/index.js';

export interface PrepopulateResult {
  /** Certificates in the store before. */
  existing: number;
  added: number;
  /** Distinct organisations / software statements the records belong to. */
  organisations: number;
  softwareStatements: number;
}

/** A copy of a real record as another certificate: new kid (x5t), x5t#S256 and serial. */
export function cloneCertificate(source: CertificateRecord, createdAt: string): CertificateRecord {
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x01;
  return {
    ...source,
    Associations: [...source.Associations],
    kid: randomBytes(20).toString('base64url'),
    x5tS256: randomBytes(32).toString('base64url'),
    serialHex: serial.toString('hex'),
    createdAt,
  };
}

/**
 * Tops the store up to `total` certificates by cloning the records already in it
 * (real certificates issued through the API, so real PEM sizes, spread over the
 * organisations and software statements they were issued to). The directory
 * must not be running.
 */
export async function prepopulateCertificates(
  dataDir: string,
  total: number,
  certificateShards = DIRECTORY_DEFAULTS.certificateShards,
): Promise<PrepopulateResult> {
  const store = await FileStore.open(directoryPaths(dataDir).db, {
    collections: directoryCollections(certificateShards),
  });
  try {
    const repo = new DirectoryRepository(store);
    const sources = store.list<CertificateRecord>(COLLECTIONS.certificates);
    if (sources.length === 0) throw new Error('prepopulate: no certificate in the store to clone');
    const writes: Promise<void>[] = [];
    const createdAt = new Date().toISOString();
    for (let i = sources.length; i < total; i++) {
      writes.push(repo.putCertificate(cloneCertificate(sources[i % sources.length], createdAt)));
    }
    await Promise.all(writes);
    const all = store.list<CertificateRecord>(COLLECTIONS.certificates);
    return {
      existing: sources.length,
      added: writes.length,
      organisations: new Set(all.map((c) => c.OrganisationId)).size,
      softwareStatements: new Set(all.map((c) => c.SoftwareStatementId)).size,
    };
  } finally {
    await store.close();
  }
}

/**
 * Fills a (stopped) directory's database with certificate records, written the
 * way the directory writes them: a FileStore on its db folder, its collections
 * and shard counts, records of the real CertificateRecord shape.
 */
import { randomBytes } from 'node:crypto';
import { DIRECTORY_DEFAULTS, directoryPaths } from '../../directory/index.js';
import { type CertificateRecord, COLLECTIONS, type SoftwareStatementRecord } from '../../directory/model.js';
import { DirectoryRepository, directoryCollections } from '../../directory/repository.js';
import { newSoftwareId } from '../../lib/ids.js';
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

/** A copy of a software statement record under a new id (and ClientId), same organisation. */
export function cloneSoftwareStatement(source: SoftwareStatementRecord, n: number): SoftwareStatementRecord {
  const id = newSoftwareId();
  return {
    ...source,
    Id: id,
    ClientId: id,
    ClientName: `${source.ClientName} (clone ${n})`,
    RedirectUri: [...source.RedirectUri],
    Roles: [...source.Roles],
  };
}

export interface PrepopulateOptions {
  /** Shard count of the certificates collection (the directory's config). */
  certificateShards?: number;
  /**
   * When set, clones go to new software statements (clones of the existing
   * ones, same organisations), at most this many certificates each, as a
   * directory that keeps every statement under maxActiveCertificatesPerSoftware
   * holds them. Unset: clones go to the statements of the records they copy.
   */
  perStatement?: number;
}

/**
 * Tops the store up to `total` certificates by cloning the records already in it
 * (real certificates issued through the API, so real PEM sizes, in the
 * organisations they were issued to). The directory must not be running.
 */
export async function prepopulateCertificates(
  dataDir: string,
  total: number,
  options: PrepopulateOptions = {},
): Promise<PrepopulateResult> {
  const store = await FileStore.open(directoryPaths(dataDir).db, {
    collections: directoryCollections(options.certificateShards ?? DIRECTORY_DEFAULTS.certificateShards),
  });
  try {
    const repo = new DirectoryRepository(store);
    const sources = store.list<CertificateRecord>(COLLECTIONS.certificates);
    if (sources.length === 0) throw new Error('prepopulate: no certificate in the store to clone');
    const writes: Promise<void>[] = [];
    const createdAt = new Date().toISOString();
    const per = options.perStatement;
    let statement: SoftwareStatementRecord | undefined;
    let added = 0;
    for (let i = sources.length; i < total; i++, added++) {
      const clone = cloneCertificate(sources[i % sources.length], createdAt);
      if (per !== undefined) {
        if (added % per === 0) {
          const base = sources[(added / per) % sources.length];
          const ss = base.SoftwareStatementId ? repo.softwareStatement(base.SoftwareStatementId) : undefined;
          if (!ss) throw new Error(`prepopulate: certificate ${base.kid} has no software statement to clone`);
          statement = cloneSoftwareStatement(ss, added / per + 1);
          writes.push(repo.putSoftwareStatement(statement));
        }
        clone.OrganisationId = statement!.OrganisationId;
        clone.SoftwareStatementId = statement!.Id;
      }
      writes.push(repo.putCertificate(clone));
    }
    await Promise.all(writes);
    const all = store.list<CertificateRecord>(COLLECTIONS.certificates);
    return {
      existing: sources.length,
      added,
      organisations: new Set(all.map((c) => c.OrganisationId)).size,
      softwareStatements: new Set(all.map((c) => c.SoftwareStatementId)).size,
    };
  } finally {
    await store.close();
  }
}

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildCrl, type CertificateAuthority } from '../certs/index.js';
import type { DirectoryRepository } from './repository.js';

/**
 * Keeps the issuing CA's CRL: rebuilt from the revoked certificates at start
 * and after each revocation, served from memory and mirrored to the CA folder.
 */
export class CrlPublisher {
  der: Buffer = Buffer.alloc(0);
  pem = '';

  constructor(
    private readonly ca: CertificateAuthority,
    private readonly repo: DirectoryRepository,
    private readonly caDir: string,
    private readonly now: () => Date,
  ) {}

  async rebuild(): Promise<void> {
    const meta = this.repo.meta();
    const crlNumber = meta.crlNumber + 1;
    const revoked = this.repo
      .allCertificates()
      .filter((c) => c.status === 'Revoked')
      .map((c) => ({ serialHex: c.serialHex, revokedAt: new Date(c.revokedAt ?? c.createdAt) }));
    const crl = buildCrl(this.ca, revoked, { crlNumber, now: this.now() });
    this.der = crl.der;
    this.pem = crl.pem;
    await this.repo.putMeta({ ...meta, crlNumber });
    await writeFile(join(this.caDir, 'issuing.crl.pem'), crl.pem);
    await writeFile(join(this.caDir, 'issuing.crl'), crl.der);
  }
}

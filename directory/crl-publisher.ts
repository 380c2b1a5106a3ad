import { join } from 'node:path';
import { buildCrlInSlices } from '../certs/build-crl.js';
import type { CertificateAuthority } from '../certs/index.js';
import { writeFileAtomic } from '../lib/write-file-atomic.js';
import type { DirectoryRepository } from './repository.js';

/**
 * Keeps the issuing CA's CRL: rebuilt from the revoked certificates at start
 * and after each revocation, served from memory and mirrored to the CA folder.
 * The entries are encoded in slices, giving the event loop back between them.
 * Rebuilds run one after the other, so the files on disk always end with the
 * newest CRL (the one served), and each file is replaced atomically.
 */
export class CrlPublisher {
  der: Buffer = Buffer.alloc(0);
  pem = '';
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly ca: CertificateAuthority,
    private readonly repo: DirectoryRepository,
    private readonly caDir: string,
    private readonly now: () => Date,
  ) {}

  rebuild(): Promise<void> {
    const run = this.queue.then(() => this.rebuildNow());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async rebuildNow(): Promise<void> {
    const meta = this.repo.meta();
    const crlNumber = meta.crlNumber + 1;
    const crl = await buildCrlInSlices(this.ca, this.repo.revokedCertificates(), {
      crlNumber,
      now: this.now(),
    });
    await this.repo.putMeta({ ...meta, crlNumber });
    await writeFileAtomic(join(this.caDir, 'issuing.crl.pem'), crl.pem);
    await writeFileAtomic(join(this.caDir, 'issuing.crl'), crl.der);
    this.der = crl.der;
    this.pem = crl.pem;
  }
}

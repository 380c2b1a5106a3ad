import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TppMaterial } from '../types.js';
import { checkMaterial } from './check-material.js';
import { MATERIAL_FILES, MATERIAL_FORMAT } from './material-files.js';

/**
 * Saves material into `dir` (created 0700): `material.json` with the public parts, the private
 * keys in `transport.key.pem` and `signing.key.pem` and the directory credential in
 * `directory-token`, each mode 0600. Every file is written to a temp file, fsynced and renamed,
 * so a crash never leaves a half-written file. The material is checked first.
 */
export async function saveMaterial(dir: string, material: TppMaterial): Promise<void> {
  checkMaterial(material);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const json = {
    format: MATERIAL_FORMAT,
    organisationId: material.organisationId,
    softwareStatementId: material.softwareStatementId,
    ...(material.clientIdAtDirectory !== undefined
      ? { clientIdAtDirectory: material.clientIdAtDirectory }
      : {}),
    transport: {
      certPem: material.transport.certPem,
      ...(material.transport.kid !== undefined ? { kid: material.transport.kid } : {}),
      keyFile: MATERIAL_FILES.transportKey,
    },
    signing: {
      kid: material.signing.kid,
      alg: material.signing.alg,
      ...(material.signing.certPem !== undefined ? { certPem: material.signing.certPem } : {}),
      keyFile: MATERIAL_FILES.signingKey,
    },
    ssa: material.ssa,
    caBundlePem: material.caBundlePem,
    ...(material.directory
      ? { directory: { url: material.directory.url, keystoreUrl: material.directory.keystoreUrl } }
      : {}),
  };
  await writeAtomic(join(dir, MATERIAL_FILES.transportKey), material.transport.keyPem, 0o600);
  await writeAtomic(join(dir, MATERIAL_FILES.signingKey), material.signing.keyPem, 0o600);
  const tokenFile = join(dir, MATERIAL_FILES.directoryToken);
  if (material.directory?.accessToken) {
    await writeAtomic(tokenFile, `${material.directory.accessToken}\n`, 0o600);
  } else {
    await rm(tokenFile, { force: true });
  }
  await writeAtomic(join(dir, MATERIAL_FILES.json), `${JSON.stringify(json, null, 2)}\n`, 0o644);
}

async function writeAtomic(file: string, content: string, mode: number): Promise<void> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await chmod(tmp, mode); // the umask may have cleared bits: make the mode exact
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

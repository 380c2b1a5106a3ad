import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import {
  createOrganisation,
  createOrganisationCsr,
  type DirectoryConnection,
  generateTppKey,
  uploadCsr,
} from '../tpp-client/index.js';

/** The console's HTTPS server certificate (with its chain) and key. */
export interface ConsoleServerIdentity {
  certPem: string;
  keyPem: string;
}

/** The host names and addresses the certificate names: the console's host, and loopback. */
function names(host: string): { sanDns: string[]; sanIps: string[] } {
  const ip = isIP(host) !== 0;
  return {
    sanDns: [...new Set(['localhost', ...(ip ? [] : [host])])],
    sanIps: [...new Set(['127.0.0.1', ...(ip ? [host] : [])])],
  };
}

/**
 * The console's server certificate from the sandbox CA: the console enrols at
 * the directory like the sandbox's other services (an organisation marked as a
 * sandbox service, an OBWAC naming the console's host), once per data folder and
 * host. The key is written only to a 0600 file in `folder`.
 */
export async function loadOrCreateConsoleIdentity(
  directory: DirectoryConnection,
  adminToken: string,
  folder: string,
  host: string,
): Promise<ConsoleServerIdentity> {
  const base = join(folder, `server-${host.replace(/[^A-Za-z0-9.-]/g, '_')}`);
  const certFile = `${base}.cert.pem`;
  const keyFile = `${base}.key.pem`;
  try {
    return { certPem: await readFile(certFile, 'utf8'), keyPem: await readFile(keyFile, 'utf8') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const org = await createOrganisation(directory, adminToken, {
    OrganisationName: 'obmock console',
    OrganisationType: 'tpp',
    Roles: ['AISP'],
    LegalName: 'obmock console',
    SandboxService: true,
  });
  const key = await generateTppKey('transport');
  const csr = createOrganisationCsr(key, {
    organisationId: org.organisationId,
    legalName: 'obmock console',
    ...names(host),
  });
  const cert = await uploadCsr(
    directory,
    { organisationId: org.organisationId, accessToken: org.accessToken },
    'obwac',
    csr,
  );
  const identity = {
    certPem: `${cert.certPem.trim()}\n${cert.chainPem.trim()}\n`,
    keyPem: key.privateKeyPem,
  };
  await writeFile(keyFile, identity.keyPem, { mode: 0o600 });
  await writeFile(certFile, identity.certPem, { mode: 0o644 });
  return identity;
}

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyPair } from '../../certs/index.js';
import { createOrganisation } from '../directory-api/create-organisation.js';
import type { DirectoryConnection } from '../directory-api/directory-call.js';
import { uploadCsr } from '../directory-api/upload-csr.js';
import { createOrganisationCsr } from '../keys/create-organisation-csr.js';
import { generateTppKey } from '../keys/generate-tpp-key.js';

export interface ServiceIdentity {
  organisationId: string;
  accessToken: string;
  /** TLS server certificate (an OBWAC with the service's host in subjectAltName) and key. */
  certPem: string;
  keyPem: string;
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The TPP's organisation at the directory and the OBWAC its HTTPS service
 * presents; created once (over the directory API) and kept in the data dir.
 */
export async function loadOrCreateServiceIdentity(
  dir: DirectoryConnection,
  adminToken: string,
  folder: string,
  host: string,
): Promise<ServiceIdentity> {
  const file = join(folder, 'service-identity.json');
  const keyFile = join(folder, 'service.key.pem');
  const saved = await readJson<Omit<ServiceIdentity, 'keyPem'>>(file);
  if (saved) {
    const keyPem = await readFile(keyFile, 'utf8');
    return { ...saved, keyPem };
  }
  const org = await createOrganisation(dir, adminToken, {
    OrganisationName: 'obmock TPP',
    OrganisationType: 'tpp',
    Roles: ['AISP', 'PISP', 'CBPII'],
    LegalName: 'obmock TPP Ltd',
    // Part of the sandbox: on a sandbox served under a non-loopback name it needs that name too.
    SandboxService: true,
  });
  const key: KeyPair = await generateTppKey('transport');
  const isIp = /^\d+\.\d+\.\d+\.\d+$/.test(host);
  const csr = createOrganisationCsr(key, {
    organisationId: org.organisationId,
    legalName: 'obmock TPP Ltd',
    sanDns: [...new Set(['localhost', ...(isIp ? [] : [host])])],
    sanIps: [...new Set(['127.0.0.1', ...(isIp ? [host] : [])])],
  });
  const cert = await uploadCsr(
    dir,
    { organisationId: org.organisationId, accessToken: org.accessToken },
    'obwac',
    csr,
  );
  const identity: ServiceIdentity = {
    organisationId: org.organisationId,
    accessToken: org.accessToken,
    certPem: `${cert.certPem.trim()}\n${cert.chainPem.trim()}\n`,
    keyPem: key.privateKeyPem,
  };
  await writeFile(keyFile, key.privateKeyPem, { mode: 0o600 });
  const { keyPem: _k, ...pub } = identity;
  await writeFile(file, `${JSON.stringify(pub, null, 2)}\n`, { mode: 0o600 });
  return identity;
}

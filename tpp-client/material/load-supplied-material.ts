import { readFile } from 'node:fs/promises';
import { MaterialError } from '../errors.js';
import type { SigningAlg, TppMaterial } from '../types.js';
import { materialFromSupplied } from './material-from-supplied.js';

/** Paths of material a user brings, e.g. certificates and keys from the OB sandbox directory. */
export interface SuppliedMaterialFiles {
  /** Transport certificate PEM file (leaf first; a chain may follow). */
  transportCert: string;
  transportKey: string;
  signingKey: string;
  /** The signing kid itself (not a path), as in the software JWKS. */
  signingKid: string;
  signingCert?: string;
  signingAlg?: SigningAlg;
  /** File holding the SSA (compact JWS). */
  ssa: string;
  /** One or more CA bundle files trusted for servers. */
  caBundle: string | string[];
  organisationId?: string;
  softwareStatementId?: string;
  directory?: { url: string; keystoreUrl?: string; accessToken?: string };
}

/**
 * Reads user-supplied material from files and checks it, so the same code that registers at
 * obmock's banks registers at a real bank sandbox.
 */
export async function loadSuppliedMaterial(files: SuppliedMaterialFiles): Promise<TppMaterial> {
  const cas = Array.isArray(files.caBundle) ? files.caBundle : [files.caBundle];
  return materialFromSupplied({
    transportCertPem: await read(files.transportCert, 'transportCert'),
    transportKeyPem: await read(files.transportKey, 'transportKey'),
    signingKeyPem: await read(files.signingKey, 'signingKey'),
    signingKid: files.signingKid,
    ...(files.signingCert !== undefined
      ? { signingCertPem: await read(files.signingCert, 'signingCert') }
      : {}),
    ...(files.signingAlg !== undefined ? { signingAlg: files.signingAlg } : {}),
    ssa: await read(files.ssa, 'ssa'),
    caBundlePem: (await Promise.all(cas.map((f) => read(f, 'caBundle')))).join('\n'),
    ...(files.organisationId !== undefined ? { organisationId: files.organisationId } : {}),
    ...(files.softwareStatementId !== undefined ? { softwareStatementId: files.softwareStatementId } : {}),
    ...(files.directory !== undefined ? { directory: files.directory } : {}),
  });
}

async function read(file: string, field: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new MaterialError(field, `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

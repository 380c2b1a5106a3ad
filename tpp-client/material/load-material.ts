import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readTextIfExists } from '../../lib/read-text-if-exists.js';
import { MaterialError } from '../errors.js';
import type { SigningAlg, TppMaterial } from '../types.js';
import { checkMaterial } from './check-material.js';
import { MATERIAL_FILES, MATERIAL_FORMAT } from './material-files.js';

/** Loads material saved by `saveMaterial`, checks it and returns it (keys included). */
export async function loadMaterial(dir: string): Promise<TppMaterial> {
  const jsonText = await readText(join(dir, MATERIAL_FILES.json), MATERIAL_FILES.json);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(jsonText) as Record<string, unknown>;
  } catch (err) {
    throw new MaterialError(MATERIAL_FILES.json, `is not JSON: ${(err as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || json.format !== MATERIAL_FORMAT) {
    throw new MaterialError(MATERIAL_FILES.json, `is not ${MATERIAL_FORMAT} material`);
  }
  const transport = object(json.transport, 'transport');
  const signing = object(json.signing, 'signing');
  const directory = json.directory === undefined ? undefined : object(json.directory, 'directory');
  const transportKeyFile = String(transport.keyFile ?? MATERIAL_FILES.transportKey);
  const signingKeyFile = String(signing.keyFile ?? MATERIAL_FILES.signingKey);
  const token = directory ? await readTextIfExists(join(dir, MATERIAL_FILES.directoryToken)) : undefined;

  return checkMaterial({
    organisationId: json.organisationId as string,
    softwareStatementId: json.softwareStatementId as string,
    ...(typeof json.clientIdAtDirectory === 'string'
      ? { clientIdAtDirectory: json.clientIdAtDirectory }
      : {}),
    transport: {
      certPem: transport.certPem as string,
      keyPem: await readText(join(dir, transportKeyFile), transportKeyFile),
      ...(typeof transport.kid === 'string' ? { kid: transport.kid } : {}),
    },
    signing: {
      keyPem: await readText(join(dir, signingKeyFile), signingKeyFile),
      kid: signing.kid as string,
      alg: signing.alg as SigningAlg,
      ...(typeof signing.certPem === 'string' ? { certPem: signing.certPem } : {}),
    },
    ssa: json.ssa as string,
    caBundlePem: json.caBundlePem as string,
    ...(directory
      ? {
          directory: {
            url: String(directory.url),
            keystoreUrl: String(directory.keystoreUrl),
            ...(token ? { accessToken: token.trim() } : {}),
          },
        }
      : {}),
  });
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new MaterialError(field, 'is missing from material.json');
  }
  return value as Record<string, unknown>;
}

async function readText(file: string, field: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new MaterialError(field, `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

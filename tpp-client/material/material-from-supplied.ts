import { createPrivateKey } from 'node:crypto';
import { MaterialError } from '../errors.js';
import { decodeSsa } from '../registration/decode-ssa.js';
import type { SigningAlg, TppMaterial } from '../types.js';
import { checkMaterial } from './check-material.js';
import { keystoreUrlFromSsa } from './keystore-url-from-ssa.js';

/** Material a user brings (e.g. from the OB sandbox directory), as PEM/JWS text. */
export interface SuppliedMaterial {
  /** Transport certificate PEM, leaf first (the chain may follow). */
  transportCertPem: string;
  transportKeyPem: string;
  signingKeyPem: string;
  /** The signing key's kid as published in the software JWKS. */
  signingKid: string;
  signingCertPem?: string;
  /** Default PS256 for an RSA key, ES256 for an EC key. */
  signingAlg?: SigningAlg;
  ssa: string;
  caBundlePem: string;
  /** Default the SSA's org_id / software_id. */
  organisationId?: string;
  softwareStatementId?: string;
  /** Where the SSA can be refreshed (with `accessToken`) and where the keystore is (default from the SSA). */
  directory?: { url: string; keystoreUrl?: string; accessToken?: string };
}

/** Builds and checks material from user-supplied parts (the ids come from the SSA unless given). */
export function materialFromSupplied(s: SuppliedMaterial): TppMaterial {
  const ssa = (s.ssa ?? '').trim();
  let claims: ReturnType<typeof decodeSsa> = {};
  try {
    claims = decodeSsa(ssa);
  } catch (err) {
    throw new MaterialError('ssa', (err as Error).message);
  }
  const organisationId = s.organisationId ?? (typeof claims.org_id === 'string' ? claims.org_id : undefined);
  const softwareStatementId =
    s.softwareStatementId ?? (typeof claims.software_id === 'string' ? claims.software_id : undefined);
  if (!organisationId) throw new MaterialError('organisationId', 'not given and the SSA has no org_id');
  if (!softwareStatementId) {
    throw new MaterialError('softwareStatementId', 'not given and the SSA has no software_id');
  }
  const keystoreUrl = s.directory?.keystoreUrl ?? keystoreUrlFromSsa(ssa);
  return checkMaterial({
    organisationId,
    softwareStatementId,
    ...(typeof claims.software_client_id === 'string'
      ? { clientIdAtDirectory: claims.software_client_id }
      : {}),
    transport: { certPem: s.transportCertPem, keyPem: s.transportKeyPem },
    signing: {
      keyPem: s.signingKeyPem,
      kid: s.signingKid,
      alg: s.signingAlg ?? defaultAlg(s.signingKeyPem),
      ...(s.signingCertPem !== undefined ? { certPem: s.signingCertPem } : {}),
    },
    ssa,
    caBundlePem: s.caBundlePem,
    ...(s.directory
      ? {
          directory: {
            url: s.directory.url.replace(/\/+$/, ''),
            keystoreUrl: keystoreUrl ?? `${s.directory.url.replace(/\/+$/, '')}/keystore`,
            ...(s.directory.accessToken ? { accessToken: s.directory.accessToken } : {}),
          },
        }
      : {}),
  });
}

function defaultAlg(keyPem: string): SigningAlg {
  try {
    return createPrivateKey(keyPem).asymmetricKeyType === 'ec' ? 'ES256' : 'PS256';
  } catch {
    return 'PS256'; // checkMaterial reports the unusable key
  }
}

import type { KeyObject } from 'node:crypto';
import type { CertificateAuthority } from '../certs/index.js';
import type { Logger } from '../lib/logger.js';
import type { DirectoryConfig } from './config.js';
import type { CrlPublisher } from './crl-publisher.js';
import type { AccessTokens } from './oauth/access-tokens.js';
import type { OcspSignerSource } from './ocsp-signer.js';
import type { DirectoryRepository } from './repository.js';

export interface SsaSigningKey {
  privateKey: KeyObject;
  /** `kid` of the SSA header: the x5t of the signing certificate, as OB does. */
  kid: string;
  alg: 'PS256';
  /** Public JWK as published in /keystore/openbanking.jwks. */
  publicJwk: Record<string, unknown>;
}

export interface DirectoryContext {
  config: DirectoryConfig;
  repo: DirectoryRepository;
  ca: CertificateAuthority;
  ssaKey: SsaSigningKey;
  crl: CrlPublisher;
  adminTokenHash: string;
  /** Access tokens of the directory's authorisation server (OAuth front door). */
  oauthTokens: AccessTokens;
  /** The OCSP responder's delegated signing certificate. */
  ocspSigner: OcspSignerSource;
  logger: Logger;
  /** External base URL (https://host:port); keystore and CA URLs hang from it. */
  baseUrl: string;
  now(): Date;
}

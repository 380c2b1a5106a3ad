import { Pool } from 'undici';
import type { KeyPool } from '../../certs/index.js';
import {
  buildRegistrationClaims,
  onboardAtDirectory,
  signRegistrationJwt,
  type TppMaterial,
} from '../../tpp-client/index.js';
import type { BenchClient } from './bench-client.js';
import type { SandboxProcess } from './sandbox-process.js';
import { createTlsLoadClient } from './tls-load-client.js';

/** A TPP onboarded at the benchmark sandbox, with an mTLS keep-alive pool to the bank. */
export async function onboardBenchTpp(s: SandboxProcess, keys: KeyPool): Promise<TppMaterial> {
  return onboardAtDirectory({
    directoryUrl: s.directoryUrl,
    caBundlePem: s.ca,
    organisation: { adminToken: s.adminToken, create: { OrganisationName: 'bench TPP', Roles: ['AISP'] } },
    softwareStatement: { ClientName: 'bench', RedirectUri: ['https://bench.example/cb'], Roles: ['AISP'] },
    keyPool: keys,
  });
}

/** The load generator's mutual-TLS keep-alive connections to the bank, as the TPP `m`. */
export function bankLoadClient(s: SandboxProcess, m: TppMaterial, connections: number): BenchClient {
  return createTlsLoadClient({
    origin: new URL(s.issuer).origin,
    connections,
    tls: { ca: s.ca, cert: m.transport.certPem, key: m.transport.keyPem, servername: 'localhost' },
  });
}

/** An undici pool to the bank with the TPP's mutual-TLS identity (the soak, and the DCR figure's floor). */
export function bankPool(s: SandboxProcess, m: TppMaterial, connections: number): Pool {
  return new Pool(new URL(s.issuer).origin, {
    connections,
    pipelining: 1,
    connect: { ca: s.ca, cert: m.transport.certPem, key: m.transport.keyPem, servername: 'localhost' },
  });
}

/** Signed registration requests, each with its own jti (so none is a replay). */
export async function registrationRequests(
  s: SandboxProcess,
  m: TppMaterial,
  count: number,
): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const claims = buildRegistrationClaims({
      softwareStatement: m.ssa,
      aud: s.orgId,
      tokenEndpointAuthMethod: 'tls_client_auth',
      transportCertPem: m.transport.certPem,
      redirectUris: ['https://bench.example/cb'],
      lifetimeSeconds: 3000,
    });
    out.push(await signRegistrationJwt(claims, m.signing.keyPem, { kid: m.signing.kid }));
  }
  return out;
}

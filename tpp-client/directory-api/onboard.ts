import type { KeyPool } from '../../certs/key-pool.js';
import type { KeyPair } from '../../certs/types.js';
import { createHttpClient, type HttpClient } from '../http/create-http-client.js';
import { createLegacyCsr } from '../keys/create-legacy-csr.js';
import { generateTppKey } from '../keys/generate-tpp-key.js';
import { checkMaterial } from '../material/check-material.js';
import { keystoreUrlFromSsa } from '../material/keystore-url-from-ssa.js';
import type { SigningAlg, TppMaterial } from '../types.js';
import { createOrganisation, type NewOrganisation } from './create-organisation.js';
import { createSoftwareStatement, type NewSoftwareStatement } from './create-software-statement.js';
import type { DirectoryConnection } from './directory-call.js';
import { fetchSsa } from './fetch-ssa.js';
import { type DirectoryTokenOptions, getDirectoryToken } from './get-directory-token.js';
import { type IssuedCertificateJwk, uploadCsr } from './upload-csr.js';

export interface OnboardOptions {
  /** Directory base URL, e.g. https://localhost:8443. */
  directoryUrl: string;
  /** PEM CA bundle the directory's server certificate chains to (also stored in the material). */
  caBundlePem: string;
  /**
   * An existing organisation and its AccessToken (simple mode, or an OAuth token already
   * obtained); an existing organisation and its OAuth client, for a token from the directory's
   * authorisation server (the OAuth front door: `http` must then present the OBWAC/QWAC the
   * client is bound to); or the admin token and the organisation to create.
   */
  organisation:
    | { id: string; accessToken: string }
    | { id: string; oauth: Omit<DirectoryTokenOptions, 'now'> }
    | { adminToken: string; create: NewOrganisation };
  /** ClientName, RedirectUri, Roles … of the software statement to create. */
  softwareStatement: NewSoftwareStatement;
  /**
   * Signing algorithm recorded in the material: PS256 (default) or RS256 with an RSA 2048 signing
   * key, ES256 with an EC P-256 one (for banks that accept only ES256 request objects).
   */
  signingAlg?: SigningAlg;
  /** Keys to use instead of generating them. */
  keys?: { transport?: KeyPair; signing?: KeyPair };
  /** Pool to take generated RSA keys from (tests). */
  keyPool?: KeyPool;
  /** Per-call deadline; default 10 s. */
  timeoutMs?: number;
  /** A client trusting the directory's CA; created (and closed) here when absent. */
  http?: HttpClient;
}

/**
 * Onboards a TPP at a directory through its HTTP API, as a TPP does at the OB directory:
 * (organisation, when an admin token is given) → software statement → then side by side:
 * transport CSR → certificate, signing CSR → certificate, SSA. CSRs use OB's documented subject
 * `C=GB, O=OpenBanking, OU=<org_id>, CN=<software_id>`. The signing `kid` is the one the
 * directory returns (the certificate's x5t), as published in the software JWKS.
 */
export async function onboardAtDirectory(opts: OnboardOptions): Promise<TppMaterial> {
  const http = opts.http ?? createHttpClient({ ca: opts.caBundlePem, timeoutMs: opts.timeoutMs ?? 10_000 });
  const dir: DirectoryConnection = { url: opts.directoryUrl.replace(/\/+$/, ''), http };
  try {
    const keys = Promise.all([
      opts.keys?.transport ?? generateTppKey('transport', { pool: opts.keyPool }),
      opts.keys?.signing ?? generateTppKey('signing', { alg: opts.signingAlg, pool: opts.keyPool }),
    ]);
    // A key that fails while the directory calls run must not become an unhandled rejection.
    keys.catch(() => {});

    const o = opts.organisation;
    const org =
      'adminToken' in o
        ? await createOrganisation(dir, o.adminToken, o.create).then((c) => ({
            id: c.organisationId,
            accessToken: c.accessToken,
          }))
        : 'oauth' in o
          ? { id: o.id, accessToken: (await getDirectoryToken(dir, o.oauth)).accessToken }
          : o;
    const ss = await createSoftwareStatement(dir, org.id, org.accessToken, opts.softwareStatement);
    const [transportKey, signingKey] = await keys;
    const subject = { organisationId: org.id, softwareStatementId: ss.id };
    const target = { organisationId: org.id, accessToken: org.accessToken, softwareStatementId: ss.id };
    // The two certificates and the SSA depend only on the software statement (the SSA names the
    // statement's JWKS endpoint, not its keys), so the three calls run side by side; a failure is
    // reported in the documented order (transport, signing, SSA) whichever answers first.
    // The SSA call goes first: the directory signs it while the TPP signs its two CSRs.
    const ssaCall = fetchSsa(dir, org.id, ss.id, org.accessToken);
    let transportCall: Promise<IssuedCertificateJwk> | undefined;
    let signingCall: Promise<IssuedCertificateJwk>;
    try {
      transportCall = uploadCsr(dir, target, 'obtransport', createLegacyCsr(transportKey, subject));
      signingCall = uploadCsr(dir, target, 'obsigning', createLegacyCsr(signingKey, subject));
    } catch (err) {
      // a CSR that cannot be made: no call is left running
      await Promise.allSettled([ssaCall, transportCall]);
      throw err;
    }
    const [transport, signing, ssa] = await firstFailureInOrder([
      transportCall,
      signingCall,
      ssaCall,
    ] as const);

    return checkMaterial(
      {
        organisationId: org.id,
        softwareStatementId: ss.id,
        clientIdAtDirectory: ss.clientId,
        transport: { certPem: transport.certPem, keyPem: transportKey.privateKeyPem, kid: transport.kid },
        signing: {
          keyPem: signingKey.privateKeyPem,
          kid: signing.kid,
          certPem: signing.certPem,
          alg: opts.signingAlg ?? 'PS256',
        },
        ssa,
        caBundlePem: opts.caBundlePem,
        directory: {
          url: dir.url,
          keystoreUrl: keystoreUrlFromSsa(ssa) ?? `${dir.url}/keystore`,
          accessToken: org.accessToken,
        },
      },
      { transportKey: transportKey.privateKey, signingKey: signingKey.privateKey },
    );
  } finally {
    if (!opts.http) await http.close();
  }
}

/** Waits for every call (none is left running), then throws the first failure in the list's order. */
async function firstFailureInOrder<T extends readonly unknown[]>(
  calls: {
    [K in keyof T]: Promise<T[K]>;
  },
): Promise<T> {
  const settled = await Promise.allSettled(calls);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

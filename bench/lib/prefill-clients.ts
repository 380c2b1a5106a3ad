/**
 * Fills a (stopped) bank's database with registered clients, so a soak can
 * start at 100,000 clients instead of registering them one by one. The
 * records have the bank's ClientRecord shape and the size of a real one
 * (about 3.5 KB of JSON: the software statement, its flattened claims and the
 * registered metadata), with distinct values, written through a FileStore on
 * the bank's db folder with the bank's collections.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { DEFAULT_BANK } from '../../aspsp-mock/config.js';
import { BANK_COLLECTIONS, bankCollections, type ClientRecord } from '../../aspsp-mock/model.js';
import { FileStore } from '../../lib/store/index.js';

/** Where the default bank of `obmock up --data-dir <dataDir>` keeps its store. */
export function defaultBankDb(dataDir: string): string {
  return join(resolve(dataDir, 'aspsp', DEFAULT_BANK.id), 'db');
}

const b64 = (bytes: number): string => randomBytes(bytes).toString('base64url');

/** A client as the bank records one after a v3.3 registration with tls_client_auth. */
export function syntheticClient(now: Date): ClientRecord {
  const softwareId = b64(16);
  const orgId = b64(12);
  const ssaClaims = {
    iss: 'OpenBanking Ltd',
    iat: Math.floor(now.getTime() / 1000),
    jti: randomUUID(),
    software_environment: 'sandbox',
    software_mode: 'Test',
    software_id: softwareId,
    software_client_id: softwareId,
    software_client_name: `Bench TPP ${softwareId.slice(0, 6)}`,
    software_client_description: 'A TPP registered by the soak prefill',
    software_version: '1.0',
    software_client_uri: 'https://bench.example/',
    software_redirect_uris: ['https://bench.example/cb'],
    software_roles: ['AISP', 'PISP'],
    software_logo_uri: 'https://bench.example/logo.png',
    org_status: 'Active',
    org_id: orgId,
    org_name: `Bench Org ${orgId.slice(0, 6)}`,
    org_contacts: [{ name: 'contact', email: 'ops@bench.example', phone: '+440000000000', type: 'Business' }],
    org_jwks_endpoint: `https://keystore.example/${orgId}/${orgId}.jwks`,
    org_jwks_revoked_endpoint: `https://keystore.example/${orgId}/revoked/${orgId}.jwks`,
    software_jwks_endpoint: `https://keystore.example/${orgId}/${softwareId}.jwks`,
    software_jwks_revoked_endpoint: `https://keystore.example/${orgId}/revoked/${softwareId}.jwks`,
    software_policy_uri: 'https://bench.example/policy',
    software_tos_uri: 'https://bench.example/tos',
    software_on_behalf_of_org: null,
  };
  // A signed SSA of a typical size: header, ~1 KB of claims, RS256/PS256 signature.
  const softwareStatement = `${b64(90)}.${b64(1100)}.${b64(256)}`;
  const at = now.toISOString();
  return {
    client_id: randomUUID(),
    client_id_issued_at: ssaClaims.iat,
    software_id: softwareId,
    org_id: orgId,
    metadata: {
      redirect_uris: ['https://bench.example/cb'],
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: `CN=${softwareId},OU=${orgId},O=OpenBanking,C=GB`,
      grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
      response_types: ['code id_token'],
      scope: 'openid accounts payments',
      application_type: 'web',
      id_token_signed_response_alg: 'PS256',
      request_object_signing_alg: 'PS256',
      software_statement: softwareStatement,
    },
    ssaClaims,
    software_jwks_endpoint: ssaClaims.software_jwks_endpoint,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * Tops the bank's store up to `total` clients (the bank must not be running)
 * and closes it, so the next start reads them from the shard files. Returns
 * the clients added.
 */
export async function prefillClients(db: string, total: number): Promise<number> {
  const store = await FileStore.open(db, { collections: bankCollections() });
  let added = 0;
  try {
    const now = new Date();
    const batch = 1000;
    while (store.count(BANK_COLLECTIONS.clients) < total) {
      const n = Math.min(batch, total - store.count(BANK_COLLECTIONS.clients));
      const writes: Promise<void>[] = [];
      for (let i = 0; i < n; i++) {
        const c = syntheticClient(now);
        writes.push(store.put(BANK_COLLECTIONS.clients, c.client_id, c));
      }
      await Promise.all(writes);
      added += n;
    }
  } finally {
    await store.close();
  }
  return added;
}

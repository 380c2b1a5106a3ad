export interface ClientRecord {
  client_id: string;
  /** SHA-256 (hex) of the client secret, for the secret-based methods. */
  secretHash?: string;
  /** SHA-256 (hex) of the RFC 7592 registration access token, when the bank uses them. */
  ratHash?: string;
  client_id_issued_at: number;
  software_id: string;
  org_id: string;
  /** The registered metadata as returned to the client. */
  metadata: Record<string, unknown>;
  /** Flattened SSA claims as returned to the client. */
  ssaClaims: Record<string, unknown>;
  /** For private_key_jwt: where the client's keys are published. */
  software_jwks_endpoint: string;
  createdAt: string;
  updatedAt: string;
}

export interface TokenRecord {
  /** SHA-256 (hex) of the access token. */
  hash: string;
  client_id: string;
  scope: string;
  /** RFC 8705 confirmation: SHA-256 thumbprint (base64url) of the client certificate. */
  x5tS256: string;
  expiresAt: number;
}

export interface ConsentRecord {
  ConsentId: string;
  client_id: string;
  Status: string;
  Permissions: string[];
  ExpirationDateTime?: string;
  CreationDateTime: string;
  StatusUpdateDateTime: string;
}

export interface JtiRecord {
  key: string;
  expiresAt: number;
}

export const BANK_COLLECTIONS = {
  clients: 'clients',
  tokens: 'tokens',
  consents: 'consents',
  jtis: 'jtis',
} as const;

export function bankCollections(): Record<string, number> {
  return { clients: 16, tokens: 16, consents: 8, jtis: 16 };
}

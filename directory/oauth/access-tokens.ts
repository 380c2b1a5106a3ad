import { createHash } from 'node:crypto';
import { newCredential } from '../../lib/ids.js';

export interface AccessTokenGrant {
  organisationId: string;
  clientId: string;
  scopes: string[];
  /** base64url SHA-256 of the certificate the token is bound to (RFC 8705 cnf.x5t#S256). */
  x5tS256: string;
  expiresAt: number;
}

/**
 * The directory authorisation server's access tokens: opaque, kept in
 * memory as SHA-256 hashes only, bounded in number (oldest dropped first)
 * and in lifetime. A restart forgets them; clients ask for new ones, as they
 * must on expiry anyway. Client assertion jtis are remembered here until
 * they expire, so an assertion is single-use.
 */
export class AccessTokens {
  private readonly tokens = new Map<string, AccessTokenGrant>();
  private readonly jtis = new Map<string, number>();

  constructor(
    readonly lifetimeSeconds = 3600,
    private readonly max = 10_000,
  ) {}

  issue(grant: Omit<AccessTokenGrant, 'expiresAt'>, nowMs: number): { token: string; expiresIn: number } {
    this.purge(nowMs);
    while (this.tokens.size >= this.max) this.tokens.delete(this.tokens.keys().next().value as string);
    const token = newCredential(32);
    this.tokens.set(hash(token), { ...grant, expiresAt: nowMs + this.lifetimeSeconds * 1000 });
    return { token, expiresIn: this.lifetimeSeconds };
  }

  lookup(token: string, nowMs: number): AccessTokenGrant | undefined {
    const grant = this.tokens.get(hash(token));
    if (!grant) return undefined;
    if (grant.expiresAt <= nowMs) {
      this.tokens.delete(hash(token));
      return undefined;
    }
    return grant;
  }

  /** Records a client assertion jti until `expMs`; false when it was already used. */
  useJti(key: string, expMs: number, nowMs: number): boolean {
    this.purge(nowMs);
    if (this.jtis.has(key)) return false;
    while (this.jtis.size >= this.max) this.jtis.delete(this.jtis.keys().next().value as string);
    this.jtis.set(key, expMs);
    return true;
  }

  private purge(nowMs: number): void {
    for (const [k, g] of this.tokens) if (g.expiresAt <= nowMs) this.tokens.delete(k);
    for (const [k, exp] of this.jtis) if (exp <= nowMs) this.jtis.delete(k);
  }
}

const hash = (t: string): string => createHash('sha256').update(t).digest('hex');

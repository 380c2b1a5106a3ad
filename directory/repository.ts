import type { RevokedEntry } from '../certs/index.js';
import type { Store } from '../lib/store/index.js';
import { readInSlices } from '../lib/store/read-in-slices.js';
import {
  type AuthorisationServerRecord,
  type CertificateRecord,
  COLLECTIONS,
  type CredentialRecord,
  type MetaRecord,
  type OAuthClientRecord,
  type OrganisationRecord,
  type SoftwareStatementRecord,
} from './model.js';

/** Store collection → shard count for the directory's data. */
export function directoryCollections(certificateShards: number): Record<string, number> {
  return {
    [COLLECTIONS.organisations]: 8,
    [COLLECTIONS.softwareStatements]: 8,
    [COLLECTIONS.certificates]: certificateShards,
    [COLLECTIONS.authorisationServers]: 2,
    [COLLECTIONS.credentials]: 4,
    [COLLECTIONS.oauthClients]: 2,
    [COLLECTIONS.meta]: 1,
  };
}

function addTo(index: Map<string, Set<string>>, key: string, value: string): void {
  let set = index.get(key);
  if (!set) {
    set = new Set();
    index.set(key, set);
  }
  set.add(value);
}

/**
 * Typed access to the directory's records, with in-memory indexes (certificates
 * by organisation and by software statement) rebuilt from the store at start.
 */
export class DirectoryRepository {
  private readonly certsByOrg = new Map<string, Set<string>>();
  private readonly certsBySoftware = new Map<string, Set<string>>();
  private readonly softwareByOrg = new Map<string, Set<string>>();
  /** OrganisationIdentifier (2.5.4.97) → OrganisationId: one organisation per identifier. */
  private readonly orgByIdentifier = new Map<string, string>();
  /** The ids of the aspsp organisations. */
  private readonly aspspOrgs = new Set<string>();
  /** OAuth ClientID → OrganisationId. */
  private readonly oauthClientIds = new Map<string, string>();
  /** Serial (lowercase hex) → kid, for the OCSP responder. */
  private readonly certBySerial = new Map<string, string>();
  /** kid → serial and revocation time of each revoked certificate: the CRL's entries, without reading every certificate. */
  private readonly revoked = new Map<string, RevokedEntry>();
  /**
   * Counts the writes that can change a keystore file or a certificate listing (a certificate or
   * a software statement written); each organisation's last one is what
   * {@link keysRevisionOf} and {@link certificatesRevisionOf} answer.
   */
  keysRevision = 0;
  /**
   * OrganisationId → the {@link keysRevision} of the last write of one of its certificates (none
   * since start: 0). Every certificate of an organisation's listings is one of its own, so what is
   * built from them may be kept while this stands; other organisations' writes leave it alone.
   */
  private readonly certificatesWritten = new Map<string, number>();
  /** OrganisationId → the {@link keysRevision} of the last write of one of its certificates or software statements. */
  private readonly keysWritten = new Map<string, number>();

  /**
   * A repository over `store`. Unless `index` is false, its indexes are built
   * here, at once; {@link DirectoryRepository.open} builds them in slices.
   */
  constructor(
    readonly store: Store,
    options: { index?: boolean } = {},
  ) {
    if (options.index === false) return;
    for (const [, org] of store.entries<OrganisationRecord>(COLLECTIONS.organisations))
      this.indexOrganisation(org);
    for (const [, cert] of store.entries<CertificateRecord>(COLLECTIONS.certificates))
      this.indexCertificate(cert);
    for (const [, ss] of store.entries<SoftwareStatementRecord>(COLLECTIONS.softwareStatements))
      addTo(this.softwareByOrg, ss.OrganisationId, ss.Id);
    for (const c of store.list<OAuthClientRecord>(COLLECTIONS.oauthClients))
      this.oauthClientIds.set(c.ClientID, c.OrganisationId);
  }

  /**
   * A repository whose indexes are built a slice at a time, the event loop given back every few
   * milliseconds (lib/store/read-in-slices.ts): at start the certificates are read one by one
   * (180,000 of them take seconds), and nothing else may wait that long.
   */
  static async open(store: Store): Promise<DirectoryRepository> {
    const repo = new DirectoryRepository(store, { index: false });
    await readInSlices(store.entries<OrganisationRecord>(COLLECTIONS.organisations), ([, org]) =>
      repo.indexOrganisation(org),
    );
    await readInSlices(store.entries<CertificateRecord>(COLLECTIONS.certificates), ([, cert]) =>
      repo.indexCertificate(cert),
    );
    await readInSlices(store.entries<SoftwareStatementRecord>(COLLECTIONS.softwareStatements), ([, ss]) =>
      addTo(repo.softwareByOrg, ss.OrganisationId, ss.Id),
    );
    for (const c of store.list<OAuthClientRecord>(COLLECTIONS.oauthClients))
      repo.oauthClientIds.set(c.ClientID, c.OrganisationId);
    return repo;
  }

  private indexOrganisation(org: OrganisationRecord): void {
    this.orgByIdentifier.set(org.OrganisationIdentifier, org.OrganisationId);
    if (org.OrganisationType === 'aspsp') this.aspspOrgs.add(org.OrganisationId);
    else this.aspspOrgs.delete(org.OrganisationId);
  }

  private indexCertificate(cert: CertificateRecord): void {
    addTo(this.certsByOrg, cert.OrganisationId, cert.kid);
    this.certBySerial.set(cert.serialHex.toLowerCase(), cert.kid);
    if (cert.SoftwareStatementId) addTo(this.certsBySoftware, cert.SoftwareStatementId, cert.kid);
    for (const ss of cert.Associations) addTo(this.certsBySoftware, ss, cert.kid);
    if (cert.status === 'Revoked')
      this.revoked.set(cert.kid, {
        serialHex: cert.serialHex,
        revokedAt: new Date(cert.revokedAt ?? cert.createdAt),
      });
    else this.revoked.delete(cert.kid);
  }

  // organisations
  organisation(id: string): OrganisationRecord | undefined {
    return this.store.get(COLLECTIONS.organisations, id);
  }
  organisations(): OrganisationRecord[] {
    return this.store.list<OrganisationRecord>(COLLECTIONS.organisations);
  }
  putOrganisation(org: OrganisationRecord): Promise<void> {
    const before = this.organisation(org.OrganisationId);
    if (before && before.OrganisationIdentifier !== org.OrganisationIdentifier)
      this.orgByIdentifier.delete(before.OrganisationIdentifier);
    this.indexOrganisation(org);
    return this.store.put(COLLECTIONS.organisations, org.OrganisationId, org);
  }
  /** The id of the organisation whose OrganisationIdentifier this is, reading no record. */
  organisationWithIdentifier(identifier: string): string | undefined {
    return this.orgByIdentifier.get(identifier);
  }
  /** The ids of the aspsp organisations, reading no record. */
  aspspOrganisationIds(): string[] {
    return [...this.aspspOrgs];
  }

  // credentials
  credential(hash: string): CredentialRecord | undefined {
    return this.store.get(COLLECTIONS.credentials, hash);
  }
  credentialsOf(orgId: string): CredentialRecord[] {
    return this.store
      .list<CredentialRecord>(COLLECTIONS.credentials)
      .filter((c) => c.OrganisationId === orgId);
  }
  putCredential(c: CredentialRecord): Promise<void> {
    return this.store.put(COLLECTIONS.credentials, c.hash, c);
  }
  deleteCredential(hash: string): Promise<void> {
    return this.store.delete(COLLECTIONS.credentials, hash);
  }

  // OAuth clients (one per organisation, keyed by OrganisationId)
  oauthClientOf(orgId: string): OAuthClientRecord | undefined {
    return this.store.get(COLLECTIONS.oauthClients, orgId);
  }
  oauthClient(clientId: string): OAuthClientRecord | undefined {
    const orgId = this.oauthClientIds.get(clientId);
    return orgId ? this.oauthClientOf(orgId) : undefined;
  }
  putOAuthClient(c: OAuthClientRecord): Promise<void> {
    const previous = this.oauthClientOf(c.OrganisationId);
    if (previous) this.oauthClientIds.delete(previous.ClientID);
    this.oauthClientIds.set(c.ClientID, c.OrganisationId);
    return this.store.put(COLLECTIONS.oauthClients, c.OrganisationId, c);
  }

  // software statements
  softwareStatement(id: string): SoftwareStatementRecord | undefined {
    return this.store.get(COLLECTIONS.softwareStatements, id);
  }
  /** How many software statements the organisation has (the directory deletes none). */
  softwareStatementCountOf(orgId: string): number {
    return this.softwareByOrg.get(orgId)?.size ?? 0;
  }
  softwareStatementsOf(orgId: string): SoftwareStatementRecord[] {
    const ids = this.softwareByOrg.get(orgId) ?? new Set<string>();
    return [...ids].map((id) => this.softwareStatement(id)).filter((s): s is SoftwareStatementRecord => !!s);
  }
  putSoftwareStatement(ss: SoftwareStatementRecord): Promise<void> {
    this.keysRevision++;
    this.keysWritten.set(ss.OrganisationId, this.keysRevision);
    addTo(this.softwareByOrg, ss.OrganisationId, ss.Id);
    return this.store.put(COLLECTIONS.softwareStatements, ss.Id, ss);
  }

  // certificates
  certificate(kid: string): CertificateRecord | undefined {
    return this.store.get(COLLECTIONS.certificates, kid);
  }
  /** How many certificates the CA issued for the organisation, revoked ones included (kept for the CRL). */
  certificateCountOf(orgId: string): number {
    return this.certsByOrg.get(orgId)?.size ?? 0;
  }
  certificatesOfOrganisation(orgId: string): CertificateRecord[] {
    return this.resolve(this.certsByOrg.get(orgId));
  }
  /** Certificates issued for the software statement plus organisation certificates associated with it. */
  certificatesOfSoftware(ssId: string): CertificateRecord[] {
    return this.resolve(this.certsBySoftware.get(ssId));
  }
  /**
   * The Active ones of {@link certificatesOfSoftware}, reading no revoked record: a software
   * statement keeps its revoked certificates (up to the organisation's limit), and its upload
   * check, view and JWKS need only the few active ones.
   */
  activeCertificatesOfSoftware(ssId: string): CertificateRecord[] {
    return this.resolveActive(this.certsBySoftware.get(ssId));
  }
  /** The Active ones of {@link certificatesOfOrganisation}, reading no revoked record. */
  activeCertificatesOfOrganisation(orgId: string): CertificateRecord[] {
    return this.resolveActive(this.certsByOrg.get(orgId));
  }
  /** The certificate with this serial number (lowercase hex, as recorded), if the CA issued one. */
  certificateBySerial(serialHex: string): CertificateRecord | undefined {
    const kid = this.certBySerial.get(serialHex.toLowerCase());
    return kid ? this.certificate(kid) : undefined;
  }
  /** Serial and revocation time of every revoked certificate (what the CRL lists). */
  revokedCertificates(): RevokedEntry[] {
    return [...this.revoked.values()];
  }
  allCertificates(): CertificateRecord[] {
    return this.store.list<CertificateRecord>(COLLECTIONS.certificates);
  }
  /** The kids of {@link certificatesOfOrganisation}, reading no record. */
  certificateKidsOfOrganisation(orgId: string): string[] {
    return [...(this.certsByOrg.get(orgId) ?? [])];
  }
  /** The kids of {@link certificatesOfSoftware}, reading no record. */
  certificateKidsOfSoftware(ssId: string): string[] {
    return [...(this.certsBySoftware.get(ssId) ?? [])];
  }
  /**
   * Moves whenever one of the organisation's certificates is written (issued, revoked,
   * associated or not): its certificate listings built at one value stand until it moves.
   */
  certificatesRevisionOf(orgId: string): number {
    return this.certificatesWritten.get(orgId) ?? 0;
  }
  /**
   * Moves whenever one of the organisation's certificates or software statements is written:
   * its keystore files (whose keys depend on both) built at one value stand until it moves.
   */
  keysRevisionOf(orgId: string): number {
    return this.keysWritten.get(orgId) ?? 0;
  }
  putCertificate(cert: CertificateRecord): Promise<void> {
    this.keysRevision++;
    this.certificatesWritten.set(cert.OrganisationId, this.keysRevision);
    this.keysWritten.set(cert.OrganisationId, this.keysRevision);
    const previous = this.certificate(cert.kid);
    if (previous) for (const ss of previous.Associations) this.certsBySoftware.get(ss)?.delete(cert.kid);
    this.indexCertificate(cert);
    return this.store.put(COLLECTIONS.certificates, cert.kid, cert);
  }
  private resolveActive(kids: Set<string> | undefined): CertificateRecord[] {
    if (!kids) return [];
    const active: string[] = [];
    for (const kid of kids) if (!this.revoked.has(kid)) active.push(kid);
    return this.resolve(new Set(active)).filter((c) => c.status === 'Active');
  }
  private resolve(kids: Set<string> | undefined): CertificateRecord[] {
    if (!kids) return [];
    return [...kids].map((k) => this.certificate(k)).filter((c): c is CertificateRecord => !!c);
  }

  // authorisation servers
  authorisationServer(id: string): AuthorisationServerRecord | undefined {
    return this.store.get(COLLECTIONS.authorisationServers, id);
  }
  authorisationServersOf(orgId: string): AuthorisationServerRecord[] {
    return this.store
      .list<AuthorisationServerRecord>(COLLECTIONS.authorisationServers)
      .filter((a) => a.OrganisationId === orgId);
  }
  putAuthorisationServer(a: AuthorisationServerRecord): Promise<void> {
    return this.store.put(COLLECTIONS.authorisationServers, a.Id, a);
  }
  deleteAuthorisationServer(id: string): Promise<void> {
    return this.store.delete(COLLECTIONS.authorisationServers, id);
  }

  // meta
  meta(): MetaRecord {
    return this.store.get<MetaRecord>(COLLECTIONS.meta, 'meta') ?? { crlNumber: 0 };
  }
  putMeta(meta: MetaRecord): Promise<void> {
    return this.store.put(COLLECTIONS.meta, 'meta', meta);
  }
}

import type { LookupFunction } from 'node:net';
import type { Discovery, RegisteredClient, SigningAlg, TppMaterial } from '../tpp-client/index.js';

/**
 * The redirect URIs the software statement of an onboarded scenario TPP lists: two valid https
 * URIs, and the ones a bank must refuse in a registration (http, localhost). The statement lists
 * them so that REG-REDIRECT-http / -localhost are refused by the bank's https rule (OB DCR
 * redirect_uris: https, host not localhost), not by the subset rule (redirect_uris ⊆
 * software_redirect_uris). Valid registrations send only the first https one
 * (`ScenarioContext.validRedirect`). The obmock directory accepts http(s) URIs in a software
 * statement: RFC 6749 §3.1.2.1 makes TLS for redirect endpoints a SHOULD, so the https demand is
 * the bank's (OB DCR), checked at registration.
 */
export const SCENARIO_REDIRECT_URIS = [
  'https://tpp.example.com/cb',
  'https://tpp.example.com/cb2',
  'http://tpp.example.com/cb',
  'https://localhost/cb',
];

/** What discovery cannot tell about a bank; defaults are the strict OB v3.3 behaviour. */
export interface BankHints {
  /** `aud` to send: the bank's OB org id (discovery ob_organisation_id), its issuer, or a fixed value. */
  audience?: string;
  mediaType?: 'application/jose' | 'application/jwt' | 'application/json';
  specVersion?: '3.1' | '3.2' | '3.3';
  subjectDnForm?: 'name' | 'oid' | 'hex';
  requiredClaims?: Record<string, string>;
  /** Scope the management token must carry (scoped-token banks). */
  managementScope?: string;
  managementAuth?: 'client-credentials' | 'scoped-token' | 'registration-access-token';
  /** Management operations the bank implements (default all three). */
  managementOperations?: ('GET' | 'PUT' | 'DELETE')[];
  createStatus?: number;
  duplicateRegistration?: 'allow' | 'reject' | 'return-existing';
  requestFormat?: 'jws' | 'json';
  trustModel?: 'ob-directory' | 'eidas';
  /**
   * Base URL of the bank's Read/Write API (e.g. `https://bank/open-banking/v3.1`), for the
   * consent scenarios; without it they are skipped (discovery does not publish it).
   */
  resourceBaseUrl?: string;
}

/** Powers over the directory that only the sandbox's own directory gives. */
export interface DirectoryPowers {
  url: string;
  adminToken: string;
  caBundlePem: string;
  /**
   * A freshly onboarded TPP (its own organisation, software statement, certificates, SSA);
   * `signingAlg` is a wish (the sandbox follows it; supplied material is what it is).
   */
  newTpp(opts?: { signingAlg?: SigningAlg }): Promise<TppMaterial>;
  /**
   * An SSA of `material`'s software statement signed with this `iat` (unix seconds): back- or
   * forward-dated (the directory's admin-only `?iat=`). Absent: scenarios ask the directory
   * themselves with `adminToken`.
   */
  ssaAt?(material: TppMaterial, iat: number): Promise<string>;
  /**
   * `material` with a new transport certificate for the same key, organisation and software,
   * issued straight from the directory CA with this clock and validity (e.g. one that expired
   * long ago). It is not recorded at the directory: only the CA and the CRL know it. Needs the
   * CA's key: only the in-process sandbox has it.
   */
  issueTransportCertificate?(
    material: TppMaterial,
    opts: { now?: Date; validityDays?: number },
  ): Promise<TppMaterial>;
}

/** Another bank of the same sandbox, for scenarios about one bank profile. */
export interface ProfileBank {
  discoveryUrl: string;
  hints: BankHints;
}

/** A client a run registered: what deleting it needs (its TPP's material, its bank, how that bank manages clients). */
export interface RunClient {
  client: RegisteredClient;
  material: TppMaterial;
  discovery: Discovery;
  hints: BankHints;
}

/** Where a run notes the clients its scenarios register and delete (scenarios/run-clients.ts). */
export interface ClientLedger {
  add(entry: RunClient): void;
  forget(clientId: string): void;
  /** A scenario revoked this transport certificate: the clients registered over it cannot be managed any more. */
  retire(transportCertPem: string): void;
}

/** The bank under test and the TPP material to test it with. */
export interface Target {
  /** Label for reports. */
  name: string;
  discoveryUrl: string;
  hints: BankHints;
  /** The TPP used by most scenarios; its SSA is refreshed at the start of a run when possible. */
  material: TppMaterial;
  /**
   * Host names the target's discovery may name for its registration and token endpoints besides
   * the discovery URL's host and the hosts of its domain (`--tpp-config` `allowedHosts`).
   */
  allowedHosts?: string[];
  /**
   * The resolver of the TPP's connections (`dns.lookup`'s shape; default the system's), under
   * the address rule of `guardedLookup`. Tests give one to need no DNS server.
   */
  lookup?: LookupFunction;
  /** Present only when the directory is the sandbox's own. */
  directory?: DirectoryPowers;
  /** Present only when the bank is the sandbox's own: its admin API (faults). */
  bankAdmin?: { issuer: string; adminToken: string };
  /** Banks of other profiles next to the target, by profile name (the sandbox's `profileBanks`). */
  profileBanks?: Record<string, ProfileBank>;
  /**
   * How long time-dependent expectations (a revoked certificate noticed through the CRL the
   * bank caches) may take before they fail, ms; default 30 000 (`--revocation-wait`).
   */
  revocationWaitMs?: number;
  /** Set by runCatalogue: the clients registered, deleted when the run ends unless kept. */
  clients?: ClientLedger;
}

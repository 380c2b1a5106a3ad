import { X509Certificate } from 'node:crypto';
import type { CertificateType, ParsedCsr } from '../certs/index.js';
import { BadRequest } from '../lib/errors.js';
import { isLoopbackHost } from '../lib/loopback-host.js';
import type { DirectoryContext } from './context.js';
import type { CertificateRecord, OrganisationRecord } from './model.js';

/** Types whose certificate carries the CSR's host names (subjectAltName, and the subject CN for QWACs). */
const NAMED_TYPES: ReadonlySet<CertificateType> = new Set(['obwac', 'qwac', 'server']);

const normalise = (name: string): string => name.trim().replace(/\.$/, '').toLowerCase();

/** The names a certificate of `type` from this CSR would be valid for as a TLS server. */
function requestedNames(type: CertificateType, csr: ParsedCsr): string[] {
  const names = [...csr.sanDns, ...csr.sanIps];
  if (type === 'qwac' || type === 'server') {
    // qwac and server copy the CSR subject; a TLS client falls back to the CN when there is no SAN.
    for (const a of csr.subject) if (a.oid === '2.5.4.3') names.push(a.value);
  }
  return names.map(normalise);
}

/** True when the directory is reached only through loopback names: a single-machine sandbox. */
function loopbackSandbox(ctx: DirectoryContext): boolean {
  return isLoopbackHost(ctx.config.host) && isLoopbackHost(new URL(ctx.baseUrl).hostname);
}

const sanCache = new Map<string, string[]>();

/** Host names and addresses in an issued certificate's subjectAltName (parsed once per kid). */
function namesOf(cert: CertificateRecord): string[] {
  let names = sanCache.get(cert.kid);
  if (!names) {
    const san = new X509Certificate(cert.pem).subjectAltName ?? '';
    names = san
      .split(', ')
      .map((e) => /^(?:DNS|IP Address):(.+)$/.exec(e)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(normalise);
    if (sanCache.size >= 1000) sanCache.clear();
    sanCache.set(cert.kid, names);
  }
  return names;
}

/** Names the sandbox's own services answer on: the directory's, loopback, and those in the banks' certificates. */
function reservedNames(ctx: DirectoryContext): Set<string> {
  const reserved = new Set([normalise(ctx.config.host), normalise(new URL(ctx.baseUrl).hostname)]);
  for (const orgId of ctx.repo.aspspOrganisationIds()) {
    for (const cert of ctx.repo.certificatesOfOrganisation(orgId)) {
      if (cert.status === 'Active' && NAMED_TYPES.has(cert.type))
        for (const n of namesOf(cert)) reserved.add(n);
    }
  }
  return reserved;
}

/**
 * Step (every CSR path): the names an organisation asks a TLS certificate for.
 * - No wildcard name is ever issued.
 * - On a sandbox served under a name other than loopback (shared or workshop),
 *   a TPP organisation gets no certificate for the directory's or a bank's host
 *   names or addresses, nor for loopback names (banks — ASPSP organisations — and
 *   the sandbox's own TPP service, both created by the admin, may). On a loopback-only sandbox
 *   `localhost` stays issuable: an eIDAS TPP hosts its JWKS on this machine.
 * See docs/directory.md, "Certificate names".
 */
export function checkCertificateNames(
  ctx: DirectoryContext,
  type: CertificateType,
  csr: ParsedCsr,
  org: OrganisationRecord,
): void {
  if (!NAMED_TYPES.has(type)) return;
  const names = requestedNames(type, csr);
  const wildcard = names.find((n) => n.includes('*'));
  if (wildcard !== undefined)
    throw new BadRequest(`CSR names: '${wildcard}' is a wildcard; wildcard names are not issued`);
  if (org.OrganisationType === 'aspsp' || org.SandboxService || loopbackSandbox(ctx)) return;
  const reserved = reservedNames(ctx);
  const taken = names.find((n) => isLoopbackHost(n) || reserved.has(n));
  if (taken !== undefined)
    throw new BadRequest(
      `CSR names: '${taken}' is a name of this sandbox's directory or banks and is not issued to organisations`,
    );
}

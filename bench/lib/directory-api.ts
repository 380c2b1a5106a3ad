/** Directory API calls the benchmarks need, over the bench's client. */
import { createCsr, type KeyPair } from '../../certs/index.js';
import { type BenchClient, send, sendJson } from './http.js';

export interface BenchOrganisation {
  id: string;
  token: string;
}

export interface BenchSoftwareStatement {
  org: BenchOrganisation;
  id: string;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function createOrganisation(
  pool: BenchClient,
  adminToken: string,
  name: string,
): Promise<BenchOrganisation> {
  const body = await sendJson<{ OrganisationId: string; AccessToken: string }>(
    pool,
    {
      method: 'POST',
      path: '/admin/organisations',
      headers: { ...bearer(adminToken), 'content-type': 'application/json' },
      body: JSON.stringify({
        OrganisationName: name,
        OrganisationType: 'tpp',
        Roles: ['AISP', 'PISP'],
        LegalName: `${name} Ltd`,
      }),
    },
    201,
  );
  return { id: body.OrganisationId, token: body.AccessToken };
}

export async function createSoftwareStatement(
  pool: BenchClient,
  org: BenchOrganisation,
  clientName: string,
): Promise<BenchSoftwareStatement> {
  const body = await sendJson<{ Id: string }>(
    pool,
    {
      method: 'POST',
      path: `/v2.1/organisation/${org.id}/software-statement`,
      headers: {
        ...bearer(org.token),
        'content-type': 'application/vnd.openbanking.directory.softwarestatement-v2+json',
      },
      body: JSON.stringify({
        ClientName: clientName,
        RedirectUri: ['https://tpp.example.com/callback'],
        Roles: ['AISP', 'PISP'],
      }),
    },
    201,
  );
  return { org, id: body.Id };
}

/**
 * `count` organisations with `perOrganisation` software statements each, created
 * through the API (organisations concurrently, a few at a time).
 */
export async function createSoftwareStatements(
  pool: BenchClient,
  adminToken: string,
  count: number,
  perOrganisation: number,
  prefix = 'Bench TPP',
): Promise<BenchSoftwareStatement[]> {
  const out: BenchSoftwareStatement[][] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const o = next++;
      const org = await createOrganisation(pool, adminToken, `${prefix} ${o + 1}`);
      const statements: BenchSoftwareStatement[] = [];
      for (let s = 0; s < perOrganisation; s++)
        statements.push(await createSoftwareStatement(pool, org, `Bench app ${o + 1}.${s + 1}`));
      out[o] = statements;
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, count) }, worker));
  return out.flat();
}

/** A CSR for an OB transport certificate, subject as OB's documented openssl command makes it. */
export function transportCsr(key: KeyPair, ss: BenchSoftwareStatement): string {
  return createCsr({
    key,
    subject: [
      { name: 'C', value: 'GB' },
      { name: 'O', value: 'OpenBanking' },
      { name: 'OU', value: ss.org.id },
      { name: 'CN', value: ss.id },
    ],
  });
}

export function transportCertificatePath(ss: BenchSoftwareStatement): string {
  return `/v2.1/organisation/${ss.org.id}/software-statement/${ss.id}/certificate/obtransport`;
}

export function ssaPath(ss: BenchSoftwareStatement): string {
  return `/v2.1/organisation/${ss.org.id}/software-statement/${ss.id}/software-statement-assertion`;
}

/** POST a CSR → 201 JWK; throws on any other answer or a body without a kid. */
export async function obtainTransportCertificate(
  pool: BenchClient,
  ss: BenchSoftwareStatement,
  csrPem: string,
): Promise<void> {
  const res = await send(
    pool,
    {
      method: 'POST',
      path: transportCertificatePath(ss),
      headers: { ...bearer(ss.org.token), 'content-type': 'application/x-pem-file' },
      body: csrPem,
    },
    201,
  );
  if (!res.body.includes('"kid"'))
    throw new Error(`certificate answer without a kid: ${res.body.slice(0, 200)}`);
}

/** GET the SSA → 200 compact JWS; throws on any other answer. Returns the JWS. */
export async function fetchSsa(pool: BenchClient, ss: BenchSoftwareStatement): Promise<string> {
  const res = await send(pool, { method: 'GET', path: ssaPath(ss), headers: bearer(ss.org.token) }, 200);
  if (res.body.split('.').length !== 3)
    throw new Error(`SSA is not a compact JWS: ${res.body.slice(0, 200)}`);
  return res.body;
}

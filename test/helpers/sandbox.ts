import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { Agent, request } from 'undici';
import type { BankDefinition } from '../../aspsp-mock/config.js';
import { type RunningAspsp, type RunningBank, startAspsp } from '../../aspsp-mock/index.js';
import { createCsr, type KeyPair, KeyPool } from '../../certs/index.js';
import { type RunningDirectory, startDirectory } from '../../directory/index.js';
import { createLogger, silentLogger } from '../../lib/logger.js';

/** OBMOCK_TEST_LOG=debug shows the services' logs while a test runs. */
const testLogger = process.env.OBMOCK_TEST_LOG
  ? createLogger(process.env.OBMOCK_TEST_LOG as 'debug')
  : silentLogger;

/** Directory + bank over real HTTPS on ephemeral ports, with a temp data dir. */
export interface TestSandbox {
  directory: RunningDirectory;
  aspsp: RunningAspsp;
  bank: RunningBank;
  caBundle: string;
  dataDir: string;
  close(): Promise<void>;
}

export const sandboxKeys = new KeyPool({ bits: 2048, size: 6 });

export async function startTestSandbox(
  opts: { banks?: BankDefinition[]; now?: () => Date; mtlsHeader?: string } = {},
): Promise<TestSandbox> {
  const dataDir = mkdtempSync(join(tmpdir(), 'obmock-sandbox-'));
  const directory = await startDirectory(
    { dataDir, port: 0, logLevel: 'silent' },
    { logger: testLogger, now: opts.now },
  );
  const caBundle = readFileSync(directory.ca.bundle, 'utf8');
  const aspsp = await startAspsp(
    {
      dataDir,
      port: 0,
      logLevel: 'silent',
      directory: { url: directory.url, caBundlePem: caBundle, adminToken: directory.adminToken },
      ...(opts.banks ? { banks: opts.banks } : {}),
      ...(opts.mtlsHeader ? { mtlsHeader: opts.mtlsHeader } : {}),
    },
    { logger: testLogger, now: opts.now },
  );
  return {
    directory,
    aspsp,
    bank: aspsp.banks[0],
    caBundle,
    dataDir,
    close: async () => {
      await aspsp.close();
      await directory.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => Record<string, unknown>;
}

export async function call(
  agent: Agent,
  method: string,
  url: string,
  opts: { headers?: Record<string, string>; body?: string } = {},
): Promise<HttpResult> {
  const res = await request(url, {
    method: method as 'GET',
    dispatcher: agent,
    headers: opts.headers,
    body: opts.body,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) };
}

/** A TPP onboarded at the directory through its API: organisation, software statement, transport and signing certificates. */
export interface TestTpp {
  orgId: string;
  token: string;
  softwareId: string;
  transport: { key: KeyPair; certPem: string };
  signing: { key: KeyPair; kid: string };
  /** mTLS client with the transport certificate. */
  agent: Agent;
  ssa(): Promise<string>;
}

export async function onboardTpp(
  sb: TestSandbox,
  opts: { roles?: string[]; redirectUris?: string[] } = {},
): Promise<TestTpp> {
  const plain = new Agent({ connect: { ca: sb.caBundle } });
  const d = sb.directory.url;
  const json = (token: string, body: unknown) => ({
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const org = (
    await call(
      plain,
      'POST',
      `${d}/admin/organisations`,
      json(sb.directory.adminToken, {
        OrganisationName: 'Test TPP',
        OrganisationType: 'tpp',
        Roles: opts.roles ?? ['AISP', 'PISP'],
        LegalName: 'Test TPP Ltd',
      }),
    )
  ).json();
  const orgId = org.OrganisationId as string;
  const token = org.AccessToken as string;
  const ss = (
    await call(
      plain,
      'POST',
      `${d}/v2.1/organisation/${orgId}/software-statement`,
      json(token, {
        ClientName: 'Test app',
        RedirectUri: opts.redirectUris ?? ['https://tpp.example.com/cb', 'https://tpp.example.com/cb2'],
        Roles: opts.roles ?? ['AISP', 'PISP'],
      }),
    )
  ).json();
  const softwareId = ss.Id as string;
  const subject = [
    { name: 'C', value: 'GB' },
    { name: 'O', value: 'OpenBanking' },
    { name: 'OU', value: orgId },
    { name: 'CN', value: softwareId },
  ];
  const [tKey, sKey] = await Promise.all([sandboxKeys.take(), sandboxKeys.take()]);
  const upload = async (type: string, key: KeyPair) => {
    const res = await call(
      plain,
      'POST',
      `${d}/v2.1/organisation/${orgId}/software-statement/${softwareId}/certificate/${type}`,
      {
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-pem-file' },
        body: createCsr({ key, subject }),
      },
    );
    if (res.status !== 201) throw new Error(`${type}: ${res.status} ${res.text}`);
    return res.json();
  };
  const t = await upload('obtransport', tKey);
  const s = await upload('obsigning', sKey);
  const certPem = `-----BEGIN CERTIFICATE-----\n${(t.x5c as string[])[0]}\n-----END CERTIFICATE-----\n`;
  await plain.close();
  const agent = new Agent({ connect: { ca: sb.caBundle, cert: certPem, key: tKey.privateKeyPem } });
  const ssaAgent = new Agent({ connect: { ca: sb.caBundle } });
  return {
    orgId,
    token,
    softwareId,
    transport: { key: tKey, certPem },
    signing: { key: sKey, kid: s.kid as string },
    agent,
    ssa: async () =>
      (
        await call(
          ssaAgent,
          'GET',
          `${d}/v2.1/organisation/${orgId}/software-statement/${softwareId}/software-statement-assertion`,
          {
            headers: { authorization: `Bearer ${token}` },
          },
        )
      ).text,
  };
}

/** A valid OB DCR v3.3 registration request for `tpp` at `bank`; `overrides` change (or with undefined, remove) claims. */
export function registrationClaims(
  tpp: TestTpp,
  bank: RunningBank,
  ssa: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: tpp.softwareId,
    iat: now,
    exp: now + 300,
    aud: bank.orgId,
    jti: randomUUID(),
    redirect_uris: ['https://tpp.example.com/cb'],
    token_endpoint_auth_method: 'tls_client_auth',
    tls_client_auth_subject_dn: `CN=${tpp.softwareId},OU=${tpp.orgId},O=OpenBanking,C=GB`,
    grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
    response_types: ['code id_token'],
    scope: 'accounts payments openid',
    software_statement: ssa,
    application_type: 'web',
    id_token_signed_response_alg: 'PS256',
    request_object_signing_alg: 'PS256',
    software_id: tpp.softwareId,
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete claims[k];
    else claims[k] = v;
  }
  return claims;
}

export function signRequest(
  claims: Record<string, unknown>,
  key: KeyPair['privateKey'],
  header: Record<string, unknown>,
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key);
}

/**
 * A valid registration request for `tpp` at `bank` signed PS256 with the TPP's signing key
 * (`overrides` as for `registrationClaims`; the SSA fetched when not given).
 */
export async function signedRegistration(
  tpp: TestTpp,
  bank: RunningBank,
  opts: { ssa?: string; overrides?: Record<string, unknown>; header?: Record<string, unknown> } = {},
): Promise<string> {
  const claims = registrationClaims(tpp, bank, opts.ssa ?? (await tpp.ssa()), opts.overrides);
  return signRequest(claims, tpp.signing.key.privateKey, {
    alg: 'PS256',
    kid: tpp.signing.kid,
    ...opts.header,
  });
}

export function register(
  tpp: TestTpp,
  bank: RunningBank,
  jwt: string,
  type = 'application/jose',
): Promise<HttpResult> {
  return call(tpp.agent, 'POST', `${bank.issuer}/register`, { headers: { 'content-type': type }, body: jwt });
}

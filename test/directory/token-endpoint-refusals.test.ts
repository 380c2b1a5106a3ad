import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsr, type KeyPair } from '../../certs/index.js';
import { type RunningDirectory, startDirectory } from '../../directory/index.js';
import { COLLECTIONS } from '../../directory/model.js';
import { silentLogger } from '../../lib/logger.js';
import { call, sandboxKeys } from '../helpers/sandbox.js';
import { LIBRARY_INTERNALS } from './library-internals.js';

/**
 * The directory's token endpoint (/as/token.oauth2) over real mutual TLS:
 * a parameter given twice is refused (RFC 6749 §3.1), never "first one
 * wins"; a refused assertion is refused in the directory's words, not
 * jose's. A refusal issues no token and consumes no assertion jti.
 */
let dataDir = '';
let dir: RunningDirectory;
let wacKey: KeyPair;
let wacAgent: Agent;
let clientId = '';
let tokenUrl = '';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const pem = (b64: string) => `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;

function assertion(alg = 'PS256', overrides: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: clientId,
    sub: clientId,
    aud: tokenUrl,
    iat: now,
    exp: now + 60,
    jti: randomUUID(),
    ...overrides,
  })
    .setProtectedHeader({ alg })
    .sign(wacKey.privateKey);
}

/** A form body with each pair in order, repeated names kept. */
const formOf = (pairs: [string, string][]) =>
  pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

const post = (body: string) =>
  call(wacAgent, 'POST', tokenUrl, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });

function storedState(): string {
  return JSON.stringify(Object.values(COLLECTIONS).map((c) => dir.ctx.repo.store.list(c)));
}

/** How many access tokens the directory holds (in memory, as hashes). */
const issuedTokens = () => (dir.ctx.oauthTokens as unknown as { tokens: Map<string, unknown> }).tokens.size;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'obmock-dir-token-'));
  dir = await startDirectory({ dataDir, port: 0, logLevel: 'silent' }, { logger: silentLogger });
  const caBundle = readFileSync(dir.ca.bundle, 'utf8');
  const plain = new Agent({ connect: { ca: caBundle } });
  try {
    const org = (
      await call(plain, 'POST', `${dir.url}/admin/organisations`, {
        headers: { authorization: `Bearer ${dir.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ OrganisationName: 'Token TPP', OrganisationType: 'tpp', Roles: ['AISP'] }),
      })
    ).json();
    const orgId = String(org.OrganisationId);
    const auth = {
      authorization: `Bearer ${String(org.AccessToken)}`,
      'content-type': 'application/x-pem-file',
    };
    wacKey = await sandboxKeys.take();
    const wac = await call(plain, 'POST', `${dir.url}/v2.1/organisation/${orgId}/certificate/obwac`, {
      headers: auth,
      body: createCsr({
        key: wacKey,
        subject: [
          { name: 'C', value: 'GB' },
          { name: 'O', value: 'Token TPP Ltd' },
          { name: 'organizationIdentifier', value: `PSDGB-OB-Unknown${orgId}` },
          { name: 'CN', value: orgId },
        ],
      }),
    });
    expect(wac.status, wac.text).toBe(201);
    const wacPem = pem((wac.json().x5c as string[])[0]);
    const bound = await call(plain, 'PUT', `${dir.url}/v2.1/oauth/${orgId}`, { headers: auth, body: wacPem });
    expect(bound.status, bound.text).toBe(200);
    clientId = String(bound.json().ClientID);
    tokenUrl = `${dir.url}/as/token.oauth2`;
    wacAgent = new Agent({ connect: { ca: caBundle, cert: wacPem, key: wacKey.privateKeyPem } });
  } finally {
    await plain.close();
  }
});
afterAll(async () => {
  await wacAgent?.close();
  await dir?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Case {
  name: string;
  /** The form's pairs; `A` stands for a fresh valid PS256 assertion, `R` for the same one signed RS256. */
  pairs: [string, string][];
  status: number;
  error: string;
  description: string | RegExp;
}

const CC: [string, string] = ['grant_type', 'client_credentials'];
const TYPE: [string, string] = ['client_assertion_type', JWT_BEARER];

const cases: Case[] = [
  {
    name: 'grant_type twice (client_credentials first)',
    pairs: [CC, ['grant_type', 'password'], ['client_id', '$id']],
    status: 400,
    error: 'invalid_request',
    description: "parameter 'grant_type' must be given once (RFC 6749 §3.1)",
  },
  {
    name: 'grant_type twice (unsupported one first)',
    pairs: [['grant_type', 'password'], CC, ['client_id', '$id']],
    status: 400,
    error: 'invalid_request',
    description: "parameter 'grant_type' must be given once (RFC 6749 §3.1)",
  },
  {
    name: 'grant_type twice with the same value',
    pairs: [CC, CC, ['client_id', '$id']],
    status: 400,
    error: 'invalid_request',
    description: "parameter 'grant_type' must be given once (RFC 6749 §3.1)",
  },
  {
    name: 'scope twice',
    pairs: [CC, ['client_id', '$id'], ['scope', 'TPPReadAccess'], ['scope', 'TPPManage']],
    status: 400,
    error: 'invalid_request',
    description: "parameter 'scope' must be given once (RFC 6749 §3.1)",
  },
  {
    name: 'client_id twice',
    pairs: [CC, ['client_id', '$id'], ['client_id', 'someone-else']],
    status: 400,
    error: 'invalid_request',
    description: "parameter 'client_id' must be given once (RFC 6749 §3.1)",
  },
  {
    name: 'client_assertion twice (private_key_jwt)',
    pairs: [CC, TYPE, ['client_assertion', 'A'], ['client_assertion', 'A']],
    status: 400,
    error: 'invalid_request',
    description: "parameter 'client_assertion' must be given once (RFC 6749 §3.1)",
  },
  {
    name: 'client_assertion_type twice, with a valid assertion',
    pairs: [CC, TYPE, TYPE, ['client_assertion', 'A']],
    status: 400,
    error: 'invalid_request',
    description: "parameter 'client_assertion_type' must be given once (RFC 6749 §3.1)",
  },
  {
    name: 'an unknown parameter twice',
    pairs: [CC, ['client_id', '$id'], ['x'.repeat(100), '1'], ['x'.repeat(100), '2']],
    status: 400,
    error: 'invalid_request',
    description: `parameter '${'x'.repeat(40)}' must be given once (RFC 6749 §3.1)`,
  },
  {
    name: 'an RS256 client assertion',
    pairs: [CC, TYPE, ['client_assertion', 'R']],
    status: 401,
    error: 'invalid_client',
    description: 'client_assertion rejected: algorithm RS256 is not allowed; use PS256',
  },
  {
    name: 'an assertion whose aud is another server',
    pairs: [CC, TYPE, ['client_assertion', 'AUD']],
    status: 401,
    error: 'invalid_client',
    description: "client_assertion rejected: aud must name the directory's token endpoint (or its issuer)",
  },
  {
    name: 'an expired assertion',
    pairs: [CC, TYPE, ['client_assertion', 'OLD']],
    status: 401,
    error: 'invalid_client',
    description: 'client_assertion rejected: it has expired (exp)',
  },
  {
    name: 'an assertion with no jti',
    pairs: [CC, TYPE, ['client_assertion', 'NOJTI']],
    status: 401,
    error: 'invalid_client',
    description: 'client_assertion rejected: the jti claim is required',
  },
  {
    name: 'an assertion whose jti is 257 characters',
    pairs: [CC, TYPE, ['client_assertion', 'LONGJTI']],
    status: 401,
    error: 'invalid_client',
    description: 'client_assertion jti must be a string of 1 to 256 characters',
  },
  {
    name: 'an assertion whose jti is a number',
    pairs: [CC, TYPE, ['client_assertion', 'NUMJTI']],
    status: 401,
    error: 'invalid_client',
    description: 'client_assertion jti must be a string of 1 to 256 characters',
  },
  {
    name: 'an assertion whose signature was altered',
    pairs: [CC, TYPE, ['client_assertion', 'BADSIG']],
    status: 401,
    error: 'invalid_client',
    description: "client_assertion rejected: the signature does not verify with the bound certificate's key",
  },
];

/** The assertion each placeholder stands for (`A` is the valid one, reused afterwards). */
async function fill(pairs: [string, string][], valid: string): Promise<[string, string][]> {
  const now = Math.floor(Date.now() / 1000);
  const made: Record<string, () => Promise<string>> = {
    A: async () => valid,
    R: () => assertion('RS256'),
    AUD: () => assertion('PS256', { aud: 'https://elsewhere.example/token' }),
    OLD: () => assertion('PS256', { iat: now - 600, exp: now - 300 }),
    NOJTI: () => assertion('PS256', { jti: undefined }),
    LONGJTI: () => assertion('PS256', { jti: 'j'.repeat(257) }),
    NUMJTI: () => assertion('PS256', { jti: 42 }),
    BADSIG: async () => {
      const [h, p, s] = (await assertion()).split('.');
      return `${h}.${p}.${s.startsWith('A') ? `B${s.slice(1)}` : `A${s.slice(1)}`}`;
    },
  };
  return Promise.all(
    pairs.map(async ([k, v]): Promise<[string, string]> => {
      if (v === '$id') return [k, clientId];
      if (k === 'client_assertion' && made[v]) return [k, await made[v]()];
      return [k, v];
    }),
  );
}

describe('directory token endpoint: refusals', () => {
  it.each(cases)('$name → $status $error', async (c) => {
    const before = storedState();
    const tokensBefore = issuedTokens();
    const valid = await assertion();
    const res = await post(formOf(await fill(c.pairs, valid)));
    expect(res.status, res.text).toBe(c.status);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
    expect(body.error).toBe(c.error);
    if (typeof c.description === 'string') expect(body.error_description).toBe(c.description);
    else expect(body.error_description).toMatch(c.description);
    for (const internal of LIBRARY_INTERNALS) expect(body.error_description).not.toContain(internal);
    // Nothing was issued or stored, and the valid assertion's jti was not consumed: it still works once.
    expect(issuedTokens()).toBe(tokensBefore);
    expect(storedState()).toBe(before);
    const again = await post(formOf([CC, TYPE, ['client_assertion', valid]]));
    expect(again.status, again.text).toBe(200);
    expect(issuedTokens()).toBe(tokensBefore + 1);
  });

  it('one of each parameter still gets a token (tls_client_auth and private_key_jwt)', async () => {
    const tls = await post(formOf([CC, ['client_id', clientId], ['scope', 'TPPReadAccess']]));
    expect(tls.status, tls.text).toBe(200);
    expect(tls.json().scope).toBe('TPPReadAccess');
    const jwt = await post(formOf([CC, TYPE, ['client_assertion', await assertion()]]));
    expect(jwt.status, jwt.text).toBe(200);
  });
});

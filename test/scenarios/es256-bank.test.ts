import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE, runCatalogue, selectScenarios, type Target } from '../../scenarios/index.js';
import { buildRegistrationClaims, createHttpClient, type HttpClient } from '../../tpp-client/index.js';
import type { RunningSpecBank } from '../fixtures/spec-bank/index.js';
import { type SpecBankTarget, startSpecBankTarget } from '../helpers/spec-bank-target.js';

/**
 * A bank whose discovery advertises only ES256 for request objects
 * (`request_object_signing_alg_values_supported: ["ES256"]`, which OB DCR and FAPI allow): the
 * spec bank with that setting. The harness onboards its TPPs with an EC P-256 signing key,
 * certified at the directory and published in the software JWKS, and registers with ES256.
 */
let env: SpecBankTarget;
let bank: RunningSpecBank;
let target: Target;
let http: HttpClient;

beforeAll(async () => {
  env = await startSpecBankTarget({
    bank: { requestObjectAlgs: ['ES256'] },
    hints: (b) => ({ resourceBaseUrl: `${b.issuer}/open-banking/v3.1` }),
  });
  ({ bank, target } = env);
  target.revocationWaitMs = 10_000;
  const m = target.material;
  http = createHttpClient({
    ca: m.caBundlePem,
    cert: m.transport.certPem,
    key: m.transport.keyPem,
    timeoutMs: 10_000,
  });
}, 120_000);

afterAll(async () => {
  await http?.close();
  await env?.close();
});

describe('a bank that takes only ES256 request objects', () => {
  it('advertises only ES256, and refuses a PS256-signed request (400 invalid_client_metadata)', async () => {
    const discovery = JSON.parse((await http.request('GET', bank.discoveryUrl)).text);
    expect(discovery.request_object_signing_alg_values_supported).toEqual(['ES256']);
    const claims = buildRegistrationClaims({
      softwareStatement: target.material.ssa,
      aud: bank.orgId,
      tokenEndpointAuthMethod: 'tls_client_auth',
      transportCertPem: target.material.transport.certPem,
      redirectUris: ['https://tpp.example.com/cb'],
    });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const jwt = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'PS256', kid: target.material.signing.kid, typ: 'JWT' })
      .sign(rsa);
    const res = await http.request('POST', `${bank.issuer}/register`, {
      headers: { 'Content-Type': 'application/jose' },
      body: jwt,
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({
      error: 'invalid_client_metadata',
      error_description: 'request signed with alg PS256: use ES256',
    });
  });

  it('the harness onboards its TPPs with an EC P-256 signing key, published in the software JWKS', async () => {
    for (const m of [target.material, await target.directory!.newTpp()]) {
      expect(m.signing.alg).toBe('ES256');
      const key = createPrivateKey(m.signing.keyPem);
      expect(key.asymmetricKeyType).toBe('ec');
      expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      const jwksUrl = String(decodeJwt(m.ssa).software_jwks_endpoint);
      const jwks = JSON.parse((await http.request('GET', jwksUrl)).text) as {
        keys: Record<string, unknown>[];
      };
      const jwk = jwks.keys.find((k) => k.kid === m.signing.kid);
      expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'sig' });
      expect(jwk).not.toHaveProperty('n');
      expect(jwk).not.toHaveProperty('d');
      // the transport key stays RSA, as OB's CSR command makes it
      expect(createPrivateKey(m.transport.keyPem).asymmetricKeyType).toBe('rsa');
    }
  });

  it('registration, token, management and key rotation scenarios pass signed ES256; RS256 is skipped with its reason', async () => {
    const scenarios = selectScenarios(CATALOGUE, ['DCR-*', 'ROT-*', 'TOKEN-*']);
    const learned: string[] = [];
    const summary = await runCatalogue(scenarios, target, {
      concurrency: 4,
      onLearned: (lines) => learned.push(...lines),
    });
    const failures = summary.results
      .filter((r) => r.outcome === 'failed' || r.outcome === 'blocked')
      .map((r) => `${r.id}: ${r.reason}`);
    expect(failures).toEqual([]);
    expect(summary.baselines?.filter((b) => !b.ok)).toEqual([]);
    expect(summary.passed).toBeGreaterThan(20);
    expect(learned.join('\n')).toContain('requests signed ES256');
    const rs256 = summary.results.find((r) => r.id === 'DCR-004-rs256');
    expect(rs256?.outcome).toBe('skipped');
    expect(rs256?.reason).toContain('rsa-signing-key');
  }, 180_000);

  it('without hints.audience nor a directory record, aud falls back to the issuer, and the run warns', async () => {
    const { directory: _powers, ...bare } = target;
    const learned: string[] = [];
    const summary = await runCatalogue(selectScenarios(CATALOGUE, ['DCR-004-expired']), bare, {
      onLearned: (lines) => learned.push(...lines),
    });
    expect(learned).toContain(
      "warning: aud is the bank's issuer, a guess: the spec wants the bank's OB organisation id — set hints.audience",
    );
    expect(learned.find((l) => l.startsWith('in force:'))).toContain(
      `aud ${bank.issuer} (the issuer (a guess))`,
    );
    // this bank takes its issuer as aud too (OB: the bank's organisation id or its issuer)
    expect(summary.baselines?.find((b) => b.id === 'register')?.ok).toBe(true);
    expect(summary.results.find((r) => r.id === 'DCR-004-expired')?.outcome).toBe('passed');
  }, 60_000);
});

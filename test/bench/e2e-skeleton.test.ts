import { constants, sign } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callSkeleton,
  measureSkeleton,
  runSkeletonFlow,
  SKELETON_STAGES,
  type Skeleton,
  startSkeleton,
} from '../../bench/lib/e2e-skeleton.js';
import {
  createCsr,
  generateRsaKeyPair,
  issueCertificate,
  type KeyPair,
  loadOrCreateCa,
  parseCsr,
} from '../../certs/index.js';

// The skeleton is the lower bound printed beside e2e_ms_p50: it must really make the flow's
// connections and crypto, or the bound would be fake. These tests check that it refuses what a
// bank and a directory that did not check would take.
describe('the end-to-end skeleton (bench/lib/e2e-skeleton.ts)', () => {
  let work: string;
  let s: Skeleton;
  let keys: KeyPair[];
  let dirAgent: https.Agent;
  const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'obmock-skeleton-test-'));
    s = await startSkeleton(join(work, 'server'), []);
    keys = await Promise.all([0, 1, 2, 3, 4].map(() => generateRsaKeyPair(2048)));
    dirAgent = new https.Agent({ keepAlive: true, ca: s.caBundlePem });
  });
  afterAll(async () => {
    dirAgent?.destroy();
    await s?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const tpp = (i: number) => ({
    transport: keys[2 * i],
    transportCertPem: s.issueClientCertificate(keys[2 * i], `tpp ${i}`),
    signing: keys[2 * i + 1],
  });

  it('keeps the servers’ private keys in a 0600 file', () => {
    expect(statSync(join(work, 'server', 'skeleton.json')).mode & 0o777).toBe(0o600);
  });

  it('runs the whole flow to a consent, calling each stage in order', async () => {
    const seen: string[] = [];
    const consentId = await runSkeletonFlow(s, dirAgent, tpp(0), (name) => seen.push(name));
    expect(consentId).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen).toEqual([...SKELETON_STAGES]);
  });

  it('refuses a certificate request whose signature does not verify', async () => {
    const org = await callSkeleton(
      dirAgent,
      s.info.directoryPort,
      'POST',
      '/statements',
      JSON.stringify({ jwk: keys[1].publicKey.export({ format: 'jwk' }) }),
    );
    expect(org.status).toBe(201);
    const tbs = Buffer.alloc(1000, 5);
    const r = await callSkeleton(
      dirAgent,
      s.info.directoryPort,
      'POST',
      `/statements/${org.json.SoftwareStatementId as string}/certificates`,
      JSON.stringify({
        spki: keys[0].publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
        tbs: tbs.toString('base64'),
        sig: sign('sha256', tbs, keys[1].privateKey).toString('base64'),
      }),
    );
    expect(r.status).toBe(400);
  });

  it('refuses, in the TLS handshake, a client certificate from a CA it does not trust', async () => {
    const other = await loadOrCreateCa(join(work, 'other-ca'), {
      crlUrl: 'https://localhost/crl',
      rootKeyBits: 2048,
    });
    const cert = issueCertificate(other, {
      type: 'server',
      csr: parseCsr(createCsr({ key: keys[4], subject: [{ name: 'CN', value: 'stranger' }] })),
      ctx: { orgId: 'x', legalName: 'x', organisationIdentifier: '', roles: [] },
    }).pem;
    const agent = new https.Agent({ ca: s.caBundlePem, cert, key: keys[4].privateKeyPem });
    try {
      await expect(
        callSkeleton(agent, s.info.bankPort, 'GET', '/.well-known/openid-configuration'),
      ).rejects.toThrow();
    } finally {
      agent.destroy();
    }
  });

  it('refuses a registration signed by a key other than the statement’s, and a token for another certificate’s client', async () => {
    const a = tpp(0);
    const b = tpp(1);
    const agentA = new https.Agent({
      keepAlive: true,
      ca: s.caBundlePem,
      cert: a.transportCertPem,
      key: a.transport.privateKeyPem,
    });
    const agentB = new https.Agent({
      keepAlive: true,
      ca: s.caBundlePem,
      cert: b.transportCertPem,
      key: b.transport.privateKeyPem,
    });
    try {
      const st = await callSkeleton(
        dirAgent,
        s.info.directoryPort,
        'POST',
        '/statements',
        JSON.stringify({ jwk: a.signing.publicKey.export({ format: 'jwk' }) }),
      );
      const ssa = await callSkeleton(
        dirAgent,
        s.info.directoryPort,
        'GET',
        `/statements/${st.json.SoftwareStatementId as string}/ssa`,
      );
      expect(ssa.status).toBe(200);
      const request = JSON.stringify({ software_statement: ssa.json.ssa });
      const register = (key: KeyPair) =>
        callSkeleton(
          agentA,
          s.info.bankPort,
          'POST',
          '/register',
          JSON.stringify({
            statement: st.json.SoftwareStatementId,
            ssa: ssa.json.ssa,
            request,
            sig: sign('sha256', Buffer.from(request), { key: key.privateKey, ...PSS }).toString('base64'),
          }),
        );
      const wrong = await register(b.signing);
      expect(wrong).toMatchObject({ status: 400, json: { error: 'invalid_client_metadata' } });
      const right = await register(a.signing);
      expect(right.status).toBe(201);
      const form = `grant_type=client_credentials&client_id=${right.json.client_id as string}`;
      const other = await callSkeleton(agentB, s.info.bankPort, 'POST', '/token', form);
      expect(other).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
      const own = await callSkeleton(agentA, s.info.bankPort, 'POST', '/token', form);
      expect(own.status).toBe(200);
      const noToken = await callSkeleton(agentA, s.info.bankPort, 'POST', '/account-access-consents', '{}', {
        authorization: 'Bearer nope',
      });
      expect(noToken).toMatchObject({ status: 401, json: { error: 'invalid_token' } });
    } finally {
      agentA.destroy();
      agentB.destroy();
    }
  });

  it('cuts a body over 1 MiB and keeps serving', async () => {
    await expect(
      callSkeleton(dirAgent, s.info.directoryPort, 'POST', '/statements', 'x'.repeat(2 * 1024 * 1024)),
    ).rejects.toThrow();
    expect(await runSkeletonFlow(s, dirAgent, tpp(1))).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('measures flows and each stage', async () => {
    const r = await measureSkeleton(join(work, 'measured'), keys.slice(0, 4), 2, []);
    expect(r.p50).toBeGreaterThan(0);
    expect(r.min).toBeLessThanOrEqual(r.p50);
    for (const name of SKELETON_STAGES) {
      expect(Number.isFinite(r.stages[name])).toBe(true);
      expect(r.stages[name]).toBeGreaterThanOrEqual(0);
    }
  });
});

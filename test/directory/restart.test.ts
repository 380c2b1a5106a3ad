import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { createCsr, generateRsaKeyPair, verifyCertificate } from '../../certs/index.js';
import { type RunningDirectory, startDirectory } from '../../directory/index.js';

const work = mkdtempSync(join(tmpdir(), 'obmock-restart-'));
const dataDir = join(work, 'data');
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function call(
  dir: RunningDirectory,
  method: 'GET' | 'POST',
  path: string,
  opts: { token?: string; type?: string; body?: string } = {},
): Promise<{ status: number; text: string }> {
  const dispatcher = new Agent({ connect: { ca: readFileSync(dir.ca.bundle, 'utf8') } });
  const res = await request(`${dir.url}${path}`, {
    method,
    dispatcher,
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.type ? { 'content-type': opts.type } : {}),
    },
    body: opts.body,
  });
  const text = await res.body.text();
  await dispatcher.close();
  return { status: res.statusCode, text };
}

describe('restart on the same data dir', () => {
  it('keeps the CA, the SSA key, the admin token and every record', async () => {
    const first = await startDirectory({ dataDir, port: 0, logLevel: 'silent' });
    const org = JSON.parse(
      (
        await call(first, 'POST', '/admin/organisations', {
          token: first.adminToken,
          type: 'application/json',
          body: JSON.stringify({ OrganisationName: 'Keep', OrganisationType: 'tpp', Roles: ['AISP'] }),
        })
      ).text,
    );
    const ss = JSON.parse(
      (
        await call(first, 'POST', `/v2.1/organisation/${org.OrganisationId}/software-statement`, {
          token: org.AccessToken,
          type: 'application/json',
          body: JSON.stringify({ ClientName: 'Keep app', RedirectUri: ['https://keep.example/cb'] }),
        })
      ).text,
    );
    const key = await generateRsaKeyPair(2048);
    const csr = createCsr({
      key,
      subject: [
        { name: 'C', value: 'GB' },
        { name: 'O', value: 'OpenBanking' },
        { name: 'OU', value: org.OrganisationId },
        { name: 'CN', value: ss.Id },
      ],
    });
    const issued = await call(
      first,
      'POST',
      `/v2.1/organisation/${org.OrganisationId}/software-statement/${ss.Id}/certificate/obtransport`,
      {
        token: org.AccessToken,
        type: 'application/x-pem-file',
        body: csr,
      },
    );
    expect(issued.status).toBe(201);
    const certDer = Buffer.from(JSON.parse(issued.text).x5c[0], 'base64');
    const ssaPath = `/v2.1/organisation/${org.OrganisationId}/software-statement/${ss.Id}/software-statement-assertion`;
    const oldSsa = (await call(first, 'GET', ssaPath, { token: org.AccessToken })).text;
    const oldJwks = JSON.parse((await call(first, 'GET', '/keystore/openbanking.jwks')).text);
    const oldBundle = readFileSync(first.ca.bundle, 'utf8');
    await first.close();

    const second = await startDirectory({ dataDir, port: 0, logLevel: 'silent' });
    try {
      expect(second.adminToken).toBe(first.adminToken);
      expect(readFileSync(second.ca.bundle, 'utf8')).toBe(oldBundle);
      // earlier certificates still verify against the (same) CA
      const check = verifyCertificate(certDer, { ca: second.ctx.ca, crlDer: second.ctx.crl.der });
      expect(check.ok).toBe(true);
      // the SSA key is unchanged: same kid, and an SSA from before verifies with today's JWKS
      const newJwks = JSON.parse((await call(second, 'GET', '/keystore/openbanking.jwks')).text);
      expect(newJwks.keys[0].kid).toBe(oldJwks.keys[0].kid);
      expect(newJwks.keys[0].n).toBe(oldJwks.keys[0].n);
      const { payload } = await jwtVerify(oldSsa, createLocalJWKSet(newJwks));
      expect(payload.software_id).toBe(ss.Id);
      // records and credentials survive
      const got = await call(
        second,
        'GET',
        `/v2.1/organisation/${org.OrganisationId}/software-statement/${ss.Id}`,
        {
          token: org.AccessToken,
        },
      );
      expect(got.status).toBe(200);
      expect(JSON.parse(got.text).TransportKeyIds).toEqual([JSON.parse(issued.text).kid]);
      // key material stays private
      for (const f of [
        'ca/root.key.pem',
        'ca/issuing.key.pem',
        'keys/ssa-signing.key.pem',
        'keys/server.key.pem',
        'admin-token',
      ]) {
        expect(statSync(join(dataDir, 'directory', f)).mode & 0o777).toBe(0o600);
      }
    } finally {
      await second.close();
    }
  });
});

import { execFileSync } from 'node:child_process';
import { constants, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, createLocalJWKSet } from 'jose';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  bearer,
  createOrganisation,
  createSoftwareStatement,
  useTestDirectory,
} from '../helpers/directory.js';

const d = useTestDirectory();

async function fetchSsa(query = ''): Promise<{ jwt: string; ssId: string }> {
  const org = await createOrganisation(d);
  const ss = await createSoftwareStatement(d, org, { ClientName: 'Zoë’s app – “quoted”' });
  const res = await request(d.app)
    .get(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}/software-statement-assertion${query}`)
    .set(bearer(query ? d.adminToken : org.token));
  expect(res.status).toBe(200);
  return { jwt: res.text, ssId: ss.Id };
}

describe('SSA signature (compact JWS, PS256, signed with node:crypto)', () => {
  it('is three base64url parts; the header is exactly alg, typ, kid; the payload is the claims as JSON', async () => {
    const { jwt, ssId } = await fetchSsa();
    const parts = jwt.split('.');
    expect(parts).toHaveLength(3);
    for (const p of parts) expect(p).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(parts[0], 'base64url').toString('utf8')).toBe(
      JSON.stringify({ alg: 'PS256', typ: 'JWT', kid: d.ctx.ssaKey.kid }),
    );
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    expect(payload.software_id).toBe(ssId);
    // Non-ASCII claim values survive as UTF-8.
    expect(payload.software_client_name).toBe('Zoë’s app – “quoted”');
  });

  it('verifies as RSASSA-PSS SHA-256 with a 32-byte salt (RFC 7518 §3.5), and not with another salt length', async () => {
    const { jwt } = await fetchSsa();
    const [h, p, s] = jwt.split('.');
    const key = createPublicKey(d.ctx.ssaKey.privateKey);
    const data = Buffer.from(`${h}.${p}`);
    const sig = Buffer.from(s, 'base64url');
    expect(sig).toHaveLength(256);
    const pss = (saltLength: number) => ({ key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
    expect(verify('sha256', data, pss(32), sig)).toBe(true);
    expect(verify('sha256', data, pss(20), sig)).toBe(false);
    // A flipped payload byte breaks it.
    const tampered = Buffer.from(`${h}.${p.slice(0, -2)}${p.endsWith('A') ? 'B' : 'A'}${p.slice(-1)}`);
    expect(verify('sha256', tampered, pss(32), sig)).toBe(false);
  });

  it('verifies with jose against the published openbanking.jwks, and with openssl', async () => {
    const { jwt } = await fetchSsa();
    const jwks = await request(d.app).get('/keystore/openbanking.jwks');
    const { protectedHeader } = await compactVerify(jwt, createLocalJWKSet(jwks.body), {
      algorithms: ['PS256'],
    });
    expect(protectedHeader.kid).toBe(d.ctx.ssaKey.kid);

    const dir = mkdtempSync(join(tmpdir(), 'obmock-ssa-sig-'));
    try {
      const [h, p, s] = jwt.split('.');
      writeFileSync(join(dir, 'data'), `${h}.${p}`);
      writeFileSync(join(dir, 'sig'), Buffer.from(s, 'base64url'));
      writeFileSync(
        join(dir, 'pub.pem'),
        createPublicKey(d.ctx.ssaKey.privateKey).export({ type: 'spki', format: 'pem' }),
      );
      const out = execFileSync(
        'openssl',
        [
          'dgst',
          '-sha256',
          '-sigopt',
          'rsa_padding_mode:pss',
          '-sigopt',
          'rsa_pss_saltlen:32',
          '-verify',
          join(dir, 'pub.pem'),
          '-signature',
          join(dir, 'sig'),
          join(dir, 'data'),
        ],
        { encoding: 'utf8' },
      );
      expect(out.trim()).toBe('Verified OK');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('signs the admin’s back-dated iat, and every SSA anew (new jti, new signature)', async () => {
    const iat = Math.floor(Date.now() / 1000) - 3600;
    const { jwt } = await fetchSsa(`?iat=${iat}`);
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
    expect(payload.iat).toBe(iat);
    const a = await fetchSsa();
    const b = await fetchSsa();
    expect(a.jwt.split('.')[2]).not.toBe(b.jwt.split('.')[2]);
  });

  it('is served as application/jwt; charset=utf-8 with its length (application/jose when asked), HEAD without a body', async () => {
    const org = await createOrganisation(d);
    const ss = await createSoftwareStatement(d, org);
    const path = `/v2.1/organisation/${org.id}/software-statement/${ss.Id}/software-statement-assertion`;
    const res = await request(d.app).get(path).set(bearer(org.token));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/jwt; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBe(res.text.length);
    expect(res.headers['cache-control']).toBe('no-store');
    const jose = await request(d.app).get(path).set(bearer(org.token)).set('Accept', 'application/jose');
    expect(jose.headers['content-type']).toBe('application/jose; charset=utf-8');
    expect(jose.text.split('.')).toHaveLength(3);
    const head = await request(d.app).head(path).set(bearer(org.token));
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('application/jwt; charset=utf-8');
    expect(head.text ?? '').toBe('');
  });
});

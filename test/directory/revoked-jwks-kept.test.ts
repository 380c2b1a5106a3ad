import request from 'supertest';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { KeyPair } from '../../certs/index.js';
import {
  bearer,
  createOrganisation,
  createSoftwareStatement,
  keyPool,
  legacyCsr,
  useTestDirectory,
} from '../helpers/directory.js';

/**
 * The public revoked JWKS (`/keystore/{org}/revoked/{id}.jwks`) is built once and kept while no
 * certificate or software statement is written: an organisation may hold thousands of revoked
 * certificates (up to its limit), and a caller asking for the file in a loop must not make the
 * directory read them all each time. Every write that can change the file makes it built again.
 */
const d = useTestDirectory();
let key: KeyPair;
beforeAll(async () => {
  key = await keyPool.take();
});

describe('the revoked JWKS', () => {
  it('is built once while nothing changes, and again after a revocation or a deactivation', async () => {
    const org = await createOrganisation(d);
    const ss = await createSoftwareStatement(d, org);
    const kids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await request(d.app)
        .post(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}/certificate/obtransport`)
        .set(bearer(org.token))
        .set('Content-Type', 'application/x-pem-file')
        .send(legacyCsr(key, org.id, ss.Id));
      expect(res.status, res.text).toBe(201);
      kids.push(res.body.kid);
    }
    const revoke = async (kid: string) =>
      expect(
        (
          await request(d.app)
            .delete(`/v2.1/organisation/${org.id}/certificate/kid/${kid}`)
            .set(bearer(org.token))
        ).status,
      ).toBe(204);
    await revoke(kids[0]);
    await revoke(kids[1]);
    const reads = vi.spyOn(d.ctx.repo, 'certificatesOfSoftware');
    const file = async () => {
      const res = await request(d.app).get(`/keystore/${org.id}/revoked/${ss.Id}.jwks`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['cache-control']).toBe('max-age=60');
      return (res.body.keys as { kid: string }[]).map((k) => k.kid).sort();
    };
    try {
      expect(await file()).toEqual([kids[0], kids[1]].sort());
      expect(await file()).toEqual([kids[0], kids[1]].sort());
      expect(await file()).toEqual([kids[0], kids[1]].sort());
      expect(reads).toHaveBeenCalledTimes(1);

      await revoke(kids[2]);
      expect(await file()).toEqual([...kids].sort());
      expect(reads).toHaveBeenCalledTimes(2);

      // another organisation's write also moves the revision: the file is built again, the same
      await createSoftwareStatement(d, await createOrganisation(d));
      expect(await file()).toEqual([...kids].sort());
      expect(reads).toHaveBeenCalledTimes(3);
    } finally {
      reads.mockRestore();
    }
    // an unknown file is still 404, whatever is kept
    expect((await request(d.app).get(`/keystore/${org.id}/revoked/nope.jwks`)).status).toBe(404);
  });
});

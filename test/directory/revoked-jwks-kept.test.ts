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
 * The public revoked JWKS (`/keystore/{org}/revoked/{id}.jwks`) is built once and kept while none
 * of the organisation's certificates or software statements is written: an organisation may hold
 * thousands of revoked certificates (up to its limit), and a caller asking for the file in a loop
 * must not make the directory read them all each time. Every write that can change the file makes
 * it built again; other organisations' writes do not.
 */
const d = useTestDirectory();
let key: KeyPair;
beforeAll(async () => {
  key = await keyPool.take();
});

describe('the revoked JWKS', () => {
  it('is built once while the organisation writes nothing, and again after a revocation or a deactivation', async () => {
    const org = await createOrganisation(d);
    const ss = await createSoftwareStatement(d, org);
    const upload = async (): Promise<string> => {
      const res = await request(d.app)
        .post(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}/certificate/obtransport`)
        .set(bearer(org.token))
        .set('Content-Type', 'application/x-pem-file')
        .send(legacyCsr(key, org.id, ss.Id));
      expect(res.status, res.text).toBe(201);
      return res.body.kid;
    };
    const kids = [await upload(), await upload(), await upload()];
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
    const reads = vi.spyOn(d.ctx.repo, 'certificate');
    const file = async () => {
      const res = await request(d.app).get(`/keystore/${org.id}/revoked/${ss.Id}.jwks`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['cache-control']).toBe('max-age=60');
      return (res.body.keys as { kid: string }[]).map((k) => k.kid).sort();
    };
    try {
      // each of the software statement's 3 certificates read once, however often the file is asked for
      expect(await file()).toEqual([kids[0], kids[1]].sort());
      expect(await file()).toEqual([kids[0], kids[1]].sort());
      expect(await file()).toEqual([kids[0], kids[1]].sort());
      expect(reads).toHaveBeenCalledTimes(3);

      await revoke(kids[2]);
      reads.mockClear();
      expect(await file()).toEqual([...kids].sort());
      expect(reads).toHaveBeenCalledTimes(3);

      // another organisation's writes leave the file standing
      const other = await createOrganisation(d);
      await createSoftwareStatement(d, other);
      reads.mockClear();
      expect(await file()).toEqual([...kids].sort());
      expect(reads).not.toHaveBeenCalled();

      // a deactivation: its active key is listed as revoked too, at once
      const active = await upload();
      expect(await file()).toEqual([...kids].sort());
      const deactivated = await request(d.app)
        .put(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}`)
        .set(bearer(org.token))
        .send({ Active: false });
      expect(deactivated.status).toBe(200);
      expect(await file()).toEqual([...kids, active].sort());
    } finally {
      reads.mockRestore();
    }
    // an unknown file is still 404, whatever is kept
    expect((await request(d.app).get(`/keystore/${org.id}/revoked/nope.jwks`)).status).toBe(404);
  });
});

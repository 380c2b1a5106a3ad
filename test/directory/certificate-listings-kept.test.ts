import request from 'supertest';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { KeyPair } from '../../certs/index.js';
import type { CertificateRecord } from '../../directory/model.js';
import { certificateView } from '../../directory/views/certificate.js';
import {
  bearer,
  createOrganisation,
  createSoftwareStatement,
  keyPool,
  legacyCsr,
  obwacCsr,
  type TestOrganisation,
  useTestDirectory,
} from '../helpers/directory.js';

/**
 * A software statement's and an organisation's certificate listings (`GET …/certificate[/{type}]`)
 * list every certificate, revoked ones included: up to the organisation's limit of thousands. So a
 * listing is built once, in slices, and kept while none of the organisation's certificates is
 * written; a caller asking for it in a loop must not make the directory read every record each
 * time, and a write must show in the next listing.
 */
const d = useTestDirectory();
let key: KeyPair;
beforeAll(async () => {
  key = await keyPool.take();
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function upload(org: TestOrganisation, ssId: string, type = 'obtransport'): Promise<string> {
  const res = await request(d.app)
    .post(`/v2.1/organisation/${org.id}/software-statement/${ssId}/certificate/${type}`)
    .set(bearer(org.token))
    .set('Content-Type', 'application/x-pem-file')
    .send(legacyCsr(key, org.id, ssId));
  expect(res.status, res.text).toBe(201);
  return res.body.kid;
}

async function uploadSeal(org: TestOrganisation): Promise<string> {
  const res = await request(d.app)
    .post(`/v2.1/organisation/${org.id}/certificate/obseal`)
    .set(bearer(org.token))
    .set('Content-Type', 'application/x-pem-file')
    .send(obwacCsr(key, org.id));
  expect(res.status, res.text).toBe(201);
  return res.body.kid;
}

async function revoke(org: TestOrganisation, kid: string): Promise<void> {
  const res = await request(d.app)
    .delete(`/v2.1/organisation/${org.id}/certificate/kid/${kid}`)
    .set(bearer(org.token));
  expect(res.status).toBe(204);
}

async function list(org: TestOrganisation, path: string, accept?: string) {
  const req = request(d.app).get(`/v2.1/organisation/${org.id}${path}`).set(bearer(org.token));
  const res = await (accept ? req.set('Accept', accept) : req);
  expect(res.status, res.text).toBe(200);
  return res;
}

const kidsOf = (res: { body: { keys: { kid: string }[] } }) => res.body.keys.map((k) => k.kid);

/** The listing as the directory describes each certificate, in its index order. */
function expected(certs: CertificateRecord[]): { keys: Record<string, unknown>[] } {
  return { keys: certs.map((c) => certificateView(d.ctx, c)) };
}

describe('certificate listings', () => {
  it('list every certificate, revoked and associated ones included, each as its own view', async () => {
    const org = await createOrganisation(d, { LegalName: 'Acme Ltd' });
    const ss = await createSoftwareStatement(d, org);
    const transport = [await upload(org, ss.Id), await upload(org, ss.Id), await upload(org, ss.Id)];
    const signing = await upload(org, ss.Id, 'obsigning');
    await revoke(org, transport[1]);
    const seal = await uploadSeal(org);
    const assoc = await request(d.app)
      .put(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}/certificate/obseal/${seal}`)
      .set(bearer(org.token))
      .send({ associate: true });
    expect(assoc.status).toBe(200);

    const all = await list(org, `/software-statement/${ss.Id}/certificate`);
    expect(all.headers['content-type']).toBe('application/jwk-set+json; charset=utf-8');
    expect(Number(all.headers['content-length'])).toBe(Buffer.byteLength(all.text));
    expect(all.body).toEqual(expected(d.ctx.repo.certificatesOfSoftware(ss.Id)));
    expect(kidsOf(all)).toEqual([...transport, signing, seal]);
    expect(all.body.keys[1].status).toBe('Revoked');
    expect(all.body.keys[4]).toMatchObject({ keyType: 'obseal', Associations: [ss.Id], status: 'Active' });

    const onlyTransport = await list(org, `/software-statement/${ss.Id}/certificate/obtransport`);
    expect(kidsOf(onlyTransport)).toEqual(transport);
    const asJson = await list(org, `/software-statement/${ss.Id}/certificate`, 'application/json');
    expect(asJson.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(asJson.text).toBe(all.text);

    const ofOrg = await list(org, '/certificate');
    expect(ofOrg.body).toEqual(expected(d.ctx.repo.certificatesOfOrganisation(org.id)));
    expect(kidsOf(ofOrg)).toEqual([...transport, signing, seal]);
    expect(kidsOf(await list(org, '/certificate/obseal'))).toEqual([seal]);
    expect(kidsOf(await list(org, '/certificate/qwac'))).toEqual([]);

    const head = await request(d.app).head(`/v2.1/organisation/${org.id}/certificate`).set(bearer(org.token));
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength(ofOrg.text));
  });

  it('read each certificate once while nothing of the organisation is written, however often and at once they are asked for', async () => {
    const org = await createOrganisation(d);
    const ss = await createSoftwareStatement(d, org);
    const kids = [await upload(org, ss.Id), await upload(org, ss.Id), await upload(org, ss.Id)];
    await revoke(org, kids[0]);
    await revoke(org, kids[1]);
    const reads = vi.spyOn(d.ctx.repo, 'certificate');
    const path = `/software-statement/${ss.Id}/certificate`;

    const first = await list(org, path);
    expect(kidsOf(first)).toEqual(kids);
    expect(reads).toHaveBeenCalledTimes(3);
    for (let i = 0; i < 3; i++) expect((await list(org, path)).text).toBe(first.text);
    expect(reads).toHaveBeenCalledTimes(3);

    // the organisation's listing is another listing: built once too, even for callers asking at once
    const together = await Promise.all([list(org, '/certificate'), list(org, '/certificate')]);
    expect(together.map(kidsOf)).toEqual([kids, kids]);
    expect(reads).toHaveBeenCalledTimes(6);
    await list(org, '/certificate');
    expect(reads).toHaveBeenCalledTimes(6);

    // another organisation's writes leave these listings standing
    const other = await createOrganisation(d);
    const otherSs = await createSoftwareStatement(d, other);
    await upload(other, otherSs.Id);
    reads.mockClear();
    expect((await list(org, path)).text).toBe(first.text);
    expect(reads).not.toHaveBeenCalled();
  });

  it('show an upload, a revocation and an association in the very next listing', async () => {
    const org = await createOrganisation(d, { LegalName: 'Acme Ltd' });
    const ss = await createSoftwareStatement(d, org);
    const path = `/software-statement/${ss.Id}/certificate`;
    const a = await upload(org, ss.Id);
    expect(kidsOf(await list(org, path))).toEqual([a]);
    expect(kidsOf(await list(org, '/certificate'))).toEqual([a]);

    const b = await upload(org, ss.Id);
    expect(kidsOf(await list(org, path))).toEqual([a, b]);
    expect(kidsOf(await list(org, '/certificate'))).toEqual([a, b]);

    await revoke(org, a);
    const afterRevoke = await list(org, path);
    expect(afterRevoke.body.keys.map((k: { status: string }) => k.status)).toEqual(['Revoked', 'Active']);
    expect((await list(org, '/certificate')).body.keys[0].status).toBe('Revoked');

    const seal = await uploadSeal(org);
    expect(kidsOf(await list(org, path))).toEqual([a, b]);
    const associate = (on: boolean) =>
      request(d.app)
        .put(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}/certificate/obseal/${seal}`)
        .set(bearer(org.token))
        .send({ associate: on });
    expect((await associate(true)).status).toBe(200);
    const joined = await list(org, path);
    expect(kidsOf(joined)).toEqual([a, b, seal]);
    expect(joined.body.keys[2].Associations).toEqual([ss.Id]);
    expect((await list(org, '/certificate/obseal')).body.keys[0].Associations).toEqual([ss.Id]);
    expect((await associate(false)).status).toBe(200);
    expect(kidsOf(await list(org, path))).toEqual([a, b]);
    expect((await list(org, '/certificate/obseal')).body.keys[0].Associations).toEqual([]);
  });
});

import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { DirectoryRepository } from '../../directory/repository.js';
import { createOrganisation, useTestDirectory } from '../helpers/directory.js';

/**
 * An organisation's OrganisationIdentifier is checked to be its own at every creation, and the
 * names of the banks' certificates are read at every TLS-certificate request of a TPP on a
 * shared sandbox: both from the repository's indexes, so that neither reads every organisation
 * as the directory grows (a long-lived sandbox gains organisations with every scenario run).
 */
const d = useTestDirectory();

describe('organisation indexes', () => {
  it('creating an organisation reads no other organisation, and a taken identifier is still refused', async () => {
    await createOrganisation(d, { OrganisationIdentifier: 'PSDGB-FCA-900001' });
    const listed = vi.spyOn(d.ctx.repo, 'organisations');
    const store = vi.spyOn(d.ctx.repo.store, 'list');
    try {
      const second = await createOrganisation(d, { OrganisationIdentifier: 'PSDGB-FCA-900002' });
      expect(second.id).toMatch(/^[A-Za-z0-9]{18}$/);
      const again = await request(d.app)
        .post('/admin/organisations')
        .set('Authorization', `Bearer ${d.adminToken}`)
        .send({
          OrganisationName: 'Copycat',
          OrganisationType: 'tpp',
          Roles: ['AISP'],
          OrganisationIdentifier: 'PSDGB-FCA-900001',
        });
      expect(again.status).toBe(409);
      expect(again.body.error_description ?? again.body.message ?? again.text).toMatch(/PSDGB-FCA-900001/);
      expect(listed).not.toHaveBeenCalled();
      expect(store.mock.calls.filter(([collection]) => collection === 'organisations')).toEqual([]);
    } finally {
      listed.mockRestore();
      store.mockRestore();
    }
  });

  it("a TPP's listing of organisations shows itself and the banks, reading no other organisation", async () => {
    const me = await createOrganisation(d, { OrganisationName: 'Listing TPP' });
    const other = await createOrganisation(d, { OrganisationName: 'Other TPP' });
    const bank = await createOrganisation(d, {
      OrganisationName: 'Listing bank',
      OrganisationType: 'aspsp',
      Roles: ['ASPSP'],
    });
    const listed = vi.spyOn(d.ctx.repo, 'organisations');
    try {
      const res = await request(d.app).get('/v2.1/organisation').set('Authorization', `Bearer ${me.token}`);
      expect(res.status).toBe(200);
      const ids = (res.body.Resources as { id?: string; OrganisationId?: string }[]).map((r) =>
        JSON.stringify(r),
      );
      expect(ids.some((r) => r.includes(me.id))).toBe(true);
      expect(ids.some((r) => r.includes(bank.id))).toBe(true);
      expect(ids.some((r) => r.includes(other.id))).toBe(false);
      expect(res.body.totalResults).toBe(res.body.Resources.length);
      expect(listed).not.toHaveBeenCalled();
      // the admin still sees every organisation
      const all = await request(d.app)
        .get('/v2.1/organisation')
        .set('Authorization', `Bearer ${d.adminToken}`);
      expect(all.status).toBe(200);
      expect(JSON.stringify(all.body.Resources)).toContain(other.id);
    } finally {
      listed.mockRestore();
    }
  });

  it('are rebuilt from the store at start, in slices or at once', async () => {
    await createOrganisation(d, { OrganisationIdentifier: 'PSDGB-FCA-900003' });
    const bank = await createOrganisation(d, { OrganisationType: 'aspsp', Roles: ['ASPSP'] });
    for (const repo of [
      new DirectoryRepository(d.ctx.repo.store),
      await DirectoryRepository.open(d.ctx.repo.store),
    ]) {
      expect(repo.organisationWithIdentifier('PSDGB-FCA-900003')).toBeDefined();
      expect(repo.organisationWithIdentifier('PSDGB-FCA-999999')).toBeUndefined();
      expect(repo.aspspOrganisationIds()).toContain(bank.id);
    }
  });
});

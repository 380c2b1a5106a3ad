import request from 'supertest';
import { expect } from 'vitest';
import { COLLECTIONS } from '../../directory/model.js';
import type { TestDirectory } from '../helpers/directory.js';
import { expectNoLeak, expectOAuthError, expectPrototypeClean } from '../helpers/hostile-input.js';

/**
 * The checks after each refused request of the directory's input sweeps (admin organisation
 * creation, enrolment JWKs, QSeal enrolment): what is stored, read back two ways — the store's
 * records and the admin API's organisation list — and whether the service still answers.
 */
export interface Stored {
  records: string;
  listed: string;
}

/** Every stored record, and the organisations as `GET /admin/organisations` lists them. */
export async function stored(d: TestDirectory): Promise<Stored> {
  const listed = await request(d.app)
    .get('/admin/organisations')
    .set('Authorization', `Bearer ${d.adminToken}`);
  expect(listed.status).toBe(200);
  return {
    records: JSON.stringify(Object.values(COLLECTIONS).map((c) => d.ctx.repo.store.list(c))),
    listed: listed.text,
  };
}

/**
 * A refusal as the table wants it: the status, a spec-shaped `{error, error_description}` body
 * with the error code, a description naming `names`, nothing of `secrets` and no internals;
 * afterwards nothing stored has changed, `/health` answers 200 and Object.prototype is clean.
 * Returns the failures (empty when all is right), so a table reports every row at once.
 */
export async function refusalProblems(
  d: TestDirectory,
  where: string,
  res: { status: number; text: string },
  want: { status: number; error: string; names?: string },
  before: Stored,
  secrets: string[] = [],
  health: () => Promise<number> = async () => (await request(d.app).get('/health')).status,
): Promise<string[]> {
  const problems: string[] = [];
  if (res.status !== want.status)
    problems.push(`${where}: ${res.status} (want ${want.status}) ${res.text.slice(0, 300)}`);
  else {
    const body = expectOAuthError(res.text, where);
    if (body.error !== want.error) problems.push(`${where}: error ${body.error} (want ${want.error})`);
    if (want.names && !body.error_description.includes(want.names))
      problems.push(`${where}: "${body.error_description}" does not name ${want.names}`);
  }
  expectNoLeak(res.text, [d.adminToken, ...secrets], where);
  const after = await stored(d);
  if (after.records !== before.records) problems.push(`${where}: a stored record changed`);
  if (after.listed !== before.listed) problems.push(`${where}: GET /admin/organisations changed`);
  const healthStatus = await health();
  if (healthStatus !== 200) problems.push(`${where}: /health ${healthStatus}`);
  expectPrototypeClean();
  return problems;
}

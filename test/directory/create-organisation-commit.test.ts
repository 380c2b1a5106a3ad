import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningDirectory, startDirectory } from '../../directory/index.js';
import { FileStore } from '../../lib/store/index.js';

const work = mkdtempSync(join(tmpdir(), 'obmock-org-commit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function call(
  dir: RunningDirectory,
  method: 'GET' | 'POST',
  path: string,
  token: string,
  body?: unknown,
) {
  const dispatcher = new Agent({ connect: { ca: readFileSync(dir.ca.bundle, 'utf8') } });
  try {
    const res = await request(`${dir.url}${path}`, {
      method,
      dispatcher,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
  } finally {
    await dispatcher.close();
  }
}

describe('POST /admin/organisations', () => {
  it('writes the organisation and its credential in one group commit, both durable before the answer', async () => {
    const dataDir = join(work, 'data');
    const first = await startDirectory({ dataDir, port: 0, logLevel: 'silent' });
    let orgId: string;
    let token: string;
    try {
      const store = first.ctx.repo.store;
      expect(store).toBeInstanceOf(FileStore);
      const stats = (store as FileStore).stats;
      const before = { commits: stats.commits, changes: stats.changes };
      const res = await call(first, 'POST', '/admin/organisations', first.adminToken, {
        OrganisationName: 'One commit',
        OrganisationType: 'tpp',
        Roles: ['AISP'],
      });
      expect(res.status).toBe(201);
      orgId = String(res.json.OrganisationId);
      token = String(res.json.AccessToken);
      expect(stats.commits - before.commits).toBe(1);
      expect(stats.changes - before.changes).toBe(2);
    } finally {
      await first.close();
    }
    // reopened from disk: the organisation exists and its credential works
    const second = await startDirectory({ dataDir, port: 0, logLevel: 'silent' });
    try {
      const got = await call(second, 'GET', `/v2.1/organisation/${orgId}`, token);
      expect(got.status).toBe(200);
      expect(got.json.id).toBe(orgId);
    } finally {
      await second.close();
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll } from 'vitest';
import { createCsr, type KeyPair, KeyPool } from '../../certs/index.js';
import {
  createDirectoryApp,
  type DirectoryContext,
  openDirectoryContext,
  resolveDirectoryConfig,
} from '../../directory/index.js';
import { directoryCollections } from '../../directory/repository.js';
import { silentLogger } from '../../lib/logger.js';
import { MemoryStore } from '../../lib/store/index.js';

export const BASE_URL = 'https://directory.test:8443';

export interface TestDirectory {
  app: Express;
  ctx: DirectoryContext;
  adminToken: string;
  dataDir: string;
  cleanup(): void;
}

/** A directory app over an in-memory store and a temp data dir; no port opened. */
export async function testDirectory(now?: () => Date): Promise<TestDirectory> {
  const dataDir = mkdtempSync(join(tmpdir(), 'obmock-dir-'));
  const config = resolveDirectoryConfig({ dataDir, logLevel: 'silent' });
  const store = new MemoryStore(Object.keys(directoryCollections(4)));
  const { ctx, adminToken } = await openDirectoryContext(config, {
    store,
    logger: silentLogger,
    baseUrl: BASE_URL,
    now,
  });
  return {
    app: createDirectoryApp(ctx),
    ctx,
    adminToken,
    dataDir,
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/**
 * The file's test directory: made before its tests run, its temp data dir removed after them.
 * The object is filled in by `beforeAll`, so read its fields inside tests only.
 */
export function useTestDirectory(): TestDirectory {
  const d = {} as TestDirectory;
  beforeAll(async () => {
    Object.assign(d, await testDirectory());
  });
  afterAll(() => d.cleanup?.());
  return d;
}

/** The Authorization header of a bearer token. */
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Keys are expensive (~140 ms): tests share one pool. */
export const keyPool = new KeyPool({ bits: 2048, size: 4 });

export interface TestOrganisation {
  id: string;
  token: string;
}

export async function createOrganisation(
  d: TestDirectory,
  body: Record<string, unknown> = {},
): Promise<TestOrganisation & { body: Record<string, unknown> }> {
  const res = await request(d.app)
    .post('/admin/organisations')
    .set('Authorization', `Bearer ${d.adminToken}`)
    .send({ OrganisationName: 'Acme TPP', OrganisationType: 'tpp', Roles: ['AISP', 'PISP'], ...body });
  if (res.status !== 201) throw new Error(`create organisation: ${res.status} ${res.text}`);
  return { id: res.body.OrganisationId, token: res.body.AccessToken, body: res.body };
}

export async function createSoftwareStatement(
  d: TestDirectory,
  org: TestOrganisation,
  body: Record<string, unknown> = {},
): Promise<Record<string, unknown> & { Id: string }> {
  const res = await request(d.app)
    .post(`/v2.1/organisation/${org.id}/software-statement`)
    .set('Authorization', `Bearer ${org.token}`)
    .send({ ClientName: 'Acme app', RedirectUri: ['https://acme.example.com/cb'], ...body });
  if (res.status !== 201) throw new Error(`create software statement: ${res.status} ${res.text}`);
  return res.body;
}

export function legacyCsr(key: KeyPair, orgId: string, softwareId: string): string {
  return createCsr({
    key,
    subject: [
      { name: 'C', value: 'GB' },
      { name: 'O', value: 'OpenBanking' },
      { name: 'OU', value: orgId },
      { name: 'CN', value: softwareId },
    ],
  });
}

export function obwacCsr(key: KeyPair, orgId: string, sanDns: string[] = []): string {
  return createCsr({
    key,
    subject: [
      { name: 'C', value: 'GB' },
      { name: 'O', value: 'Acme Ltd' },
      { name: 'organizationIdentifier', value: `PSDGB-OB-Unknown${orgId}` },
      { name: 'CN', value: orgId },
    ],
    sanDns,
  });
}

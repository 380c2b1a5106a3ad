import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BANK } from '../../aspsp-mock/index.js';
import { createLogger, silentLogger } from '../../lib/logger.js';
import { FileStore } from '../../lib/store/file-store.js';
import { type RunningTppService, startTppService } from '../../tpp-client/service/index.js';
import { materialAtDirectory } from '../../tpp-client/service/material-at-directory.js';
import type { TppMaterial } from '../../tpp-client/types.js';
import { call, startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// `obmock up --port 0` restarted on the same data dir: the directory is the same (CA,
// organisation, software statement) at another port. The TPP service's saved material must
// follow it, or every registration asks the old port for a fresh SSA and fails.

let sb: TestSandbox;
let agent: Agent;
const running: RunningTppService[] = [];

const start = async (logger = silentLogger) => {
  const tpp = await startTppService(
    {
      dataDir: sb.dataDir,
      port: 0,
      banks: { default: sb.bank.discovery },
      directory: { url: sb.directory.url, caBundlePem: sb.caBundle, adminToken: sb.directory.adminToken },
    },
    { logger },
  );
  running.push(tpp);
  return tpp;
};
const register = (tpp: RunningTppService) =>
  call(agent, 'POST', `${tpp.url}/api/registrations`, {
    headers: { authorization: `Bearer ${sb.directory.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ bank: 'default' }),
  });

beforeAll(async () => {
  sb = await startTestSandbox({ banks: [DEFAULT_BANK] });
  agent = new Agent({ connect: { ca: sb.caBundle } });
}, 60_000);
afterAll(async () => {
  await agent?.close();
  for (const t of running) await t.close();
  await sb?.close();
});

describe('TPP service restarted with the directory at another port', () => {
  it('registers with the material saved by the earlier run', async () => {
    const first = await start();
    const res = await register(first);
    expect(res.status, res.text).toBe(201);
    await first.close();
    running.length = 0;

    // the earlier run's directory port, gone now
    const file = join(sb.dataDir, 'tpp', 'material', 'material.json');
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    const old = 'https://localhost:1';
    saved.directory = { ...saved.directory, url: old, keystoreUrl: `${old}/keystore` };
    writeFileSync(file, JSON.stringify(saved));

    const again = await start();
    const res2 = await register(again);
    expect(res2.status, res2.text).toBe(201);
    expect(res2.json()).toMatchObject({ bank: 'default', status: 201 });
  });
});

describe('TPP service restarted on a data dir with a registration it could not keep today', () => {
  it('deletes that record at start, says how many in one warning, and lists the rest', async () => {
    const first = await start();
    expect((await register(first)).status).toBe(201);
    await first.close();
    running.length = 0;

    // written before the registration answer's values were checked: a hostile bank's client_id
    const db = await FileStore.open(join(sb.dataDir, 'tpp', 'db'), { collections: { registrations: 2 } });
    await db.put('registrations', 'hostile', {
      id: 'hostile',
      bank: 'default',
      discovery: sb.bank.discovery,
      clientId: `x\u001b]0;PWNED\u0007${'y'.repeat(100_000)}`,
      tokenEndpointAuthMethod: 'tls_client_auth',
      status: 201,
      registeredAt: '2026-01-01T00:00:00.000Z',
    });
    await db.close();

    const lines: string[] = [];
    const again = await start(createLogger('warn', {}, (line) => lines.push(line)));
    const list = await call(agent, 'GET', `${again.url}/api/registrations`, {
      headers: { authorization: `Bearer ${sb.directory.adminToken}` },
    });
    expect(list.status).toBe(200);
    const ids = (list.json() as unknown as { id: string }[]).map((r) => r.id);
    expect(ids).not.toContain('hostile');
    expect(ids.length).toBeGreaterThan(0);
    const warnings = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'stored registrations dropped');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warn', count: 1 });
    expect(lines.join('\n')).not.toContain('PWNED');
  });
});

describe('materialAtDirectory', () => {
  const material = (url: string, keystoreUrl: string) =>
    ({ organisationId: 'o', directory: { url, keystoreUrl } }) as unknown as TppMaterial;
  const rows: [string, string, string, string, string][] = [
    // saved url, saved keystore, configured url → url, keystore
    [
      'https://localhost:1',
      'https://localhost:1/keystore',
      'https://localhost:8443',
      'https://localhost:8443',
      'https://localhost:8443/keystore',
    ],
    [
      'https://localhost:8443',
      'https://localhost:8443/keystore',
      'https://localhost:8443',
      'https://localhost:8443',
      'https://localhost:8443/keystore',
    ],
    [
      'https://localhost:1',
      'https://keystore.example/ks',
      'https://127.0.0.1:9',
      'https://127.0.0.1:9',
      'https://keystore.example/ks',
    ],
    [
      'https://localhost:1/dir',
      'https://localhost:1/dir/keystore',
      'https://localhost:2/other',
      'https://localhost:1/dir',
      'https://localhost:1/dir/keystore',
    ],
    [
      'https://localhost:1',
      'https://localhost:1/keystore',
      'not a url',
      'https://localhost:1',
      'https://localhost:1/keystore',
    ],
  ];
  it.each(rows)('%s (%s), configured %s → %s, %s', (url, ks, configured, wantUrl, wantKs) => {
    const out = materialAtDirectory(material(url, ks), configured);
    expect(out.directory).toEqual({ url: wantUrl, keystoreUrl: wantKs });
  });

  it('material without a directory is left as it is', () => {
    const m = { organisationId: 'o' } as unknown as TppMaterial;
    expect(materialAtDirectory(m, 'https://localhost:8443')).toBe(m);
  });
});

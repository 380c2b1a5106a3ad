import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { Agent, request as undiciRequest } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { startAspsp } from '../../aspsp-mock/index.js';
import { startDirectory } from '../../directory/index.js';
import { BadRequest, Unauthorized } from '../../lib/errors.js';
import { errorHandler } from '../../lib/http/index.js';
import { createLogger } from '../../lib/logger.js';
import { maskSecrets } from '../../lib/mask-secrets.js';

const JWT = 'eyJhbGciOiJQUzI1NiJ9.eyJzb2Z0d2FyZV9pZCI6ImFiYyJ9.c2lnbmF0dXJlc2lnbmF0dXJl';
const SECRET = 'k3Jf9sLq0ZxW8vB2nM5tR7yU1iO4pA6d';

describe('maskSecrets', () => {
  it.each([
    [`software_statement ${JWT} is expired`, 'software_statement eyJh… is expired'],
    [`client_secret '${SECRET}' is wrong`, "client_secret 'k3Jf…' is wrong"],
    ['Authorization: Bearer abc.def-ghi', 'Authorization: Bear…'],
    ['-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----', '----…'],
  ])('%s → %s', (text, masked) => {
    expect(maskSecrets(text)).toBe(masked);
  });

  it.each([
    "iss 'foo.is/invalid' is not a software_id (1–22 base62 characters)",
    'client 5f0c2a4e-7d1b-4c3a-9e8f-0a1b2c3d4e5f is not registered',
    'redirect URI https://tpp.example.com/open-banking/v3.1/aisp/account-access-consents is not in the SSA',
    'token_endpoint_auth_method must be one of tls_client_auth, private_key_jwt',
  ])('leaves ids, URLs and words alone: %s', (text) => {
    expect(maskSecrets(text)).toBe(text);
  });
});

describe('every refusal is logged with its code and description', () => {
  it('errorHandler logs 4xx at info with status, error and masked description; 5xx stays an error', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('info', { service: 't' }, (l) => lines.push(JSON.parse(l)));
    const app = express();
    app.get('/bad', () => {
      throw new BadRequest(`software_statement ${JWT} has expired`, 'invalid_software_statement');
    });
    app.get('/auth', () => {
      throw new Unauthorized();
    });
    app.use(errorHandler(logger));
    const res = await request(app).get('/bad?secret=x');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_software_statement');
    await request(app).get('/auth');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'refused',
        service: 't',
        method: 'GET',
        path: '/bad',
        status: 400,
        error: 'invalid_software_statement',
        error_description: 'software_statement eyJh… has expired',
      }),
      expect.objectContaining({ msg: 'refused', status: 401, error: 'invalid_token' }),
    ]);
    expect(JSON.stringify(lines)).not.toContain(JWT);
    expect(JSON.stringify(lines)).not.toContain('secret=x');
  });

  const dataDir = mkdtempSync(join(tmpdir(), 'obmock-refusal-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('the bank logs why it refused a registration', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('info', {}, (l) => lines.push(JSON.parse(l)));
    const directory = await startDirectory(
      { dataDir, port: 0, logLevel: 'silent' },
      { logger: createLogger('silent') },
    );
    const caBundlePem = readFileSync(directory.ca.bundle, 'utf8');
    const aspsp = await startAspsp(
      {
        dataDir,
        port: 0,
        directory: { url: directory.url, caBundlePem, adminToken: directory.adminToken },
      },
      { logger },
    );
    const agent = new Agent({ connect: { ca: caBundlePem } });
    try {
      const res = await undiciRequest(`${aspsp.banks[0].issuer}/register`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/jose' },
        body: 'not-a-jwt',
      });
      const body = (await res.body.json()) as { error: string; error_description: string };
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      const refused = lines.find((l) => l.msg === 'refused');
      expect(refused).toMatchObject({
        status: res.statusCode,
        error: body.error,
        error_description: maskSecrets(body.error_description),
      });
      expect(String(refused?.path)).toMatch(/\/register$/);
    } finally {
      await agent.close();
      await aspsp.close();
      await directory.close();
    }
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExpectationFailed, HANDSHAKE_REFUSED, ScenarioContext } from '../../scenarios/context.js';
import type { Target } from '../../scenarios/index.js';
import type { Discovery } from '../../tpp-client/index.js';

/**
 * A server that refuses the client certificate in the TLS handshake (as gateways do): the
 * registration never gets an HTTP answer, and that counts as a refusal where the scenario allows it.
 */
let dir: string;
let server: Server;
let url: string;
const pem = (name: string) => readFileSync(join(dir, name), 'utf8');

function selfSigned(name: string, cn: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${cn}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, `${name}.key`),
      '-out',
      join(dir, `${name}.pem`),
    ],
    { stdio: 'ignore' },
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'obmock-handshake-'));
  selfSigned('server', '127.0.0.1');
  selfSigned('client', 'stranger');
  selfSigned('trusted', 'someone-else');
  server = createServer(
    {
      key: pem('server.key'),
      cert: pem('server.pem'),
      requestCert: true,
      rejectUnauthorized: true,
      ca: pem('trusted.pem'),
    },
    (_req, res) => res.writeHead(201).end('{}'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function context(): ScenarioContext {
  const target = {
    name: 'handshake',
    discoveryUrl: `${url}/.well-known/openid-configuration`,
    hints: {},
    material: {
      organisationId: 'org',
      softwareStatementId: 'ss',
      transport: { certPem: pem('client.pem'), keyPem: pem('client.key'), kid: 't' },
      signing: { keyPem: pem('client.key'), kid: 's', certPem: pem('client.pem'), alg: 'PS256' },
      ssa: 'a.b.c',
      caBundlePem: pem('server.pem'),
    },
  } as unknown as Target;
  const discovery = {
    issuer: url,
    registration_endpoint: `${url}/register`,
    token_endpoint: `${url}/token`,
  } as Discovery;
  return new ScenarioContext(target, discovery);
}

describe('a client certificate refused in the TLS handshake', () => {
  it('comes back as a refusal that counts where the scenario allows it, and fails where it does not', async () => {
    const t = context();
    try {
      const res = await t.attempt(() => t.register('a.b.c'));
      expect(res.ok).toBe(false);
      expect(res.status).toBe(0);
      expect(!res.ok && res.error).toBe(HANDSHAKE_REFUSED);
      expect(() => t.expectError(res, 401, 'invalid_client', { handshake: true })).not.toThrow();
      expect(() => t.expectInvalidClient(res, { handshake: true })).not.toThrow();
      expect(() => t.expectError(res, 401, 'invalid_client')).toThrow(ExpectationFailed);
    } finally {
      await t.close();
    }
  });
});

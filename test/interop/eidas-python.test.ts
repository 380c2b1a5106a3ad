import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bankFromSpec } from '../../aspsp-mock/index.js';
import { type ServedJwks, serveJwks } from '../../tpp-client/index.js';
import { onboardEidasTpp } from '../helpers/eidas-tpp.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

/**
 * The eIDAS registration walkthrough's client, in Python (python3 +
 * cryptography, nothing from this project): an RS256 statement self-signed
 * with the QSeal key carrying the PSD2 roles as scope objects, an RFC 7591
 * JSON body over mTLS with the QWAC, client_secret_post — then a
 * client-credentials token for `accounts` with the issued secret.
 */
const here = dirname(fileURLToPath(import.meta.url));
const CLIENT = join(here, 'python', 'eidas_register.py');
const OI = 'PSDGB-FCA-7654321';

const hasPython = (() => {
  try {
    execFileSync('python3', ['-c', 'import cryptography'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let sb: TestSandbox;
let jwks: ServedJwks;
let work: string;
let files: Record<string, string> = {};
let qsealKid = '';

function runPython(
  input: unknown,
): Promise<Record<string, { status: number; body: Record<string, unknown> }>> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [CLIENT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`python client exited ${code}: ${err}`));
      else resolve(JSON.parse(out));
    });
    child.stdin.end(JSON.stringify(input));
  });
}

beforeAll(async () => {
  if (!hasPython) return;
  work = mkdtempSync(join(tmpdir(), 'obmock-eidas-py-'));
  sb = await startTestSandbox({ banks: [bankFromSpec('eidas=rfc7591-eidas')] });
  const tpp = await onboardEidasTpp(sb, {
    organisationIdentifier: OI,
    organisationName: 'Walkthrough TPP',
    legalName: 'Walkthrough TPP Ltd',
    roles: ['AISP', 'PISP'],
    commonName: 'localhost',
  });
  qsealKid = tpp.qseal.kid;
  jwks = await serveJwks({
    key: tpp.qwac.key.privateKeyPem,
    cert: tpp.qwac.certPem + sb.caBundle,
    urlHost: 'localhost',
    jwks: { keys: [tpp.qseal.jwk] },
  });
  const write = (name: string, content: string) => {
    const file = join(work, name);
    writeFileSync(file, content, { mode: 0o600 });
    return file;
  };
  files = {
    ca_file: write('ca.pem', sb.caBundle),
    qwac_cert_file: write('qwac.pem', tpp.qwac.certPem),
    qwac_key_file: write('qwac.key', tpp.qwac.key.privateKeyPem),
    qseal_key_file: write('qseal.key', tpp.qseal.key.privateKeyPem),
  };
});
afterAll(async () => {
  await jwks?.close();
  await sb?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('eIDAS walkthrough client (Python)', () => {
  it.skipIf(!hasPython)(
    'registers at the rfc7591-eidas bank, gets scope "openid accounts payments" and software_roles, then a token for accounts',
    async () => {
      const out = await runPython({
        ...files,
        discovery_url: `${sb.bank.issuer}/.well-known/openid-configuration`,
        organisation_identifier: OI,
        software_id: 'walkthrough-app',
        jwks_url: jwks.url,
        qseal_kid: qsealKid,
        redirect_uri: 'https://walkthrough-tpp.example/callback',
      });
      expect(out.registration.status, JSON.stringify(out.registration.body)).toBe(201);
      const client = out.registration.body;
      expect(client.scope).toBe('openid accounts payments');
      expect(client.software_roles).toEqual(['AIS', 'PIS']);
      expect(client.token_endpoint_auth_method).toBe('client_secret_post');
      expect(typeof client.client_secret).toBe('string');
      expect(out.token.status, JSON.stringify(out.token.body)).toBe(200);
      expect(out.token.body).toMatchObject({ token_type: 'Bearer', scope: 'accounts' });
      expect(jwks.hits()).toBeGreaterThanOrEqual(1);
    },
  );
});

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedRegistration } from '../helpers/sandbox.js';
import { useTestSandbox, useTestTpp } from '../helpers/use-sandbox.js';

/** The bank's /register and /token driven by curl with a client certificate: a client outside this project's code. */
const run = promisify(execFile);
const sb = useTestSandbox();
const tpp = useTestTpp(sb);
let work: string;
const files = { ca: '', cert: '', key: '', jwt: '' };

async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await run(
    'curl',
    ['-sS', '--cacert', files.ca, '--cert', files.cert, '--key', files.key, '-w', '\n%{http_code}', ...args],
    {
      encoding: 'utf8',
    },
  );
  const i = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(i + 1)), body: stdout.slice(0, i) };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'obmock-curl-'));
  files.ca = join(work, 'ca.pem');
  files.cert = join(work, 'transport.pem');
  files.key = join(work, 'transport.key');
  files.jwt = join(work, 'request.jwt');
  writeFileSync(files.ca, sb.caBundle);
  writeFileSync(files.cert, tpp.transport.certPem);
  writeFileSync(files.key, tpp.transport.key.privateKeyPem, { mode: 0o600 });
});
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
});

describe('curl --cert … --key … against the bank', () => {
  it('registers a client (201) with a JWT signed by the test, then gets a token with tls_client_auth', async () => {
    const jwt = await signedRegistration(tpp, sb.bank, { header: { typ: 'JWT' } });
    writeFileSync(files.jwt, jwt);
    const reg = await curl([
      '-X',
      'POST',
      `${sb.bank.issuer}/register`,
      '-H',
      'Content-Type: application/jose',
      '--data-binary',
      `@${files.jwt}`,
    ]);
    expect(reg.status, reg.body).toBe(201);
    const client = JSON.parse(reg.body);
    expect(client.software_id).toBe(tpp.softwareId);
    const token = await curl([
      '-X',
      'POST',
      `${sb.bank.issuer}/token`,
      '--data-urlencode',
      'grant_type=client_credentials',
      '--data-urlencode',
      `client_id=${client.client_id}`,
    ]);
    expect(token.status, token.body).toBe(200);
    expect(JSON.parse(token.body).token_type).toBe('Bearer');
  });

  it('without --cert the bank answers 401 invalid_client', async () => {
    const { stdout } = await run(
      'curl',
      [
        '-sS',
        '--cacert',
        files.ca,
        '-w',
        '\n%{http_code}',
        '-X',
        'POST',
        `${sb.bank.issuer}/register`,
        '-H',
        'Content-Type: application/jose',
        '--data-binary',
        'x.y.z',
      ],
      { encoding: 'utf8' },
    );
    const i = stdout.lastIndexOf('\n');
    expect(Number(stdout.slice(i + 1))).toBe(401);
    expect(JSON.parse(stdout.slice(0, i)).error).toBe('invalid_client');
  });
});

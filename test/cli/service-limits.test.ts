import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { LIMIT_NAMES, serviceLimits } from '../../cli/service-limits.js';
import { UsageError } from '../../cli/usage-error.js';

/** `obmock up --limit NAME=N` (docs/bank.md and docs/directory.md, "Limits per TPP"). */
const BIN = resolve(import.meta.dirname, '../../dist/cli/main.js');
const work = mkdtempSync(join(tmpdir(), 'obmock-limit-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

describe('--limit NAME=N', () => {
  it('maps each name onto the bank’s or the directory’s setting', () => {
    expect(
      serviceLimits([
        'clients-per-organisation=5',
        'live-tokens-per-client=6',
        'consents-per-client=7',
        'software-statements-per-organisation=8',
        'certificates-per-organisation=9',
        'authorisation-servers-per-organisation=10',
      ]),
    ).toEqual({
      bank: { clientsPerOrganisation: 5, liveTokensPerClient: 6, consentsPerClient: 7 },
      directory: {
        maxSoftwareStatementsPerOrganisation: 8,
        maxCertificatesPerOrganisation: 9,
        maxAuthorisationServersPerOrganisation: 10,
      },
    });
    expect(LIMIT_NAMES).toHaveLength(6);
  });

  it.each([
    ['clients-per-organisation', /expected NAME=N/],
    ['no-such-limit=3', /expected NAME=N, NAME one of clients-per-organisation/],
    ['__proto__=3', /expected NAME=N/],
    [
      'clients-per-organisation=0',
      /--limit clients-per-organisation must be a whole number from 1 to 1000000 \(got '0'\)/,
    ],
    ['clients-per-organisation=1e3', /must be a whole number/],
    ['clients-per-organisation=1000001', /must be a whole number/],
    ['clients-per-organisation=', /must be a whole number/],
  ])('%s is a usage error', (spec, message) => {
    expect(() => serviceLimits([spec])).toThrow(UsageError);
    expect(() => serviceLimits([spec])).toThrow(message);
  });

  it('obmock up refuses a bad one with exit code 2, naming it', () => {
    let status = 0;
    let err = '';
    try {
      execFileSync(process.execPath, [BIN, 'up', '--limit', 'tokens=5'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      status = (e as { status: number }).status;
      err = String((e as { stderr?: string }).stderr);
    }
    expect(status).toBe(2);
    expect(err).toContain("--limit 'tokens=5': expected NAME=N");
  });

  it('every flag is checked before anything starts: with the port taken, a bad flag is still exit 2', async () => {
    const held = createServer();
    await new Promise<void>((r) => held.listen(0, '127.0.0.1', r));
    const port = String((held.address() as AddressInfo).port);
    try {
      for (const args of [
        ['--bank-discovery', 'x=http://bank/x'],
        ['--limit', 'tokens=5'],
      ]) {
        let status = 0;
        try {
          execFileSync(process.execPath, [BIN, 'up', '--data-dir', join(work, 'unused'), ...args], {
            env: { ...process.env, OBMOCK_PORT: port },
            stdio: 'pipe',
          });
        } catch (e) {
          status = (e as { status: number }).status;
        }
        expect(status, args.join(' ')).toBe(2);
      }
    } finally {
      held.close();
    }
  });

  it('obmock up applies it: with software-statements-per-organisation=1 an organisation’s second statement is 409', async () => {
    const ready = join(work, 'ready.json');
    const child = spawn(
      process.execPath,
      [
        BIN,
        'up',
        '--services',
        'directory',
        '--data-dir',
        join(work, 'data'),
        '--port',
        '0',
        '--limit',
        'software-statements-per-organisation=1',
        '--ready-file',
        ready,
        '--log-level',
        'silent',
      ],
      { stdio: 'ignore' },
    );
    children.push(child);
    const deadline = Date.now() + 30_000;
    while (!existsSync(ready)) {
      if (child.exitCode !== null) throw new Error(`obmock up exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('no ready file');
      await new Promise((r) => setTimeout(r, 50));
    }
    const info = JSON.parse(readFileSync(ready, 'utf8'));
    const agent = new Agent({ connect: { ca: readFileSync(info.ca.bundle, 'utf8') } });
    const post = async (path: string, token: string, body: unknown) => {
      const res = await request(`${info.directory.url}${path}`, {
        method: 'POST',
        dispatcher: agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
    };
    try {
      const org = await post('/admin/organisations', info.directory.adminToken, {
        OrganisationName: 'Limited TPP',
        OrganisationType: 'tpp',
        Roles: ['AISP'],
      });
      expect(org.status).toBe(201);
      const path = `/v2.1/organisation/${String(org.body.OrganisationId)}/software-statement`;
      const ss = { ClientName: 'app', RedirectUri: ['https://tpp.example/cb'] };
      expect((await post(path, String(org.body.AccessToken), ss)).status).toBe(201);
      const second = await post(path, String(org.body.AccessToken), ss);
      expect(second.status).toBe(409);
      expect(second.body.error).toBe('too_many_software_statements');
    } finally {
      await agent.close();
      child.kill('SIGTERM');
    }
  });
});

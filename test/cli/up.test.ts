import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** The built `obmock` binary, as a user runs it (npm test builds first). */
const BIN = resolve(import.meta.dirname, '../../dist/cli/main.js');
const work = mkdtempSync(join(tmpdir(), 'obmock-cli-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

async function waitForFile(file: string, child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (child.exitCode !== null) throw new Error(`obmock exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('ready file never appeared');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('obmock up', () => {
  it('is built', () => {
    expect(existsSync(BIN), 'run `npm run build` first').toBe(true);
  });

  it('starts with --port 0, writes the ready file once it answers, stops on SIGTERM at once, idle connections or not', async () => {
    const ready = join(work, 'ready.json');
    const child = spawn(
      process.execPath,
      [
        BIN,
        'up',
        '--data-dir',
        join(work, 'data'),
        '--port',
        '0',
        '--ready-file',
        ready,
        '--log-level',
        'silent',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let stdout = '';
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    await waitForFile(ready, child);
    const info = JSON.parse(readFileSync(ready, 'utf8'));
    expect(Object.keys(info).sort()).toEqual(['banks', 'ca', 'console', 'directory', 'tpp']);
    expect(info.console.url).toMatch(/^http:\/\/localhost:\d+$/);
    expect(info.console.signIn).toMatch(new RegExp(`^${info.console.url}/sign-in\\?code=[A-Za-z0-9_-]{43}$`));
    expect(info.tpp.url).toMatch(/^https:\/\/localhost:\d+$/);
    expect(info.banks).toHaveLength(1);
    expect(info.banks[0]).toMatchObject({ id: 'default', profile: 'ob-v3.3' });
    expect(info.banks[0].issuer).toMatch(/^https:\/\/localhost:\d+\/banks\/default$/);
    expect(info.banks[0].discovery).toBe(`${info.banks[0].issuer}/.well-known/openid-configuration`);
    expect(info.banks[0].orgId).toMatch(/^[0-9A-Za-z]{18}$/);
    expect(info.directory.url).toMatch(/^https:\/\/localhost:\d+$/);
    expect(info.directory.keystoreUrl).toBe(info.directory.url);
    expect(info.directory.adminToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(ready).mode & 0o777).toBe(0o600);
    for (const k of ['bundle', 'root', 'issuing']) expect(existsSync(info.ca[k])).toBe(true);
    const jwks = execFileSync(
      'curl',
      ['-sS', '--cacert', info.ca.bundle, `${info.directory.keystoreUrl}/keystore/openbanking.jwks`],
      {
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(jwks).keys[0].alg).toBe('PS256');
    const orgs = execFileSync(
      'curl',
      [
        '-sS',
        '--cacert',
        info.ca.bundle,
        '-H',
        `Authorization: Bearer ${info.directory.adminToken}`,
        `${info.directory.url}/admin/organisations`,
      ],
      { encoding: 'utf8' },
    );
    const orgList = JSON.parse(orgs) as { OrganisationId: string; OrganisationType: string }[];
    expect(orgList.filter((o) => o.OrganisationType === 'aspsp').map((o) => o.OrganisationId)).toEqual([
      info.banks[0].orgId,
    ]);
    expect(orgList.filter((o) => o.OrganisationType === 'tpp')).toHaveLength(1);
    const tppHealth = execFileSync('curl', ['-sS', '--cacert', info.ca.bundle, `${info.tpp.url}/health`], {
      encoding: 'utf8',
    });
    expect(JSON.parse(tppHealth).status).toBe('ok');
    const discovery = execFileSync('curl', ['-sS', '--cacert', info.ca.bundle, info.banks[0].discovery], {
      encoding: 'utf8',
    });
    expect(JSON.parse(discovery).registration_endpoint).toBe(`${info.banks[0].issuer}/register`);
    expect(stdout).toContain('obmock is up');
    expect(stdout).toContain(`console    ${info.console.url}`);
    const signIn = execFileSync(
      'curl',
      ['-sS', '-o', '/dev/null', '-w', '%{http_code}', info.console.signIn],
      {
        encoding: 'utf8',
      },
    );
    expect(signIn).toBe('303');
    // A client that connected to each service and sent nothing (not even a TLS ClientHello)
    // kept SIGTERM waiting for as long as it stayed connected.
    const idle = [info.directory.url, info.banks[0].issuer, info.tpp.url, info.console.url].map((url) => {
      const socket = connect(Number(new URL(url).port), '127.0.0.1');
      socket.on('error', () => {});
      return socket;
    });
    await Promise.all(idle.map((s) => new Promise((r) => s.once('connect', r))));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const sent = Date.now();
    child.kill('SIGTERM');
    expect(
      await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))]),
    ).toBe(0);
    expect(Date.now() - sent).toBeLessThan(10_000);
    for (const s of idle) s.destroy();
  });

  it('refuses an unknown bank profile with a message naming it', () => {
    let err = '';
    try {
      execFileSync(
        process.execPath,
        [BIN, 'up', '--port', '0', '--data-dir', join(work, 'bad'), '--bank', 'x=nope'],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
    } catch (e) {
      err = String((e as { stderr?: string }).stderr);
    }
    expect(err).toContain("--bank 'x=nope': unknown profile 'nope'");
  });

  it('refuses a bad flag value with a message naming it', () => {
    let err = '';
    try {
      execFileSync(process.execPath, [BIN, 'up', '--port', 'abc'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      err = String((e as { stderr?: string }).stderr);
      expect((e as { status?: number }).status).toBe(2);
    }
    expect(err).toContain('--port must be a whole number');
  });

  it('refuses an unknown command with usage and exit code 2', () => {
    let status = 0;
    try {
      execFileSync(process.execPath, [BIN, 'frobnicate'], { stdio: 'ignore' });
    } catch (e) {
      status = (e as { status: number }).status;
    }
    expect(status).toBe(2);
  });
});

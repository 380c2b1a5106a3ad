/**
 * `obmock up --console-https`: the console over HTTPS with a server certificate
 * from the sandbox CA, the ready file's console.url in https, the one-time
 * link working with `curl --cacert`, and the session cookie marked Secure.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { consoleUsesHttps } from '../../cli/console-https.js';
import { UsageError } from '../../cli/usage-error.js';

const BIN = resolve(import.meta.dirname, '../../dist/cli/main.js');
const work = mkdtempSync(join(tmpdir(), 'obmock-console-https-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

const curl = async (args: string[]) =>
  (await promisify(execFile)('curl', ['--silent', '--show-error', '--max-time', '20', ...args])).stdout;

interface Ready {
  console: { url: string; signIn: string };
  ca: { bundle: string };
}

async function up(extra: string[]): Promise<{ ready: Ready; dataDir: string }> {
  const dataDir = join(work, `data-${children.length}`);
  const readyFile = join(work, `ready-${children.length}.json`);
  const child = spawn(
    process.execPath,
    [
      BIN,
      'up',
      '--data-dir',
      dataDir,
      '--port',
      '0',
      '--ready-file',
      readyFile,
      '--log-level',
      'silent',
      ...extra,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.push(child);
  const deadline = Date.now() + 60_000;
  while (!existsSync(readyFile)) {
    if (child.exitCode !== null) throw new Error(`obmock up exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('the ready file never appeared');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { ready: JSON.parse(readFileSync(readyFile, 'utf8')), dataDir };
}

describe('console over HTTPS', () => {
  it('is built', () => {
    expect(existsSync(BIN), 'run `npm run build` first').toBe(true);
  });

  it('serves the console over HTTPS: https console.url, sign-in link works with curl --cacert, cookie Secure', async () => {
    const { ready, dataDir } = await up(['--console-https']);
    expect(ready.console.url).toMatch(/^https:\/\/localhost:\d+$/);
    expect(ready.console.signIn.startsWith(`${ready.console.url}/sign-in?code=`)).toBe(true);
    const ca = ready.ca.bundle as string;
    // The one-time link: a redirect into the console with a Secure, HttpOnly, SameSite=Strict cookie.
    const headers = await curl(['--cacert', ca, '--include', '--output', '-', ready.console.signIn]);
    expect(headers).toMatch(/^HTTP\/1\.1 303/);
    const setCookie = /^set-cookie: (.*)$/im.exec(headers)?.[1] ?? '';
    expect(setCookie).toMatch(/^obmock_console=[A-Za-z0-9_-]{43}; /);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    // The session works over HTTPS.
    const cookie = setCookie.split(';')[0];
    const page = await curl([
      '--cacert',
      ca,
      '--cookie',
      cookie,
      '--write-out',
      '\n%{http_code}',
      `${ready.console.url}/banks`,
    ]);
    expect(page.trim().endsWith('200')).toBe(true);
    expect(page).toContain('<h1>Banks</h1>');
    // Spent: the same link again is refused.
    const again = await curl([
      '--cacert',
      ca,
      '--output',
      '/dev/null',
      '--write-out',
      '%{http_code}',
      ready.console.signIn,
    ]);
    expect(again).toBe('401');
    // Without the CA, curl refuses the certificate (it is the sandbox CA's, not a public one).
    await expect(curl(['--output', '/dev/null', `${ready.console.url}/health`])).rejects.toThrow();
    // The certificate chains to the sandbox CA and names the host.
    const served = await new Promise<string>((done) => {
      const child = execFile(
        'openssl',
        [
          's_client',
          '-connect',
          new URL(ready.console.url).host,
          '-servername',
          'localhost',
          '-CAfile',
          ca,
          '-verify_return_error',
          '-verify_hostname',
          'localhost',
        ],
        { timeout: 20_000 },
        (_err, stdout) => done(stdout),
      );
      child.stdin?.end();
    });
    expect(served).toMatch(/Verify return code: 0 \(ok\)/);
    // The console's private key is only in a 0600 file.
    const keyFile = join(dataDir, 'console', 'server-localhost.key.pem');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  }, 120_000);

  it('without --console-https on loopback the console stays on plain HTTP without Secure', async () => {
    const { ready } = await up([]);
    expect(ready.console.url).toMatch(/^http:\/\/localhost:\d+$/);
    const headers = await curl(['--include', '--output', '-', ready.console.signIn]);
    const setCookie = /^set-cookie: (.*)$/im.exec(headers)?.[1] ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).not.toMatch(/Secure/);
  }, 120_000);
});

describe('when the console uses HTTPS', () => {
  it.each([
    [{}, false],
    [{ bind: '127.0.0.1' }, false],
    [{ bind: '127.0.0.2' }, false],
    [{ bind: '::1' }, false],
    [{ bind: '0.0.0.0' }, true],
    [{ bind: '192.0.2.10' }, true],
    [{ bind: '::' }, true],
    [{ bind: '0.0.0.0', http: true }, false],
    [{ https: true }, true],
  ])('%j → %s', (flags, https) => {
    expect(consoleUsesHttps(flags)).toBe(https);
  });

  it('refuses both flags at once as a usage error', () => {
    expect(() => consoleUsesHttps({ https: true, http: true })).toThrow(UsageError);
  });
});

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** The built CLI as a newcomer meets it: --version, --help everywhere, usage errors, clean exits. */
const root = resolve(import.meta.dirname, '../..');
const BIN = join(root, 'dist/cli/main.js');
const work = mkdtempSync(join(tmpdir(), 'obmock-cli-first-hour-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

function obmock(args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: work, env: { ...process.env, ...env }, timeout: 120_000 },
      (err, stdout, stderr) =>
        res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('obmock --version and --help', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const r = await obmock(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `obmock ${version}\n` });
  });

  it.each([
    [['--help'], /^obmock — /],
    [['help'], /^obmock — /],
    [['help', 'up'], /^obmock up \[options\]/],
    [['up', '--help'], /^obmock up \[options\]/],
    [['scenarios', '--help'], /^obmock scenarios \[options\]/],
    [['demo', '--help'], /^obmock demo /],
    [['profiles', '--help'], /^obmock profiles /],
    [['health', '--help'], /^obmock health URL/],
    [['bank', '--help'], /^obmock bank <subcommand>/],
    [['bank', 'fault', '--help'], /^obmock bank fault <add\|list\|clear>/],
  ])('%j prints its usage and exits 0', async (args, usage) => {
    const r = await obmock(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(usage);
  });

  it.each([
    [['nope'], "obmock: unknown command 'nope'"],
    [['bank', 'nope'], "obmock bank: unknown subcommand 'nope'"],
    [['help', 'nope'], ''],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const r = await obmock(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe('flags are checked with a message', () => {
  it.each([
    [
      ['health', 'https://localhost:1/health', '--timeout-ms', 'abc'],
      "--timeout-ms must be a whole number from 1 to 600000 (got 'abc')",
    ],
    [
      ['health', 'https://localhost:1/health', '--timeout-ms=-5'],
      "--timeout-ms must be a whole number from 1 to 600000 (got '-5')",
    ],
    [['health', 'ftp://x/health'], "'ftp://x/health' is not an https URL"],
    [['up', '--port', 'abc'], "--port must be a whole number from 0 to 65533 (got 'abc')"],
    [['up', '--port', '70000'], "--port must be a whole number from 0 to 65533 (got '70000')"],
    [
      ['up', '--log-level', 'loud'],
      "--log-level must be one of debug, info, warn, error, silent (got 'loud')",
    ],
    [
      ['up', '--bank-discovery', 'x=http://bank/x'],
      "--bank-discovery 'x=http://bank/x': expected ID=https://",
    ],
    [['scenarios', '--concurrency', '0'], "--concurrency must be a whole number from 1 to 32 (got '0')"],
    [['scenarios', '--concurrency', '2x'], "--concurrency must be a whole number from 1 to 32 (got '2x')"],
    [['up', '--frobnicate'], "Unknown option '--frobnicate'"],
  ])('%j → exit 2: %s', async (args, message) => {
    const r = await obmock(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toMatch(/Run 'obmock \S+ --help' for the options\.\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('OBMOCK_PORT is checked like --port', async () => {
    const r = await obmock(['up', '--data-dir', join(work, 'd')], { OBMOCK_PORT: 'x' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--port must be a whole number from 0 to 65533 (got 'x')");
  });
});

describe('up --bank NAME', () => {
  it('a bare word that is no shipped profile is refused, suggesting id=profile', async () => {
    const r = await obmock(['up', '--port', '0', '--data-dir', join(work, 'bare'), '--bank', 'pingfedrate']);
    // a usage mistake (README, "obmock up and the other commands"): exit 2
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--bank 'pingfedrate': not a shipped profile");
    expect(r.stderr).toContain('give id=profile, e.g. pingfedrate=ob-v3.3');
  });

  it('a shipped profile whose name is no bank id (ob-v3.1) is refused at once, suggesting id=profile: exit 2', async () => {
    const r = await obmock(['up', '--port', '0', '--data-dir', join(work, 'dotted'), '--bank', 'ob-v3.1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--bank 'ob-v3.1': a bank id is 1–40 letters, digits, '-' or '_'");
    expect(r.stderr).toContain('give one, e.g. ob-v31=ob-v3.1');
  });

  it('a shipped profile name alone starts that profile under its name', async () => {
    const ready = join(work, 'ping-ready.json');
    const child = spawn(
      process.execPath,
      [
        BIN,
        'up',
        '--port',
        '0',
        '--data-dir',
        join(work, 'ping'),
        '--bank',
        'pingfederate',
        '--ready-file',
        ready,
      ],
      { cwd: work, stdio: 'ignore' },
    );
    children.push(child);
    const deadline = Date.now() + 90_000;
    let info: { banks: { id: string; profile: string; discovery: string }[] } | undefined;
    while (!info) {
      try {
        info = JSON.parse(readFileSync(ready, 'utf8'));
      } catch {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error('obmock up did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(info.banks).toHaveLength(1);
    expect(info.banks[0]).toMatchObject({ id: 'pingfederate', profile: 'pingfederate' });
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 120_000);
});

describe('up on a port already taken', () => {
  it('says which port, that another obmock up may hold it, and the flags to move: exit 1', async () => {
    // what a newcomer meets starting a second `obmock up` beside `npm start`
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as AddressInfo).port;
    try {
      const r = await obmock(['up', '--port', String(port), '--data-dir', join(work, 'taken')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(r.stderr).toContain("another 'obmock up' (npm start) running?");
      expect(r.stderr).toContain('--port 0 for free ports');
    } finally {
      await new Promise((r) => taken.close(r));
    }
  }, 120_000);
});

describe('temporary folders', () => {
  const sandboxDirs = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('obmock-sandbox-'));

  it('a scenarios run refused before it starts (an unknown profile: a configuration error, exit 2) leaves no sandbox folder', async () => {
    const tmp = join(work, 'tmp-fail');
    mkdirSync(tmp);
    const r = await obmock(['scenarios', '--bank', 'no-such-profile', '--only', 'DCR-001'], { TMPDIR: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown profile 'no-such-profile'");
    expect(sandboxDirs(tmp)).toEqual([]);
  });

  it.each([
    'SIGINT',
    'SIGTERM',
  ] as const)('a scenarios run interrupted by %s removes its sandbox folder (CA key, admin token)', async (signal) => {
    const tmp = join(work, `tmp-${signal}`);
    mkdirSync(tmp);
    const child = spawn(process.execPath, [BIN, 'scenarios', '--only', 'DCR-*'], {
      cwd: work,
      env: { ...process.env, TMPDIR: tmp },
      stdio: 'ignore',
    });
    children.push(child);
    const deadline = Date.now() + 60_000;
    while (sandboxDirs(tmp).length === 0) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error('no sandbox folder appeared');
      await new Promise((r) => setTimeout(r, 20));
    }
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill(signal);
    expect(await exited).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(sandboxDirs(tmp)).toEqual([]);
  }, 90_000);
});

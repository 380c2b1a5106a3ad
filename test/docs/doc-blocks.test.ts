import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DocBlock, documentedFiles, markdownBlocks, SHELL, TYPESCRIPT } from './markdown-blocks.js';

/**
 * Every code block of README.md and docs/*.md, as docs/doc-tests.md describes: shell blocks
 * run as written in a copy of the repository (a fresh checkout: the README's `npm ci` installs
 * it), TypeScript blocks are the files the tests run. The static part always runs; running the
 * shell blocks takes minutes (npm ci, builds, the catalogue), so it runs under CI=true or
 * OBMOCK_DOC_TESTS=1.
 */
const root = resolve(import.meta.dirname, '../..');
const files = documentedFiles(root);
const blocks = files.flatMap((f) => markdownBlocks(root, f));
const MODES = new Set(['skip', 'background', 'needs-up', 'file']);
const where = (b: DocBlock) => `${b.file}:${b.line}`;

describe('documented code blocks: static rules', () => {
  it('finds the README journeys', () => {
    expect(blocks.filter((b) => b.file === 'README.md' && SHELL.has(b.info)).length).toBeGreaterThan(3);
  });

  it.each(
    blocks.filter((b) => b.mode !== undefined).map((b) => [where(b), b] as const),
  )('%s: the directive is one docs/doc-tests.md defines', (_w, b) => {
    expect(MODES.has(b.mode!), `unknown doc-test mode '${b.mode}'`).toBe(true);
    if (b.mode === 'skip') expect(b.arg, 'a skip says why').toMatch(/\S{3,}/);
    if (b.mode === 'file')
      expect(TYPESCRIPT.has(b.info) || b.info === 'yaml' || b.info === 'json').toBe(true);
    if (b.mode === 'background') expect(b.body).toMatch(/--ready-file\s+\S+/);
    if (b.mode === 'background' || b.mode === 'needs-up') expect(SHELL.has(b.info)).toBe(true);
  });

  it.each(
    blocks.filter((b) => TYPESCRIPT.has(b.info)).map((b) => [where(b), b] as const),
  )('%s: a TypeScript example is a file the tests run, copied verbatim', (_w, b) => {
    expect(b.mode, 'mark it <!-- doc-test: file PATH --> (or skip with a reason)').toMatch(/^(file|skip)$/);
    if (b.mode !== 'file') return;
    expect(existsSync(join(root, b.arg!)), `${b.arg} exists`).toBe(true);
    expect(b.body).toBe(readFileSync(join(root, b.arg!), 'utf8'));
  });

  it.each(files)('%s never runs a registry package named obmock, nor a bare obmock', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    // Outside a checkout `npx obmock` fetches whatever the registry has under that name.
    expect(text).not.toMatch(/\bnpx\s+(?!--no-install\b)(-\S+\s+)*obmock\b/);
    for (const b of markdownBlocks(root, file).filter((x) => SHELL.has(x.info))) {
      // `obmock` is not on PATH in a checkout: blocks say `npx --no-install obmock`.
      expect(b.body, where(b)).not.toMatch(/^\s*obmock\s/m);
    }
  });
});

const runBlocks = process.env.CI === 'true' || process.env.OBMOCK_DOC_TESTS === '1';

describe.runIf(runBlocks)('documented shell blocks, run as written in a fresh copy', () => {
  let copy = '';
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST'))),
    // `obmock up` picks free ports (tests never take fixed ones); npm uses its cache when it can.
    OBMOCK_PORT: '0',
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    NODE_ENV: '',
  };
  const servers: ChildProcess[] = [];
  let harnessServer: { child: ChildProcess; ports: Record<string, number> } | undefined;

  // A copy of what git tracks (and untracked files not ignored): a checkout without node_modules or dist.
  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'obmock-doc-test-'));
    const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
    })
      .split('\0')
      .filter((f) => f && existsSync(join(root, f)));
    for (const f of tracked) {
      mkdirSync(dirname(join(copy, f)), { recursive: true });
      cpSync(join(root, f), join(copy, f));
    }
  });

  const stop = async (child: ChildProcess) => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid, 'SIGTERM');
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const stopAll = async () => {
    for (const c of servers.splice(0)) await stop(c);
    if (harnessServer) await stop(harnessServer.child);
    harnessServer = undefined;
  };
  afterAll(async () => {
    await stopAll();
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  const startServer = async (script: string, readyFile: string): Promise<ChildProcess> => {
    rmSync(join(copy, readyFile), { force: true });
    const child = spawn('bash', ['-c', script], { cwd: copy, env, detached: true, stdio: 'ignore' });
    const deadline = Date.now() + 180_000;
    while (!existsSync(join(copy, readyFile))) {
      if (child.exitCode !== null) throw new Error(`'${script.trim()}' exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`${readyFile} did not appear`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return child;
  };

  const shell = (script: string) =>
    new Promise<{ code: number; out: string }>((resolveRun) => {
      execFile(
        'bash',
        ['-e', '-o', 'pipefail', '-c', script],
        { cwd: copy, env, timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) =>
          resolveRun({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
      );
    });

  for (const file of files) {
    const shellBlocks = markdownBlocks(root, file).filter((b) => SHELL.has(b.info) && b.mode !== 'skip');
    if (shellBlocks.length === 0) continue;
    describe.sequential(file, () => {
      afterAll(stopAll);
      for (const b of shellBlocks) {
        it(`${where(b)} (${b.mode ?? 'run'})`, { timeout: 20 * 60_000 }, async () => {
          if (b.mode === 'background') {
            const ready = /--ready-file\s+(\S+)/.exec(b.body)![1];
            servers.push(await startServer(b.body, ready));
            return;
          }
          let script = b.body;
          if (b.mode === 'needs-up') {
            for (const c of servers.splice(0)) await stop(c);
            if (!harnessServer) {
              const readyFile = '.doc-test-ready.json';
              const child = await startServer(
                `exec npx --no-install obmock up --ready-file ${readyFile} --log-level warn`,
                readyFile,
              );
              const ready = JSON.parse(readFileSync(join(copy, readyFile), 'utf8'));
              const port = (url: string) => Number(new URL(url).port);
              harnessServer = {
                child,
                ports: {
                  '8443': port(ready.directory.url),
                  '8444': port(ready.banks[0].issuer),
                  '8445': port(ready.tpp.url),
                },
              };
            }
            const ports = harnessServer.ports;
            script = script.replace(
              /localhost:(8443|8444|8445)\b/g,
              (_m, p: string) => `localhost:${ports[p]}`,
            );
          }
          const { code, out } = await shell(script);
          expect(code, `${where(b)} failed:\n${out.slice(-4000)}`).toBe(0);
        });
      }
    });
  }
});

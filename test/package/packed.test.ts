import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The package as a stranger gets it: `npm pack` (after the build `npm test` runs first),
 * installed into a scratch project, its bin run, its exports compared with docs/api.md, and
 * a consumer compiled against its .d.ts files with skipLibCheck: false.
 */
const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'obmock-pack-'));
const consumer = join(work, 'consumer');
let tarball = '';
let packedFiles: string[] = [];

/** Backticked identifiers of one `## Heading` section of docs/api.md. */
function documented(section: string): string[] {
  const text = readFileSync(join(root, 'docs/api.md'), 'utf8');
  const start = text.indexOf(`\n## ${section}\n`);
  const end = text.indexOf('\n## ', start + 1);
  const body = text.slice(start, end < 0 ? undefined : end);
  return [...new Set([...body.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((m) => m[1]))].sort();
}

beforeAll(async () => {
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info.filename);
  packedFiles = info.files.map((f) => f.path);
  mkdirSync(consumer);
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    cwd: consumer,
    timeout: 240_000,
  });
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package', () => {
  it('holds the build, the shipped profiles and the docs, and no sources or tests', () => {
    for (const f of [
      'package.json',
      'README.md',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'aspsp-mock/profiles/ob-v3.3.json',
      'docs/api.md',
    ])
      expect(packedFiles, f).toContain(f);
    expect(packedFiles.filter((f) => f.startsWith('test/') || f.startsWith('dist/test/'))).toEqual([]);
    expect(
      packedFiles.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('examples/')),
    ).toEqual([]);
  });

  it('installs a working bin', async () => {
    const bin = join(consumer, 'node_modules/.bin/obmock');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect((await run(bin, ['--version'])).stdout).toBe(`obmock ${pkg.version}\n`);
    const profiles = (await run(bin, ['profiles'])).stdout;
    expect(profiles).toMatch(/^ob-v3\.3\s/m);
    expect(profiles).toMatch(/^pingfederate\s/m);
  });

  it('exports exactly the values docs/api.md lists', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', "console.log(JSON.stringify(Object.keys(await import('obmock'))))"],
      { cwd: consumer },
    );
    expect((JSON.parse(stdout) as string[]).sort()).toEqual(documented('Values'));
  });

  it(
    'type-checks in a consumer project with skipLibCheck: false, every documented type imported',
    { timeout: 180_000 },
    async () => {
      mkdirSync(join(consumer, 'node_modules/@types'), { recursive: true });
      symlinkSync(join(root, 'node_modules/@types/node'), join(consumer, 'node_modules/@types/node'), 'dir');
      writeFileSync(
        join(consumer, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            skipLibCheck: false,
            noEmit: true,
            types: ['node'],
          },
          include: ['*.ts'],
        }),
      );
      const types = documented('Types');
      writeFileSync(
        join(consumer, 'main.ts'),
        [
          `import type { ${types.join(', ')} } from 'obmock';`,
          "import { startSandbox, TppClient } from 'obmock';",
          `export type All = [${types.join(', ')}];`,
          "const sandbox: Sandbox = await startSandbox({ banks: ['bank=pingfederate'] });",
          'const view: FaultView = sandbox.faults.add({ kind: "status", endpoints: ["register"], count: 1 });',
          'const tpp = new TppClient(await sandbox.createTpp());',
          'const bank: Discovery = await tpp.discover(sandbox.banks[0].discovery);',
          'const result: RegisterAtResult = await tpp.registerAt(bank);',
          'console.log(view.id, result.ok);',
          'await tpp.close();',
          'await sandbox.stop();',
        ].join('\n'),
      );
      const tsc = join(root, 'node_modules/typescript/bin/tsc');
      const out = await run(process.execPath, [tsc, '-p', consumer]).then(
        (r) => ({ code: 0, text: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, text: e.stdout }),
      );
      expect(out.text).toBe('');
      expect(out.code).toBe(0);
    },
  );
});

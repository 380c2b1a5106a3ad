import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A tiny project whose `build` script counts its runs, with the real freshness check. */
function project(): { dir: string; run(): string; builds(): number } {
  const dir = mkdtempSync(join(tmpdir(), 'obmock-build-if-stale-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'scripts'));
  mkdirSync(join(dir, 'src'));
  copyFileSync(
    join(import.meta.dirname, '../../scripts/build-if-stale.mjs'),
    join(dir, 'scripts/build-if-stale.mjs'),
  );
  writeFileSync(join(dir, 'tsconfig.build.json'), JSON.stringify({ include: ['src'] }));
  writeFileSync(join(dir, 'tsconfig.json'), '{}');
  writeFileSync(join(dir, 'src/a.ts'), 'export const a = 1;\n');
  const build =
    "node -e \"const f=require('fs');f.mkdirSync('dist',{recursive:true});f.appendFileSync('dist/builds','x')\"";
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'p', private: true, scripts: { build } }));
  writeFileSync(join(dir, 'package-lock.json'), '{}');
  const past = new Date(Date.now() - 60_000);
  for (const f of [
    'tsconfig.build.json',
    'tsconfig.json',
    'src/a.ts',
    'src',
    'package.json',
    'package-lock.json',
  ])
    utimesSync(join(dir, f), past, past);
  return {
    dir,
    run: () =>
      execFileSync(process.execPath, ['scripts/build-if-stale.mjs'], { cwd: dir, stdio: 'pipe' }).toString() +
      '',
    builds: () => {
      try {
        return readFileSync(join(dir, 'dist/builds'), 'utf8').length;
      } catch {
        return 0;
      }
    },
  };
}

describe('scripts/build-if-stale.mjs', () => {
  it('builds the first time, then only after an input changed', () => {
    const p = project();
    p.run();
    expect(p.builds()).toBe(1);
    p.run();
    expect(p.builds()).toBe(1); // nothing changed: no build
    writeFileSync(join(p.dir, 'src/a.ts'), 'export const a = 2;\n');
    p.run();
    expect(p.builds()).toBe(2);
    p.run();
    expect(p.builds()).toBe(2);
  });

  it('builds after a file was added or the config changed, and when dist is gone', () => {
    const p = project();
    p.run();
    writeFileSync(join(p.dir, 'src/b.ts'), 'export const b = 1;\n');
    p.run();
    expect(p.builds()).toBe(2);
    writeFileSync(join(p.dir, 'tsconfig.json'), '{ }');
    p.run();
    expect(p.builds()).toBe(3);
    rmSync(join(p.dir, 'dist'), { recursive: true });
    p.run();
    expect(p.builds()).toBe(1);
  });

  it('ignores test files', () => {
    const p = project();
    p.run();
    writeFileSync(join(p.dir, 'src/a.test.ts'), 'export {};\n');
    utimesSync(join(p.dir, 'src'), new Date(0), new Date(0));
    p.run();
    expect(p.builds()).toBe(1);
  });
});

#!/usr/bin/env node
/**
 * `npm start` / `npm run scenarios` / `npm run bench`: build only when a source changed.
 * Compares the newest modification time of the build's inputs (the .ts files under the folders
 * tsconfig.build.json includes, the tsconfig files, package.json and package-lock.json) with the
 * stamp written after the last successful build; runs the (incremental) `npm run build` only when
 * an input is newer or the stamp is missing. Plain JavaScript: it must run before anything is built.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
const config = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8'));

function newest(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return /\.(ts|json)$/.test(path) && !path.endsWith('.test.ts') ? st.mtimeMs : 0;
  let max = st.mtimeMs; // a deleted or renamed file changes its folder
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    max = Math.max(max, newest(join(path, entry)));
  }
  return max;
}

const inputs = [
  ...config.include,
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
  'package-lock.json',
].map((p) => join(root, p));
const sourcesAt = Math.max(...inputs.map(newest));
let builtAt = 0;
try {
  builtAt = statSync(stamp).mtimeMs;
} catch {
  // never built here
}

if (builtAt >= sourcesAt) {
  process.stderr.write('build: up to date\n');
} else {
  const startedAt = Date.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['run', '--silent', 'build'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
  // The stamp carries the time the build started: a file saved during the build stays newer.
  const t = new Date(startedAt);
  writeFileSync(stamp, `${t.toISOString()}\n`);
  utimesSync(stamp, t, t);
}

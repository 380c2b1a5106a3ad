import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_ARGS } from '../../bench/lib/service-node-args.js';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

/** The young generation's semi-space size (MiB) of a new node process started with `args`. */
function semiSpaceMiB(args: readonly string[]): number {
  const script = `process.stdout.write(String(require('node:v8').getHeapSpaceStatistics()
    .find((s) => s.space_name === 'new_space').space_size / 2 ** 20))`;
  const { NODE_OPTIONS: _, ...env } = process.env;
  return Number(execFileSync(process.execPath, [...args, '-e', script], { env, encoding: 'utf8' }));
}

describe('the service processes’ node options', () => {
  it('are the ones npm start and the container image run the services with', () => {
    const start = JSON.parse(read('package.json')).scripts.start as string;
    expect(start).toBe(`node ${SERVICE_NODE_ARGS.join(' ')} dist/cli/main.js up`);
    const entrypoint = /^ENTRYPOINT (.+)$/m.exec(read('Dockerfile'))?.[1];
    expect(entrypoint && JSON.parse(entrypoint)).toEqual(['node', ...SERVICE_NODE_ARGS, 'dist/cli/main.js']);
  });

  it('give the young generation its 64 MiB semi-spaces from the start (V8 starts at 1 MiB)', () => {
    expect(semiSpaceMiB([])).toBeLessThan(64);
    expect(semiSpaceMiB(SERVICE_NODE_ARGS)).toBe(64);
  });
});
